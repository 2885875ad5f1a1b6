/**
 * Properties of the libvirt reader:
 * - write(read(write(d))) is the same text as write(d) for generated domains (the reader loses
 *   nothing the writer can say), with no diagnostics; their disks are in libvirt's own order,
 *   since the reader keeps libvirt's (virDomainDiskInsert, disk-order.test.ts) and says so when
 *   the XML's differs;
 * - no input makes it throw: random text and damaged copies of a real vector always come back
 *   as a ReadResult, with an error diagnostic whenever no domain could be read.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {ChrDevice, Disk, Domain, GuestKind, Interface} from '../../../src/model/domain.js'
import {newDomain} from '../../../src/model/domain.js'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {diskOrderSpec} from '../../helpers/disk-order-spec.js'

const nasty = fc.constantFrom('<', '>', '&', "'", '"', '&amp;', '&nbsp;', ']]>', '\n', '\r', '\t', ' ', '\u0001', 'é', '😀', 'a', '/', ':')
const text = fc.oneof(fc.string({maxLength: 12}), fc.string({unit: nasty, maxLength: 8}))
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, {nil: undefined})
const actions = fc.constantFrom('destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart' as const)

const disk: fc.Arbitrary<Disk> = fc.record({
  type: fc.constantFrom('file', 'block' as const),
  device: fc.constantFrom('disk', 'cdrom', 'floppy' as const),
  driver: fc.record({name: text, type: text}),
  source: fc.record({file: text}),
  target: fc.record({dev: fc.constantFrom('hda', 'xvdb', 'sdc'), bus: fc.constantFrom('ide', 'xen', 'scsi')}),
  readonly: fc.constantFrom(true, undefined),
  shareable: fc.constantFrom(true, undefined),
}).map((d) => JSON.parse(JSON.stringify(d)) as Disk)

/** Passwords are part of the round trip (virsh dumpxml --security-info). */
const SECURE = {securityInfo: true} as const

const nic: fc.Arbitrary<Interface> = fc
  .record({
    type: fc.constantFrom('bridge', 'ethernet' as const),
    mac: fc.constantFrom('00:16:3e:00:00:01', '00:00:00:00:00:00'),
    source: fc.record({bridge: text}),
    script: opt(text),
    ips: fc.array(fc.record({address: text}), {maxLength: 2}),
    model: opt(text),
    bandwidthOutboundKBps: opt(fc.nat()),
    targetDev: opt(text),
  })
  .map((n) => JSON.parse(JSON.stringify(n)) as Interface)

const chr: fc.Arbitrary<ChrDevice> = fc
  .record({
    type: fc.constantFrom('pty', 'file', 'tcp', 'udp', 'unix' as const),
    sources: fc.array(fc.record({mode: fc.constantFrom('bind', 'connect' as const), path: text}), {maxLength: 2}),
    target: fc.record({port: fc.nat(3)}),
  })
  .map((c) => JSON.parse(JSON.stringify(c)) as ChrDevice)

