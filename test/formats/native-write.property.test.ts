/**
 * Property: for generated domain models, reading back what writeXl/writeXm wrote (readXl/readXm)
 * preserves every field the format can express: names, paths and command lines with quotes,
 * spaces, backslashes and commas, memory, vCPUs, disks, vifs, graphics, serial, lifecycle. What a
 * format cannot express (a comma inside a disk or vif field, …) must come back as a reported loss
 * and be absent from the output: never a silently different device.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {readXl} from '../../src/formats/xl/read.js'
import {writeXl} from '../../src/formats/xl/write.js'
import {readXm} from '../../src/formats/xm/read.js'
import {writeXm} from '../../src/formats/xm/write.js'
import type {Diagnostic} from '../../src/model/diagnostic.js'
import {type BootDevice, type ChrDevice, type Disk, type Domain, type Interface, type LifecycleAction, newDomain} from '../../src/model/domain.js'

const hard: fc.Arbitrary<string> = fc.constantFrom(' ', ',', '"', "'", '\\', ':', '=', '#', ';', '[', ']', 'é')
const text = (min: number, max: number, extra: fc.Arbitrary<string> = hard, base = 'abcxyz019_-.') =>
  fc.string({unit: fc.oneof({weight: 4, arbitrary: fc.constantFrom(...base.split(''))}, extra), minLength: min, maxLength: max})
/** Paths: absolute, with hard characters in the middle. */
const path = fc.tuple(text(1, 6, fc.constantFrom('_', '-')), text(1, 12)).map(([dir, file]) => `/${dir}/${file}`)
const action = fc.constantFrom<LifecycleAction>('destroy', 'restart', 'preserve', 'coredump-destroy', 'coredump-restart')
const mac = fc.array(fc.integer({min: 0, max: 255}), {minLength: 3, maxLength: 3}).map((b) => `00:16:3e:${b.map((x) => x.toString(16).padStart(2, '0')).join(':')}`)

// No '.' or ':' in bridge names: libvirt's vif reader (and ours) reads those as Open vSwitch VLAN tags.
const vif = fc.record({mac, bridge: text(1, 8, fc.constantFrom(',', '_', '-'), 'abcxyz019'), script: fc.option(text(1, 8, fc.constantFrom(',', '/', '-')), {nil: undefined})}).map(
  ({mac, bridge, script}): Interface => ({type: 'bridge', mac, source: {bridge}, ips: [], ...(script !== undefined ? {script} : {})}),
)

