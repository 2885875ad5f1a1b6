import {describe, expect, it} from 'vitest'
import {newDomain, type Domain} from '../../../src/model/domain.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'

function hvm(): Domain {
  const d = newDomain('g', 'hvm')
  d.uuid = 'c7a5fdb2-cdaf-9455-926a-d65c16db1809'
  d.maxMemoryKiB = 592896
  d.currentMemoryKiB = 403456
  d.os.loader = {path: '/usr/lib/xen/boot/hvmloader', type: 'rom'}
  d.os.boot = ['cdrom']
  d.devices.graphics.push({type: 'vnc', autoport: true, listens: [{type: 'address', address: '127.0.0.1'}], passwd: 'secret'})
  d.devices.hostdevs.push({mode: 'subsystem', type: 'pci', managed: false, pci: {domain: 1, bus: 0xc, slot: 0x1b, function: 2}})
  return d
}

describe('writeLibvirtXml', () => {
  it("uses libvirt's layout: 2-space indent, single quotes, self-closing empties, trailing newline", () => {
    const xml = writeLibvirtXml(hvm(), targetFor('9.0.0'))
    expect(xml.startsWith("<domain type='xen'>\n  <name>g</name>\n  <uuid>")).toBe(true)
    expect(xml).toContain("  <memory unit='KiB'>592896</memory>\n  <currentMemory unit='KiB'>403456</currentMemory>\n  <vcpu placement='static'>1</vcpu>\n")
    expect(xml).toContain("    <boot dev='cdrom'/>\n")
    expect(xml.endsWith('</domain>\n')).toBe(true)
    expect(xml).not.toContain('"')
  })

  it('omits passwd unless the target asks for secrets (real virsh never prints it)', () => {
    expect(writeLibvirtXml(hvm(), targetFor('9.0.0'))).not.toContain('passwd')
    expect(writeLibvirtXml(hvm(), targetFor('9.0.0'), {securityInfo: true})).toContain(
      "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='secret'>",
    )
  })

  it('prints the runtime id only with target.runtimeId and a known id', () => {
    const d = {...hvm(), id: 3}
    expect(writeLibvirtXml(d, targetFor('4.5.0'))).toMatch(/^<domain type='xen'>/)
    expect(writeLibvirtXml(d, targetFor('4.5.0', {runtimeId: true}))).toMatch(/^<domain type='xen' id='3'>/)
    expect(writeLibvirtXml(hvm(), targetFor('4.5.0', {runtimeId: true}))).toMatch(/^<domain type='xen'>/)
  })

  it('follows the version table: loader format and the PCI xen driver', () => {
    const v9 = writeLibvirtXml(hvm(), targetFor('9.0.0'))
    const v11 = writeLibvirtXml(hvm(), targetFor('11.3.0'))
    expect(v9).toContain("<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>")
    expect(v11).toContain("<loader type='rom' format='raw'>/usr/lib/xen/boot/hvmloader</loader>")
    expect(v9).toContain("<driver name='xen'/>")
    expect(v11).not.toContain('<driver')
    expect(v9).toContain("<address domain='0x0001' bus='0x0c' slot='0x1b' function='0x2'/>")
  })

  it('declares the xen namespace exactly when there are device model args', () => {
    const d = {...hvm(), qemuArgs: ['-debugcon', 'file:/tmp/debug.log']}
    const xml = writeLibvirtXml(d, targetFor('9.0.0'))
    expect(xml).toMatch(/^<domain type='xen' xmlns:xen='http:\/\/libvirt.org\/schemas\/domain\/xen\/1.0'>/)
    expect(xml).toContain("  <xen:commandline>\n    <xen:arg value='-debugcon'/>\n    <xen:arg value='file:/tmp/debug.log'/>\n  </xen:commandline>\n</domain>\n")
    expect(writeLibvirtXml(hvm(), targetFor('9.0.0'))).not.toContain('xmlns')
  })

  it('keeps an empty bootloader and PV os type names', () => {
    const d = newDomain('p', 'pv')
    d.os.bootloader = ''
    const xml = writeLibvirtXml(d, targetFor('9.0.0'))
    expect(xml).toContain('  <bootloader></bootloader>\n  <os>\n    <type>linux</type>\n  </os>\n')
    expect(writeLibvirtXml(newDomain('p', 'pvh'), targetFor('9.0.0'))).toContain('<type>xenpvh</type>')
  })

  it('prints vcpu current only when it differs from max', () => {
    const d = newDomain('p', 'pv')
    d.vcpu = {max: 4, current: 2, cpuset: '0-3'}
    expect(writeLibvirtXml(d, targetFor('9.0.0'))).toContain("<vcpu placement='static' cpuset='0-3' current='2'>4</vcpu>")
    d.vcpu = {max: 4, current: 4}
    expect(writeLibvirtXml(d, targetFor('9.0.0'))).toContain("<vcpu placement='static'>4</vcpu>")
  })

  it('prints a runtime-derived vif name only with target.runtimeId', () => {
    const d = newDomain('p', 'pv')
    d.devices.interfaces.push({type: 'bridge', ips: [], targetDev: 'vif3.0', targetDevRuntime: true})
    d.devices.interfaces.push({type: 'bridge', ips: [], targetDev: 'myvif'})
    const inactive = writeLibvirtXml(d, targetFor('9.0.0'))
    expect(inactive).not.toContain('vif3.0')
    expect(inactive).toContain("<target dev='myvif'/>")
    expect(writeLibvirtXml(d, targetFor('4.5.0', {runtimeId: true}))).toContain("<target dev='vif3.0'/>")
  })

  it('leaves generated-prefix interface names (vif, vnet, macvtap) out of inactive output, as virDomainNetDefFormat does', () => {
    const d = newDomain('p', 'pv')
    d.devices.interfaces.push({type: 'bridge', ips: [], targetDev: 'vif-web'}, {type: 'bridge', ips: [], targetDev: 'web0'})
    const inactive = writeLibvirtXml(d, targetFor('9.0.0'))
    expect(inactive).not.toContain('vif-web')
    expect(inactive).toContain("<target dev='web0'/>")
    expect(writeLibvirtXml(d, targetFor('9.0.0', {runtimeId: true}))).toContain("<target dev='vif-web'/>")
  })
})
