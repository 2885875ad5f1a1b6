/**
 * writeXl: what xl configs cannot express is a warning finding (rule id + message) and is not
 * written; what they can express is written as libvirt's domxml-to-native does and reads back.
 */
import {describe, expect, it} from 'vitest'
import {readXl} from '../../../src/formats/xl/read.js'
import {writeXl} from '../../../src/formats/xl/write.js'
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
const readBack = (text: string) => {
  const r = readXl(text)
  expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([])
  return r.domains[0]!.domain
}

function expectLoss(d: Domain, code: string, message: RegExp): string {
  const r = writeXl(d)
  const hits = losses(r.diagnostics).filter((x) => message.test(x.message))
  expect(hits, JSON.stringify(r.diagnostics)).toHaveLength(1)
  expect(hits[0]!.code).toBe(code)
  expect(hits[0]!.severity).toBe('warning')
  expect(hits[0]!.message.startsWith('xl: ')).toBe(true)
  return r.text
}

describe('writeXl: losses are reported', () => {
  it('a shareable (w!) disk (DISK-SHARED)', () => {
    const d = pv()
    d.devices.disks.push({type: 'block', device: 'disk', source: {dev: '/dev/shared'}, target: {dev: 'xvdb'}, shareable: true})
    const text = expectLoss(d, 'DISK-SHARED', /xvdb is shared writable/)
    expect(text).not.toMatch(/\/dev\/shared/)
    expect(readBack(text).devices.disks.map((x) => x.target.dev)).toEqual(['xvda'])
  })

  it('floppies (FLOPPY)', () => {
    const d = hvm()
    d.devices.disks.push({type: 'file', device: 'floppy', source: {file: '/f.img'}, target: {dev: 'fda'}})
    expectLoss(d, 'FLOPPY', /floppy fda/)
  })

  it('network disks other than rbd', () => {
    const d = pv()
    d.devices.disks.push({type: 'network', device: 'disk', source: {protocol: 'nbd', name: 'export', hosts: [{name: 'nbd.example', port: 10809}]}, target: {dev: 'xvdb'}})
    const text = expectLoss(d, 'LOST', /network disk xvdb \(nbd\)/)
    expect(text).not.toMatch(/nbd/)
  })

  it('an rbd disk is written as an xl rbd target and reads back', () => {
    const d = pv()
    d.devices.disks.push({type: 'network', device: 'disk', source: {protocol: 'rbd', name: 'pool/image', hosts: [{name: 'mon1', port: 6789}, {name: 'mon2'}]}, target: {dev: 'xvdb'}})
    const r = writeXl(d)
    expect(losses(r.diagnostics)).toEqual([])
    const disk = readBack(r.text).devices.disks[1]!
    expect(disk.source?.protocol).toBe('rbd')
    expect(disk.source?.name).toBe('pool/image')
    expect(disk.source?.hosts).toEqual([{name: 'mon1', port: 6789}, {name: 'mon2'}])
  })

  it('image formats xl cannot read', () => {
    const d = pv()
    d.devices.disks.push({type: 'file', device: 'disk', driver: {name: 'qemu', type: 'vmdk'}, source: {file: '/i.vmdk'}, target: {dev: 'xvdb'}})
    expectLoss(d, 'LOST', /image format vmdk/)
  })

  it('channels that are not pty or unix sockets', () => {
    const d = pv()
    d.devices.channels.push({type: 'tcp', sources: [{mode: 'bind', host: '0.0.0.0', service: '4555'}], target: {type: 'xen', name: 'c'}})
    d.devices.channels.push({type: 'pty', sources: [], target: {type: 'xen', name: 'org.qemu.guest_agent.0'}})
    const text = expectLoss(d, 'LOST', /channel of type tcp/)
    expect(lines(text)).toContain('channel = [ "connection=pty,name=org.qemu.guest_agent.0" ]')
  })

  it('CPU modes other than host-passthrough', () => {
    const d = hvm()
    d.cpu = {mode: 'host-model', features: []}
    expectLoss(d, 'CPU-CPUID', /host-model/)
  })

  it('USB controller models other than qusb', () => {
    const d = hvm()
    d.devices.controllers.push({type: 'usb', index: 0, model: 'piix3-uhci'})
    expectLoss(d, 'LOST', /piix3-uhci/)
  })

  it('rename-restart is written (the toolstack does it), with a note that libvirt-libxl does not', () => {
    const d = pv()
    d.lifecycle.onCrash = 'rename-restart'
    const r = writeXl(d)
    expect(lines(r.text)).toContain('on_crash = "rename-restart"')
    expect(r.diagnostics.filter((x) => x.code === 'LIFECYCLE-RENAME').map((x) => x.severity)).toEqual(['info'])
  })

  it('timers without an xl key', () => {
    const d = hvm()
    d.clock.timers.push({name: 'rtc', present: true})
    expectLoss(d, 'LOST', /timer rtc/)
  })

  it('a second graphics device (GRAPHICS-EXTRA)', () => {
    const d = hvm()
    d.devices.graphics.push({type: 'vnc', autoport: true, listens: []}, {type: 'sdl', listens: []})
    const text = expectLoss(d, 'GRAPHICS-EXTRA', /1 more dropped/)
    expect(lines(text)).toContain('vnc = 1')
    expect(lines(text)).toContain('sdl = 0')
  })

  it('a comma inside a vif field, a PV vfb field or a channel path', () => {
    const d = pv()
    d.devices.interfaces.push({type: 'bridge', mac: '00:16:3e:00:00:01', source: {bridge: 'br0'}, script: 'vif-x,y', ips: []})
    d.devices.graphics.push({type: 'vnc', autoport: true, keymap: 'de,ch', listens: []})
    d.devices.channels.push({type: 'unix', sources: [{mode: 'bind', path: '/run/a,b.sock'}], target: {type: 'xen', name: 'c'}})
    const r = writeXl(d)
    expect(losses(r.diagnostics).map((x) => x.message)).toEqual([
      expect.stringMatching(/vfb: keymap 'de,ch' holds a comma/),
      expect.stringMatching(/script 'vif-x,y' holds a comma/),
      expect.stringMatching(/channel: path '\/run\/a,b\.sock' holds a comma/),
    ])
    expect(r.text).not.toMatch(/vif|vfb|channel/)
  })

  it('extras xl cannot hold are reported with their rule id; vscsi and vtpm are carried', () => {
    const d = pv()
    d.extra = {'device/vscsi': ['/dev/sdb,0:0:0:0'], vtpm: ['backend=0'], access_control: ['policy=p,label=l'], on_xend_start: 'start'}
    const r = writeXl(d)
    expect(lines(r.text)).toEqual(expect.arrayContaining(['vscsi = [ "/dev/sdb,0:0:0:0" ]', 'vtpm = [ "backend=0" ]']))
    expect(losses(r.diagnostics).map((x) => x.code)).toEqual(['ACM-XSM', 'MGD-AUTOSTART'])
  })

  it('a description (no xl key)', () => {
    const d = pv()
    d.description = 'web server'
    expectLoss(d, 'LOST', /description/)
  })
})

