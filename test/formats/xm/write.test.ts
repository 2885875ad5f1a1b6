/**
 * writeXm: what xm configs cannot express is a warning finding (rule id + message) and is not
 * written; what they can express reads back with readXm.
 */
import {describe, expect, it} from 'vitest'
import {readXm} from '../../../src/formats/xm/read.js'
import {writeXm} from '../../../src/formats/xm/write.js'
import type {Diagnostic} from '../../../src/model/diagnostic.js'
import {type Domain, newDomain} from '../../../src/model/domain.js'

function hvm(): Domain {
  const d = newDomain('guest', 'hvm')
  d.maxMemoryKiB = d.currentMemoryKiB = 1048576
  d.os.boot = ['hd']
  d.devices.disks.push({type: 'file', device: 'disk', source: {file: '/var/lib/xen/images/guest.img'}, target: {dev: 'hda'}})
  return d
}

function pv(): Domain {
  const d = newDomain('guest', 'pv')
  d.maxMemoryKiB = d.currentMemoryKiB = 524288
  d.os.kernel = '/boot/vmlinuz'
  d.devices.disks.push({type: 'block', device: 'disk', driver: {name: 'phy'}, source: {dev: '/dev/vg/guest'}, target: {dev: 'xvda'}})
  return d
}

const losses = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity !== 'info')
const lines = (text: string) => text.split('\n').filter((l) => l !== '')

/** Exactly one warning matching `message`, with the rule id `code`; returns the written text. */
function expectLoss(d: Domain, code: string, message: RegExp): string {
  const r = writeXm(d)
  const hits = losses(r.diagnostics).filter((x) => message.test(x.message))
  expect(hits, JSON.stringify(r.diagnostics)).toHaveLength(1)
  expect(hits[0]!.code).toBe(code)
  expect(hits[0]!.severity).toBe('warning')
  expect(hits[0]!.message.startsWith('xm: ')).toBe(true)
  return r.text
}