const domain = fc
  .record({
    hvm: fc.boolean(),
    name: text(1, 16, fc.constantFrom(' ', ',', '"', "'", '\\', '\n', 'é', '#')),
    memMiB: fc.integer({min: 32, max: 65536}),
    extraMiB: fc.integer({min: 0, max: 4096}),
    vcpus: fc.integer({min: 1, max: 64}),
    online: fc.option(fc.integer({min: 1, max: 64}), {nil: undefined}),
    kernel: path,
    cmdline: fc.option(text(0, 30, fc.constantFrom(' ', '"', "'", '=', '\\')), {nil: undefined}),
    disks: fc.array(fc.record({path, block: fc.boolean(), readonly: fc.boolean(), cdrom: fc.boolean()}), {maxLength: 4}),
    vifs: fc.array(vif, {maxLength: 3}),
    vnc: fc.option(fc.record({port: fc.option(fc.integer({min: 5900, max: 5999}), {nil: undefined}), listen: fc.constantFrom('0.0.0.0', '127.0.0.1', '::1'), keymap: fc.option(fc.constantFrom('de', 'en-us', 'fr-ch'), {nil: undefined}), passwd: fc.option(text(1, 10), {nil: undefined})}), {nil: undefined}),
    serial: fc.option(
      fc.oneof(
        fc.constantFrom<ChrDevice>({type: 'pty', sources: [], target: {port: 0}}, {type: 'null', sources: [], target: {port: 0}}),
        path.map((p): ChrDevice => ({type: 'file', sources: [{path: p}], target: {port: 0}})),
        path.map((p): ChrDevice => ({type: 'unix', sources: [{mode: 'bind', path: p}], target: {port: 0}})),
        fc.tuple(fc.constantFrom('127.0.0.1', '0.0.0.0', 'host.example'), fc.integer({min: 1, max: 65535}), fc.boolean()).map(
          ([host, port, bind]): ChrDevice => ({type: 'tcp', protocol: 'raw', sources: [{mode: bind ? 'bind' : 'connect', host, service: String(port)}], target: {port: 0}}),
        ),
      ),
      {nil: undefined},
    ),
    boot: fc.uniqueArray(fc.constantFrom<BootDevice>('hd', 'cdrom', 'network', 'fd'), {minLength: 1, maxLength: 4}),
    pins: fc.boolean(),
    lifecycle: fc.tuple(action, action, action),
  })
  .map((g): Domain => {
    const d = newDomain(g.name, g.hvm ? 'hvm' : 'pv')
    d.currentMemoryKiB = g.memMiB * 1024
    d.maxMemoryKiB = (g.memMiB + g.extraMiB) * 1024
    d.vcpu = {max: g.vcpus, ...(g.online !== undefined && g.online < g.vcpus ? {current: g.online} : {})}
    if (g.hvm) {
      d.os.boot = ['hd']
      d.features = {acpi: true, apic: true, pae: true}
    } else {
      d.os.kernel = g.kernel
      if (g.cmdline !== undefined) d.os.cmdline = g.cmdline
    }
    d.devices.disks = g.disks.map((x, i): Disk => {
      const cdrom = g.hvm && x.cdrom
      return {
        type: x.block ? 'block' : 'file',
        device: cdrom ? 'cdrom' : 'disk',
        driver: {name: x.block ? 'phy' : 'qemu', type: 'raw'},
        source: x.block ? {dev: x.path} : {file: x.path},
        target: {dev: `${g.hvm ? 'hd' : 'xvd'}${'abcd'[i]}`},
        ...(x.readonly || cdrom ? {readonly: true} : {}),
      }
    })
    d.devices.interfaces = g.vifs
    if (g.vnc) {
      d.devices.graphics = [
        {
          type: 'vnc',
          ...(g.vnc.port !== undefined ? {port: g.vnc.port, autoport: false} : {autoport: true}),
          listens: [{type: 'address', address: g.vnc.listen}],
          ...(g.vnc.keymap !== undefined ? {keymap: g.vnc.keymap} : {}),
          ...(g.vnc.passwd !== undefined ? {passwd: g.vnc.passwd} : {}),
        },
      ]
    }
    if (g.hvm && g.serial !== undefined) d.devices.serials = [g.serial]
    if (g.hvm) d.os.boot = g.boot
    // Every vCPU pinned (xl `cpus` list); xm reports it lost.
    if (g.pins) d.cputune = {vcpupin: Array.from({length: g.vcpus}, (_, i) => ({vcpu: i, cpuset: String(i % 4)}))}
    d.lifecycle = {onPoweroff: g.lifecycle[0], onReboot: g.lifecycle[1], onCrash: g.lifecycle[2]}
    return d
  })

/** The losses (warnings) that name `what` (`disk hda`, `vif 00:16:3e:…`, `vfb`). */
const lostFor = (ds: readonly Diagnostic[], what: string) => ds.filter((x) => x.severity !== 'info' && x.message.includes(`${what}:`))