describe('writeXl: what xl can say that xm cannot', () => {
  it('vcpupin becomes a cpus list, one entry per vCPU', () => {
    const d = pv()
    d.vcpu.max = 3
    d.cputune = {vcpupin: [{vcpu: 0, cpuset: '1'}, {vcpu: 2, cpuset: '2-3'}]}
    const r = writeXl(d)
    expect(losses(r.diagnostics)).toEqual([])
    expect(lines(r.text)).toContain('cpus = [ "1", "all", "2-3" ]')
  })

  it('SPICE, usbctrl, usbdev, PVH, HVM direct kernel boot', () => {
    const d = hvm()
    d.os.kernel = '/boot/vmlinuz'
    d.devices.graphics.push({type: 'spice', port: 5901, listens: [{type: 'address', address: '127.0.0.1'}]})
    d.devices.controllers.push({type: 'usb', index: 0, model: 'qusb2', ports: 4})
    d.devices.hostdevs.push({mode: 'subsystem', type: 'usb', managed: false, usb: {bus: 1, device: 3}})
    const r = writeXl(d)
    expect(losses(r.diagnostics)).toEqual([])
    expect(lines(r.text)).toEqual(
      expect.arrayContaining(['spice = 1', 'spicehost = "127.0.0.1"', 'spiceport = 5901', 'kernel = "/boot/vmlinuz"', 'usbctrl = [ "type=qusb,version=2,ports=4" ]', 'usbdev = [ "hostbus=1,hostaddr=3" ]']),
    )
    const p = pv()
    p.os.kind = 'pvh'
    expect(lines(writeXl(p).text)).toContain('type = "pvh"')
    expect(readBack(writeXl(p).text).os.kind).toBe('pvh')
  })

  it('a negative clock offset is written as a string (xl has no negative numbers)', () => {
    const d = hvm()
    d.clock = {offset: 'variable', adjustment: '-3600', timers: []}
    const text = writeXl(d).text
    expect(lines(text)).toContain('rtc_timeoffset = "-3600"')
    expect(readBack(text).clock.adjustment).toBe('-3600')
  })
})