describe('writeXm: losses are reported', () => {
  it('a plain domain loses nothing and reads back', () => {
    const r = writeXm(pv())
    expect(losses(r.diagnostics)).toEqual([])
    const back = readXm(r.text)
    expect(back.diagnostics.filter((x) => x.severity === 'error')).toEqual([])
    expect(back.domains[0]!.domain.devices.disks[0]!.source?.dev).toBe('/dev/vg/guest')
  })

  it('SPICE graphics', () => {
    const d = hvm()
    d.devices.graphics.push({type: 'spice', port: 5901, listens: []})
    const text = expectLoss(d, 'LOST', /SPICE/)
    expect(text).not.toMatch(/spice/)
  })

  it('channels', () => {
    const d = pv()
    d.devices.channels.push({type: 'pty', sources: [], target: {type: 'xen', name: 'org.qemu.guest_agent.0'}})
    const text = expectLoss(d, 'LOST', /channels are an xl key/)
    expect(text).not.toMatch(/channel/)
  })

  it('USB controllers and USB host devices (PVUSB)', () => {
    const d = hvm()
    d.devices.controllers.push({type: 'usb', index: 0, model: 'qusb2', ports: 4})
    d.devices.hostdevs.push({mode: 'subsystem', type: 'usb', managed: false, usb: {bus: 1, device: 3}})
    const r = writeXm(d)
    expect(losses(r.diagnostics).map((x) => x.code)).toEqual(['PVUSB', 'PVUSB'])
    expect(r.text).not.toMatch(/usbctrl|usbdev|hostbus/)
  })

  it('PVH is written as PV and reported', () => {
    const d = pv()
    d.os.kind = 'pvh'
    const text = expectLoss(d, 'LOST', /PVH guests are an xl feature/)
    expect(text).not.toMatch(/pvh/)
    expect(lines(text)).toContain('kernel = "/boot/vmlinuz"')
  })

  it('HVM direct kernel boot (BOOT-HVM-DIRECT): kernel stays the firmware', () => {
    const d = hvm()
    d.os.kernel = '/boot/vmlinuz-hvm'
    d.os.cmdline = 'console=ttyS0'
    const text = expectLoss(d, 'BOOT-HVM-DIRECT', /direct kernel boot/)
    expect(lines(text)).toContain('kernel = "/usr/lib/xen/boot/hvmloader"')
    expect(text).not.toMatch(/vmlinuz-hvm/)
  })

  it('per-vCPU pinning (CPU-PIN)', () => {
    const d = pv()
    d.vcpu.max = 2
    d.cputune = {vcpupin: [{vcpu: 0, cpuset: '1'}, {vcpu: 1, cpuset: '2-3'}]}
    const text = expectLoss(d, 'CPU-PIN', /vcpupin/)
    expect(text).not.toMatch(/^cpus/m)
  })

  it('network disks', () => {
    const d = pv()
    d.devices.disks.push({type: 'network', device: 'disk', source: {protocol: 'rbd', name: 'pool/image'}, target: {dev: 'xvdb'}})
    const text = expectLoss(d, 'LOST', /network disk \(rbd\) xvdb/)
    expect(text).not.toMatch(/xvdb/)
  })

  it('floppies (FLOPPY)', () => {
    const d = hvm()
    d.devices.disks.push({type: 'file', device: 'floppy', source: {file: '/f.img'}, target: {dev: 'fda'}})
    expectLoss(d, 'FLOPPY', /floppy fda/)
  })

  it('qcow2 images need blktap', () => {
    const d = pv()
    d.devices.disks.push({type: 'file', device: 'disk', driver: {name: 'qemu', type: 'qcow2'}, source: {file: '/i.qcow2'}, target: {dev: 'xvdb'}})
    const text = expectLoss(d, 'LOST', /qcow2 image format/)
    expect(text).not.toMatch(/i\.qcow2/)
  })

  it('UEFI firmware', () => {
    const d = hvm()
    d.os.loader = {type: 'pflash', path: '/usr/share/OVMF/OVMF_CODE.fd'}
    const text = expectLoss(d, 'LOST', /OVMF/)
    expect(text).not.toMatch(/OVMF/)
  })

  it('more than one serial port (SERIAL-MULTI)', () => {
    const d = hvm()
    d.devices.serials.push({type: 'pty', sources: [], target: {port: 0}}, {type: 'file', sources: [{path: '/tmp/s1'}], target: {port: 1}})
    const text = expectLoss(d, 'SERIAL-MULTI', /2 serial ports/)
    expect(lines(text)).toContain('serial = "pty"')
    expect(text).not.toMatch(/\/tmp\/s1/)
  })

  it('vNUMA, cpuid, e820_host, grant limits, device_model_args, ACPI tables', () => {
    const d = hvm()
    d.cpu = {mode: 'host-passthrough', features: [], numa: [{id: 0, cpus: '0', memoryKiB: 1048576}]}
    d.features.e820Host = true
    d.devices.controllers.push({type: 'xenbus', index: 0, maxGrantFrames: 64})
    d.qemuArgs = ['-debugcon', 'stdio']
    d.os.acpiTables = [{type: 'slic', path: '/slic.dat'}]
    const r = writeXm(d)
    const msgs = losses(r.diagnostics).map((x) => `${x.code} ${x.message}`)
    expect(msgs).toEqual([
      expect.stringMatching(/^CPU-CPUID /),
      expect.stringMatching(/vNUMA/),
      expect.stringMatching(/e820_host/),
      expect.stringMatching(/max_grant_frames/),
      expect.stringMatching(/device_model_args/),
      expect.stringMatching(/slic\.dat/),
    ])
    expect(r.text).not.toMatch(/vnuma|cpuid|e820|grant|debugcon|acpi_firmware/)
  })

  it('a comma inside a disk path or vif bridge is a loss, not a corrupt spec', () => {
    const d = pv()
    d.devices.disks.push({type: 'file', device: 'disk', source: {file: '/img/a,b.img'}, target: {dev: 'xvdb'}})
    d.devices.interfaces.push({type: 'bridge', mac: '00:16:3e:00:00:01', source: {bridge: 'br,0'}, ips: []})
    const r = writeXm(d)
    expect(losses(r.diagnostics).map((x) => x.message)).toEqual([expect.stringMatching(/bridge 'br,0' holds a comma/), expect.stringMatching(/path '\/img\/a,b\.img' holds a comma/)])
    expect(r.text).not.toMatch(/a,b\.img|br,0/)
    const back = readXm(r.text).domains[0]!.domain
    expect(back.devices.disks.map((x) => x.target.dev)).toEqual(['xvda'])
    expect(back.devices.interfaces).toEqual([])
  })

  it('rename-restart is written (the toolstack does it), with a note that libvirt-libxl does not', () => {
    const d = pv()
    d.lifecycle.onCrash = 'rename-restart'
    const r = writeXm(d)
    expect(lines(r.text)).toContain('on_crash = "rename-restart"')
    expect(r.diagnostics.filter((x) => x.code === 'LIFECYCLE-RENAME').map((x) => x.severity)).toEqual(['info'])
  })

  it('a description (no xm key)', () => {
    const d = pv()
    d.description = 'web server'
    const text = expectLoss(d, 'LOST', /description/)
    expect(text).not.toMatch(/web server/)
  })

  it('extras xm can hold are carried (vscsi), others are reported with their rule id', () => {
    const d = pv()
    d.extra = {'device/vscsi': ['/dev/sdb,0:0:0:0'], driver_domain: 1}
    const r = writeXm(d)
    expect(lines(r.text)).toContain('vscsi = [ "/dev/sdb,0:0:0:0" ]')
    expect(r.diagnostics.find((x) => x.code === 'CARRIED')?.message).toMatch(/device\/vscsi carried over as vscsi/)
    expect(losses(r.diagnostics).map((x) => x.code)).toEqual(['DRIVER-DOMAIN'])
  })
})