function checkTrip(format: 'xl' | 'xm', d: Domain): void {
  const written = (format === 'xl' ? writeXl : writeXm)(d, {securityInfo: true})
  const read = (format === 'xl' ? readXl : readXm)(written.text)
  const errors = [...read.diagnostics, ...read.domains.flatMap((x) => x.diagnostics)].filter((x) => x.severity === 'error')
  expect(errors, written.text).toEqual([])
  const b = read.domains[0]!.domain
  expect(b.name).toBe(d.name)
  expect(b.currentMemoryKiB).toBe(d.currentMemoryKiB)
  expect(b.maxMemoryKiB).toBe(d.maxMemoryKiB)
  expect(b.vcpu.max).toBe(d.vcpu.max)
  expect(b.vcpu.current ?? b.vcpu.max).toBe(d.vcpu.current ?? d.vcpu.max)
  expect(b.lifecycle).toEqual(d.lifecycle)
  expect(b.os.kind).toBe(d.os.kind)
  if (d.os.kind === 'pv') {
    expect(b.os.kernel).toBe(d.os.kernel)
    expect(b.os.cmdline ?? '').toBe(d.os.cmdline ?? '')
  }

  // Disks: every one comes back exactly, or is reported lost and absent from the text.
  const kept = d.devices.disks.filter((x) => lostFor(written.diagnostics, `disk ${x.target.dev}`).length === 0)
  for (const x of d.devices.disks) if (!kept.includes(x)) expect(written.text).not.toContain(`${x.target.dev}`)
  expect(b.devices.disks.map((x) => ({dev: x.target.dev, path: x.source?.file ?? x.source?.dev, ro: x.readonly === true, cdrom: x.device === 'cdrom'}))).toEqual(
    kept.map((x) => ({dev: x.target.dev, path: x.source?.file ?? x.source?.dev, ro: x.readonly === true, cdrom: x.device === 'cdrom'})),
  )

  const vifsKept = d.devices.interfaces.filter((x) => lostFor(written.diagnostics, `vif ${x.mac}`).length === 0)
  expect(b.devices.interfaces.map((x) => ({mac: x.mac, bridge: x.source?.bridge, script: x.script}))).toEqual(vifsKept.map((x) => ({mac: x.mac, bridge: x.source?.bridge, script: x.script})))
  // Every loss is about a generated comma or (xm) the pins: nothing else generated is inexpressible.
  for (const x of written.diagnostics.filter((y) => y.severity !== 'info')) expect(x.message).toMatch(format === 'xm' ? /holds a comma|ends in a comma|vcpupin/ : /holds a comma|ends in a comma/)
  const serialLost = written.diagnostics.some((x) => x.severity !== 'info' && /serial port 0: .*holds a comma/.test(x.message))
  if (format === 'xl') expect(b.cputune?.vcpupin ?? []).toEqual(d.cputune?.vcpupin ?? [])
  else expect(b.cputune?.vcpupin ?? []).toEqual([])
  if (d.os.kind === 'hvm') expect(b.os.boot).toEqual(d.os.boot)

  const g = d.devices.graphics[0]
  const vfbLost = lostFor(written.diagnostics, 'vfb').length > 0
  if (g && !vfbLost) {
    const h = b.devices.graphics[0]
    expect(h?.type).toBe('vnc')
    expect(h?.autoport ?? true).toBe(g.autoport ?? true)
    if (g.autoport === false) expect(h?.port).toBe(g.port)
    expect(h?.listens.find((l) => l.address)?.address ?? h?.listen).toBe(g.listens[0]!.address)
    expect(h?.keymap).toBe(g.keymap)
    expect(h?.passwd).toBe(g.passwd)
  } else {
    expect(b.devices.graphics).toEqual([])
  }

  if (serialLost) expect(b.devices.serials).toEqual([])
  if (d.os.kind === 'hvm' && !serialLost) {
    const s = d.devices.serials[0]
    const t = b.devices.serials[0]
    expect(t ? {type: t.type, sources: t.sources, protocol: t.protocol ?? 'raw'} : undefined).toEqual(s ? {type: s.type, sources: s.sources, protocol: s.protocol ?? 'raw'} : undefined)
  }
}

describe('property: parse(write(model)) keeps what the format can express', () => {
  it('xl', () => {
    fc.assert(
      fc.property(domain, (d) => checkTrip('xl', d)),
      {numRuns: 300},
    )
  })

  it('xm', () => {
    fc.assert(
      fc.property(domain, (d) => checkTrip('xm', d)),
      {numRuns: 300},
    )
  })
})