describe('writeXl: strings are written as libxlu reads them', () => {
  it.each([
    ['plain', 'web01', 'name = "web01"'],
    ['double quote', 'a"b', `name = 'a"b'`],
    ['both quotes', `a"b'c`, `name = "a\\"b'c"`],
    ['backslash', 'a\\:b', 'name = "a\\\\:b"'],
    ['newline', 'a\nb', 'name = "a\\nb"'],
  ])('%s', (_, name, line) => {
    const d = pv()
    d.name = name
    const r = writeXl(d)
    expect(lines(r.text)).toContain(line)
    expect(readBack(r.text).name).toBe(name)
  })
})

describe('writeXl: notes', () => {
  it('autostart is a note pointing at /etc/xen/auto, not a key', () => {
    const d = pv()
    d.autostart = true
    const r = writeXl(d)
    expect(r.diagnostics.filter((x) => x.code === 'MGD-AUTOSTART').map((x) => [x.severity, x.message])).toEqual([['info', expect.stringMatching(/\/etc\/xen\/auto/)]])
    expect(r.text).not.toMatch(/auto/)
  })
})

describe('writeXl: video', () => {
  it('cirrus (the default) is not written; vga and qxl are spelled vga = …; others are reported', () => {
    const d = hvm()
    d.devices.videos = [{model: {type: 'cirrus', vram: 8192}}]
    expect(writeXl(d).text).not.toMatch(/vga|videoram/)
    d.devices.videos = [{model: {type: 'vga', vram: 16384}}]
    expect(lines(writeXl(d).text)).toEqual(expect.arrayContaining(['vga = "stdvga"', 'videoram = 16']))
    d.devices.videos = [{model: {type: 'qxl'}}]
    expect(lines(writeXl(d).text)).toContain('vga = "qxl"')
    d.devices.videos = [{model: {type: 'virtio'}}]
    expect(expectLoss(d, 'GRAPHICS-EXTRA', /video model virtio/)).not.toMatch(/vga/)
  })
})

describe('writeXl: runtime vif names', () => {
  it('a vifDOMID.N name from a running domain is not written; a configured vifname is', () => {
    const d = pv()
    d.devices.interfaces = [
      {type: 'bridge', mac: '00:16:3e:00:00:01', source: {bridge: 'xenbr0'}, ips: [], targetDev: 'vif3.0', targetDevRuntime: true},
      {type: 'bridge', mac: '00:16:3e:00:00:02', source: {bridge: 'xenbr0'}, ips: [], targetDev: 'web-eth1'},
    ]
    expect(lines(writeXl(d).text)).toContain('vif = [ "mac=00:16:3e:00:00:01,bridge=xenbr0", "mac=00:16:3e:00:00:02,bridge=xenbr0,vifname=web-eth1" ]')
  })
})

describe('writeXl: vcpupin with a domain cpuset', () => {
  it('unpinned vCPUs keep the cpuset; every vCPU is listed', () => {
    const d = pv()
    d.vcpu = {max: 2, cpuset: '0-3'}
    d.cputune = {vcpupin: [{vcpu: 1, cpuset: '2'}]}
    const r = writeXl(d)
    expect(losses(r.diagnostics)).toEqual([])
    expect(lines(r.text)).toContain('cpus = [ "0-3", "2" ]')
    const back = readBack(r.text)
    expect(back.cputune?.vcpupin).toEqual([{vcpu: 0, cpuset: '0-3'}, {vcpu: 1, cpuset: '2'}])
  })
})

describe('writeXl: xm spellings of carried keys', () => {
  it("xm's vscsi spaces and vtpm instance= are made xl's", () => {
    const d = pv()
    d.extra = {vscsi: ['/dev/sdx, 0:0:0:0'], vtpm: ['instance=1, backend=0']}
    const r = writeXl(d)
    expect(lines(r.text)).toEqual(expect.arrayContaining(['vscsi = [ "/dev/sdx,0:0:0:0" ]', 'vtpm = [ "backend=0" ]']))
    expect(losses(r.diagnostics).map((x) => x.code)).toEqual(['VTPM'])
  })
})
