import {describe, expect, it} from 'vitest'
import {newDomain, type Domain} from '../../../src/model/domain.js'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {diskNameToIndex} from '../../../src/formats/libvirt/disk-address.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'

const v9 = targetFor('9.0.0')
const v45 = targetFor('4.5.0')

function disk(dev: string, bus: string) {
  return {type: 'file' as const, device: 'disk' as const, source: {file: `/img/${dev}`}, target: {dev, bus}}
}

describe('diskNameToIndex (libvirt virDiskNameToIndex)', () => {
  it.each([
    ['hda', 0],
    ['hdb', 1],
    ['hdc', 2],
    ['sdz', 25],
    ['sdaa', 26],
    ['xvdab', 27],
    ['sdc3', 2],
  ])('%s -> %i', (name, idx) => expect(diskNameToIndex(name)).toBe(idx))
  it('rejects names it cannot index', () => {
    expect(diskNameToIndex('foo')).toBeUndefined()
    expect(diskNameToIndex('hd')).toBeUndefined()
  })
})

describe('applyLibvirtDefaults', () => {
  it('does not modify its input', () => {
    const d = newDomain('x', 'hvm')
    const before = JSON.stringify(d)
    applyLibvirtDefaults(d, v9)
    expect(JSON.stringify(d)).toBe(before)
  })

  it('fills HVM loader, boot, clock, inputs, memballoon, xenbus and type attributes', () => {
    const d = applyLibvirtDefaults(newDomain('x', 'hvm'), v9)
    expect(d.os).toMatchObject({arch: 'x86_64', machine: 'xenfv', loader: {path: '/usr/lib/xen/boot/hvmloader', type: 'rom'}, boot: ['hd']})
    expect(d.clock).toMatchObject({offset: 'variable', adjustment: '0', basis: 'utc'})
    expect(d.devices.inputs).toEqual([{type: 'mouse', bus: 'ps2'}, {type: 'keyboard', bus: 'ps2'}])
    expect(d.devices.controllers).toEqual([{type: 'xenbus', index: 0}])
    expect(d.devices.memballoon).toEqual({model: 'xen'})
    expect(d.devices.consoles).toEqual([])
    expect(d.lifecycle).toEqual({onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy'})
  })

  it('4.5 has no xenbus controller and no type attributes, but a rom loader', () => {
    const d = applyLibvirtDefaults(newDomain('x', 'hvm'), v45)
    expect(d.devices.controllers).toEqual([])
    expect(d.os.arch).toBeUndefined()
    expect(d.os.loader).toEqual({path: '/usr/lib/xen/boot/hvmloader', type: 'rom'})
  })

  it('turns bios=ovmf into a read-only pflash in the firmware dir', () => {
    const d = newDomain('x', 'hvm')
    d.os.bios = 'ovmf'
    expect(applyLibvirtDefaults(d, v9).os.loader).toEqual({path: '/usr/lib/xen/boot/ovmf.bin', type: 'pflash', readonly: true})
    // libvirt 11's bios_path_override: the parser gives the path, the rest is still pflash
    d.os.loader = {path: '/opt/ovmf/OVMF.fd'}
    expect(applyLibvirtDefaults(d, targetFor('11.3.0')).os.loader).toEqual({path: '/opt/ovmf/OVMF.fd', type: 'pflash', readonly: true})
  })

  it('keeps what the input said (loader path, clock, boot order)', () => {
    const d = newDomain('x', 'hvm')
    d.os.loader = {path: '/opt/hvmloader'}
    d.os.boot = ['cdrom']
    d.clock = {offset: 'variable', adjustment: '-3600', basis: 'localtime', timers: []}
    const out = applyLibvirtDefaults(d, v9)
    expect(out.os.loader).toEqual({path: '/opt/hvmloader', type: 'rom'})
    expect(out.os.boot).toEqual(['cdrom'])
    expect(out.clock).toEqual(d.clock)
  })

  it('HVM localtime becomes variable/basis localtime; PV clocks get adjustment reset', () => {
    const h = newDomain('x', 'hvm')
    h.clock.offset = 'localtime'
    expect(applyLibvirtDefaults(h, v9).clock).toMatchObject({offset: 'variable', adjustment: '0', basis: 'localtime'})
    const p = newDomain('x', 'pv')
    p.clock.offset = 'localtime'
    expect(applyLibvirtDefaults(p, v9).clock).toMatchObject({offset: 'localtime', adjustment: 'reset'})
  })

  it('gives IDE and SCSI disks drive addresses and their controllers, after xenbus', () => {
    const d = newDomain('x', 'hvm')
    d.devices.disks.push(disk('hda', 'ide'), disk('hdb', 'ide'), disk('hdc', 'ide'), disk('sdh', 'scsi'), disk('xvdb', 'xen'))
    const out = applyLibvirtDefaults(d, v9)
    expect(out.devices.disks.map((x) => x.address)).toEqual([
      {type: 'drive', controller: 0, bus: 0, target: 0, unit: 0},
      {type: 'drive', controller: 0, bus: 0, target: 0, unit: 1},
      {type: 'drive', controller: 0, bus: 1, target: 0, unit: 0},
      {type: 'drive', controller: 1, bus: 0, target: 0, unit: 0},
      undefined,
    ])
    expect(out.devices.controllers).toEqual([
      {type: 'xenbus', index: 0},
      {type: 'scsi', index: 0},
      {type: 'scsi', index: 1},
      {type: 'ide', index: 0},
    ])
  })

  it('mirrors the first HVM serial as a console with its port', () => {
    const d = newDomain('x', 'hvm')
    d.devices.serials.push({type: 'dev', sources: [{path: '/dev/ttyS1'}], target: {port: 1}})
    expect(applyLibvirtDefaults(d, v9).devices.consoles).toEqual([{type: 'dev', sources: [{path: '/dev/ttyS1'}], target: {type: 'serial', port: 1}}])
  })

  it('PV: xen console, xen inputs, xen video with a framebuffer; PVH: cirrus 16 MiB', () => {
    const p = newDomain('x', 'pv')
    p.devices.graphics.push({type: 'vnc', autoport: true, listens: []})
    const out = applyLibvirtDefaults(p, v9)
    expect(out.devices.consoles).toEqual([{type: 'pty', sources: [], target: {type: 'xen', port: 0}}])
    expect(out.devices.inputs).toEqual([{type: 'mouse', bus: 'xen'}, {type: 'keyboard', bus: 'xen'}])
    expect(out.devices.videos).toEqual([{model: {type: 'xen', vram: 4096, heads: 1, primary: true}}])
    expect(out.os.machine).toBe('xenpv')
    const h: Domain = {...p, os: {...p.os, kind: 'pvh'}}
    expect(applyLibvirtDefaults(h, v9).devices.videos[0]?.model).toEqual({type: 'cirrus', vram: 16384, heads: 1, primary: true})
  })

  it('puts PS/2 devices after a USB tablet and gives MAC-less NICs the zero MAC', () => {
    const d = newDomain('x', 'hvm')
    d.devices.inputs.push({type: 'tablet', bus: 'usb'})
    d.devices.interfaces.push({type: 'bridge', source: {bridge: 'br0'}, ips: []})
    const out = applyLibvirtDefaults(d, v9)
    expect(out.devices.inputs.map((i) => `${i.type}/${i.bus}`)).toEqual(['tablet/usb', 'mouse/ps2', 'keyboard/ps2'])
    expect(out.devices.interfaces[0]?.mac).toBe('00:00:00:00:00:00')
  })

  it('gives format-less disks raw and network disks the qemu driver (libxlDomainDeviceDefPostParse)', () => {
    const d = newDomain('x', 'pv')
    d.devices.disks.push(
      {...disk('xvda', 'xen'), driver: {name: 'file'}},
      {...disk('xvdb', 'xen'), driver: {name: 'tap', type: 'qcow'}},
      {type: 'network', device: 'disk', source: {protocol: 'rbd', name: 'pool/img'}, target: {dev: 'xvdc', bus: 'xen'}},
    )
    expect(applyLibvirtDefaults(d, v9).devices.disks.map((x) => x.driver)).toEqual([
      {name: 'file', type: 'raw'},
      {name: 'tap', type: 'qcow'},
      {name: 'qemu', type: 'raw'},
    ])
  })

  it('gives VNC/SPICE without <listen> one of type address, carrying the legacy listen address', () => {
    const d = newDomain('x', 'hvm')
    d.devices.graphics.push({type: 'vnc', autoport: true, listens: [], listen: '0.0.0.0'})
    expect(applyLibvirtDefaults(d, v9).devices.graphics[0]?.listens).toEqual([{type: 'address', address: '0.0.0.0'}])
    d.devices.graphics[0] = {type: 'vnc', autoport: true, listens: []}
    expect(applyLibvirtDefaults(d, v9).devices.graphics[0]?.listens).toEqual([{type: 'address'}])
    d.devices.graphics[0] = {type: 'sdl', listens: []}
    expect(applyLibvirtDefaults(d, v9).devices.graphics[0]?.listens).toEqual([])
  })

  it('names the acpi_firmware table set as each libvirt does: slic before 11.2, rawset after', () => {
    const d = newDomain('x', 'hvm')
    d.os.acpiTables = [{type: 'rawset', path: '/t/SLIC'}]
    expect(applyLibvirtDefaults(d, v9).os.acpiTables).toEqual([{type: 'slic', path: '/t/SLIC'}])
    expect(applyLibvirtDefaults(d, targetFor('11.3.0')).os.acpiTables).toEqual([{type: 'rawset', path: '/t/SLIC'}])
  })

  it('clamps currentMemory to memory and treats 0 as all of it (virDomainDefPostParseMemory)', () => {
    const d = newDomain('x', 'pv')
    d.maxMemoryKiB = 1024
    d.currentMemoryKiB = 2048
    expect(applyLibvirtDefaults(d, v9).currentMemoryKiB).toBe(1024)
    d.currentMemoryKiB = 0
    expect(applyLibvirtDefaults(d, v9).currentMemoryKiB).toBe(1024)
    d.currentMemoryKiB = 512
    expect(applyLibvirtDefaults(d, v9).currentMemoryKiB).toBe(512)
  })
})