const domain: fc.Arbitrary<Domain> = fc
  .record({
    kind: fc.constantFrom<GuestKind>('pv', 'hvm', 'pvh'),
    name: text,
    uuid: opt(fc.uuid()),
    description: opt(text),
    max: fc.nat(),
    cur: fc.nat(),
    vcpus: fc.integer({min: 1, max: 64}),
    kernel: opt(text),
    cmdline: opt(text),
    bootloader: opt(text),
    boot: fc.subarray(['fd', 'hd', 'cdrom', 'network'] as const),
    acpi: fc.boolean(),
    hap: opt(fc.constantFrom('on', 'off' as const)),
    offset: fc.constantFrom('utc', 'localtime', 'variable' as const),
    adjustment: opt(fc.constantFrom('reset', '0', '-3600')),
    actions: fc.tuple(actions, actions, actions),
    emulator: opt(text),
    disks: fc.array(disk, {maxLength: 3}),
    nics: fc.array(nic, {maxLength: 2}),
    serials: fc.array(chr, {maxLength: 2}),
    vnc: opt(fc.record({autoport: fc.boolean(), port: fc.integer({min: 5900, max: 5999}), keymap: opt(text), passwd: opt(text), listen: opt(text)})),
    pci: fc.array(fc.record({domain: fc.nat(0xffff), bus: fc.nat(0xff), slot: fc.nat(0x1f), function: fc.nat(7)}), {maxLength: 2}),
    qemuArgs: fc.array(text, {maxLength: 2}),
  })
  .map((r) => {
    const d = newDomain(r.name, r.kind)
    if (r.uuid !== undefined) d.uuid = r.uuid
    if (r.description !== undefined) d.description = r.description
    d.maxMemoryKiB = r.max
    d.currentMemoryKiB = r.cur
    d.vcpu = {max: r.vcpus}
    if (r.kernel !== undefined) d.os.kernel = r.kernel
    if (r.cmdline !== undefined) d.os.cmdline = r.cmdline
    if (r.bootloader !== undefined) d.os.bootloader = r.bootloader
    d.os.boot = [...r.boot]
    if (r.acpi) d.features.acpi = true
    if (r.hap !== undefined) d.features.hap = r.hap
    d.clock = {offset: r.offset, timers: []}
    if (r.adjustment !== undefined) d.clock.adjustment = r.adjustment
    d.lifecycle = {onPoweroff: r.actions[0], onReboot: r.actions[1], onCrash: r.actions[2]}
    if (r.emulator !== undefined) d.devices.emulator = r.emulator
    d.devices.disks = diskOrderSpec(r.disks, (x) => ({dev: x.target.dev, bus: x.target.bus ?? ''}))
    d.devices.interfaces = r.nics
    d.devices.serials = r.serials
    if (r.vnc) {
      d.devices.graphics.push({type: 'vnc', autoport: r.vnc.autoport, port: r.vnc.port, listens: r.vnc.listen === undefined ? [] : [{type: 'address', address: r.vnc.listen}]})
      const g = d.devices.graphics[0]!
      if (r.vnc.keymap !== undefined) g.keymap = r.vnc.keymap
      if (r.vnc.passwd !== undefined) g.passwd = r.vnc.passwd
    }
    d.devices.hostdevs = r.pci.map((pci) => ({mode: 'subsystem' as const, type: 'pci' as const, managed: false, pci}))
    if (r.qemuArgs.length > 0) d.qemuArgs = r.qemuArgs
    return d
  })

describe('libvirt reader properties', () => {
  for (const version of ['4.5.0', '9.0.0', '11.3.0']) {
    it(`write(read(write(d))) = write(d) at ${version}`, () => {
      const target = targetFor(version)
      fc.assert(
        fc.property(domain, (d) => {
          const xml = writeLibvirtXml(d, target, SECURE)
          const r = readLibvirtXml(xml)
          expect(r.diagnostics).toEqual([])
          expect(r.domains[0]!.diagnostics).toEqual([])
          expect(writeLibvirtXml(r.domains[0]!.domain, target, SECURE)).toBe(xml)
        }),
        {numRuns: 200},
      )
    })
  }

  it('applyLibvirtDefaults is idempotent, also through a write/read cycle (libvirt XML input is re-defaulted)', () => {
    for (const version of ['4.5.0', '9.0.0', '11.3.0']) {
      const target = targetFor(version)
      fc.assert(
        fc.property(domain, (d) => {
          const once = writeLibvirtXml(applyLibvirtDefaults(d, target), target, SECURE)
          const again = applyLibvirtDefaults(readLibvirtXml(once).domains[0]!.domain, target)
          expect(writeLibvirtXml(again, target, SECURE)).toBe(once)
        }),
        {numRuns: 100},
      )
    }
  })

  const seed = writeLibvirtXml(
    fc.sample(domain, {numRuns: 1, seed: 7})[0]!,
    targetFor('9.0.0'),
    SECURE,
  )

  it('never throws, and says why when it reads no domain', () => {
    const damaged = fc.tuple(fc.nat(seed.length), fc.nat(40), fc.string({unit: nasty, maxLength: 6})).map(([at, cut, ins]) => seed.slice(0, at) + ins + seed.slice(at + cut))
    fc.assert(
      fc.property(fc.oneof(fc.string({maxLength: 60}), damaged), (input) => {
        const r = readLibvirtXml(input, {file: 'fuzz.xml'})
        if (r.domains.length === 0) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true)
      }),
      {numRuns: 500},
    )
  })
})