describe('writeXm: strings are written as Python reads them', () => {
  it.each([
    ['plain', 'web01', 'name = "web01"'],
    ['double quote', 'a"b', `name = 'a"b'`],
    ['both quotes', `a"b'c`, `name = """a"b'c"""`],
    ['both quotes, ending in "', `a'b"`, `name = "a'b\\""`],
    ['backslash before an escape letter', 'a\\nb', 'name = "a\\\\nb"'],
    ['backslash Python keeps', 'a\\:b', 'name = "a\\:b"'],
  ])('%s', (_, name, line) => {
    const d = pv()
    d.name = name
    const r = writeXm(d)
    expect(lines(r.text)).toContain(line)
    expect(readXm(r.text).domains[0]!.domain.name).toBe(name)
  })
})

describe('writeXm: video', () => {
  it('vga is stdvga = 1; qxl is reported', () => {
    const d = hvm()
    d.devices.videos = [{model: {type: 'vga'}}]
    expect(lines(writeXm(d).text)).toContain('stdvga = 1')
    d.devices.videos = [{model: {type: 'qxl'}}]
    expect(expectLoss(d, 'GRAPHICS-EXTRA', /video model qxl/)).not.toMatch(/vga/)
  })
})

describe('writeXm: disks with a backend domain', () => {
  it('are reported (DRIVER-DOMAIN), xm disk specs have no backend', () => {
    const d = pv()
    d.devices.disks[0]!.backendDomain = 'storage-dom'
    const text = expectLoss(d, 'DRIVER-DOMAIN', /backend \(driver\) domain 'storage-dom'/)
    expect(text).not.toMatch(/vg\/guest/)
  })
})

describe('writeXm: firmware and clock', () => {
  it('a chosen BIOS (xl bios = …) is reported', () => {
    const d = hvm()
    d.os.bios = 'seabios'
    expect(expectLoss(d, 'BOOT-HVM-LOADER', /bios = "seabios"/)).not.toMatch(/seabios/)
  })

  it('a PV clock offset is reported (rtc_timeoffset is HVM only)', () => {
    const d = pv()
    d.clock = {offset: 'variable', adjustment: '3600', timers: []}
    expect(expectLoss(d, 'TIME-LOCALTIME', /clock offset of 3600 s/)).not.toMatch(/rtc_timeoffset/)
  })
})
