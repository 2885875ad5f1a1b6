/**
 * Every element the writer can produce, in one HVM and one PV domain, checked against libvirt's
 * RelaxNG schema with the real virt-xml-validate (skipped when it is not installed). This catches
 * element-order and attribute mistakes in paths the libvirt vectors do not cover.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {newDomain, type Domain} from '../../../src/model/domain.js'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'

const VALIDATE = '/usr/bin/virt-xml-validate'

function richHvm(): Domain {
  const d = newDomain('rich-hvm', 'hvm')
  d.uuid = 'c7a5fdb2-cdaf-9455-926a-d65c16db1809'
  d.description = "Bob's <test> & co"
  d.maxMemoryKiB = 1048576
  d.currentMemoryKiB = 524288
  d.vcpu = {max: 4, current: 2, cpuset: '0-3'}
  d.cputune = {shares: 512, vcpupin: [{vcpu: 0, cpuset: '1'}]}
  d.os.acpiTables = [{type: 'slic', path: '/sys/firmware/acpi/tables/SLIC'}]
  d.os.kernel = '/boot/vmlinuz'
  d.os.initrd = '/boot/initrd'
  d.os.cmdline = 'console=ttyS0'
  d.os.boot = ['cdrom', 'hd', 'network', 'fd']
  d.features = {acpi: true, apic: true, pae: true, hap: 'off', viridian: true, passthrough: {state: 'on', mode: 'share_pt'}}
  d.cpu = {
    mode: 'host-passthrough',
    features: [{policy: 'disable', name: 'vmx'}],
    numa: [
      {id: 0, cpus: '0-1', memoryKiB: 524288, distances: [{id: 0, value: 10}, {id: 1, value: 21}]},
      {id: 1, cpus: '2-3', memoryKiB: 524288, distances: [{id: 0, value: 21}, {id: 1, value: 10}]},
    ],
  }
  d.clock = {offset: 'variable', adjustment: '-3600', basis: 'localtime', timers: [{name: 'tsc', present: true, mode: 'native'}, {name: 'hpet', present: false}]}
  d.lifecycle = {onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'coredump-restart'}
  const dev = d.devices
  dev.emulator = '/usr/lib/xen/bin/qemu-system-i386'
  dev.disks.push(
    {type: 'block', device: 'disk', driver: {name: 'phy'}, source: {dev: '/dev/vg/a'}, target: {dev: 'hda', bus: 'ide'}, shareable: true},
    {type: 'file', device: 'cdrom', driver: {name: 'qemu', type: 'raw'}, source: {file: '/iso/x.iso'}, target: {dev: 'hdc', bus: 'ide'}, readonly: true},
    {type: 'file', device: 'disk', driver: {name: 'qemu', type: 'qcow2'}, source: {file: '/img/s.qcow2'}, target: {dev: 'sda', bus: 'scsi'}, backendDomain: 'dd'},
    {
      type: 'network',
      device: 'disk',
      source: {protocol: 'rbd', name: 'pool/image', hosts: [{name: 'mon1.example.org', port: 6321}, {name: 'mon2.example.org'}], auth: {username: 'admin', secretType: 'ceph', secretUsage: 'ceph-admin'}},
      target: {dev: 'xvdb', bus: 'xen'},
    },
  )
  dev.controllers.push({type: 'usb', index: 0, model: 'qusb2', ports: 8})
  dev.interfaces.push(
    {type: 'bridge', mac: '00:16:3e:00:00:01', source: {bridge: 'ovsbr0'}, vlan: {trunk: true, tags: [42, 43]}, virtualport: 'openvswitch', bandwidthOutboundKBps: 10240, ips: [{address: '192.0.2.1', family: 'ipv4'}], script: 'vif-openvswitch', targetDev: 'vif-x', model: 'e1000'},
    {type: 'ethernet', ips: [], script: 'vif-route', backendDomain: 'netdom'},
    {type: 'network', source: {network: 'default'}, ips: []},
  )
  dev.serials.push(
    {type: 'tcp', sources: [{mode: 'bind', host: '0.0.0.0', service: '9999'}], protocol: 'telnet', target: {port: 0}},
    {type: 'udp', sources: [{mode: 'bind', host: 'localhost', service: '9999'}, {mode: 'connect', host: 'localhost', service: '9998'}], target: {port: 1}},
  )
  dev.parallels.push({type: 'file', sources: [{path: '/tmp/par.log'}], target: {port: 0}})
  dev.channels.push({type: 'unix', sources: [{mode: 'bind', path: '/tmp/sock'}], target: {type: 'xen', name: 'org.qemu.guest_agent.0'}})
  dev.inputs.push({type: 'tablet', bus: 'usb'})
  dev.graphics.push({
    type: 'spice',
    port: 5900,
    tlsPort: 5901,
    autoport: false,
    listens: [{type: 'address', address: '127.0.0.1'}],
    passwd: 'x',
    keymap: 'de',
    mouseMode: 'client',
    clipboardCopyPaste: true,
  })
  dev.sounds.push({model: 'sb16'}, {model: 'es1370'})
  dev.hostdevs.push(
    {mode: 'subsystem', type: 'usb', managed: false, usb: {bus: 1, device: 3}},
    {mode: 'subsystem', type: 'pci', managed: false, pci: {domain: 0, bus: 1, slot: 0x1b, function: 2}, permissive: true},
  )
  d.qemuArgs = ['-debugcon', "file:/tmp/a b'c"]
  return d
}

function richPv(): Domain {
  const d = newDomain('rich-pv', 'pv')
  d.maxMemoryKiB = 524288
  d.currentMemoryKiB = 524288
  d.os.bootloader = '/usr/bin/pygrub'
  d.os.bootloaderArgs = '-q'
  d.features = {e820Host: true}
  d.clock.offset = 'localtime'
  d.devices.disks.push({type: 'file', device: 'disk', driver: {name: 'file'}, source: {file: '/img/a'}, target: {dev: 'xvda', bus: 'xen'}})
  d.devices.graphics.push({type: 'vnc', autoport: false, port: 5925, listens: [], listen: '0.0.0.0', keymap: 'ja', passwd: 'p'})
  d.devices.graphics.push({type: 'sdl', listens: [], display: ':0.0', xauth: '/root/.Xauthority'})
  return d
}

describe.skipIf(!existsSync(VALIDATE))('writer output is valid for libvirt’s schema (virt-xml-validate)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xenlift-schema-'))
  const target = targetFor('9.0.0')
  for (const [name, make] of [
    ['rich HVM', richHvm],
    ['rich PV', richPv],
    ['PVH', () => newDomain('pvh', 'pvh')],
  ] as const) {
    it(name, () => {
      const xml = writeLibvirtXml(applyLibvirtDefaults(make(), target), target, {securityInfo: true})
      const file = join(dir, `${name.replace(/\W/g, '-')}.xml`)
      writeFileSync(file, xml)
      let err = ''
      try {
        execFileSync(VALIDATE, [file, 'domain'], {stdio: 'pipe'})
      } catch (error) {
        err = String((error as {stderr?: Buffer}).stderr ?? error)
      }
      expect(err, xml).toBe('')
    })
  }
})
