import {describe, expect, it} from 'vitest'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'

const PV = `<domain type='xen'>
  <name>pv&amp;1</name>
  <uuid>596A5D21-71F4-8FB2-E068-E2386A5C413E</uuid>
  <memory unit='MiB'>512</memory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
    <kernel>/boot/vmlinuz</kernel>
  </os>
  <devices>
    <tpm model='tpm-tis'/>
    <disk type='block' device='disk'>
      <source dev='/dev/vg/x'/>
      <target dev='xvda' bus='xen'/>
    </disk>
  </devices>
</domain>
`

describe('readLibvirtXml', () => {
  it('reads a PV domain into the model with units normalised', () => {
    const r = readLibvirtXml(PV, {file: 'pv.xml'})
    expect(r.format).toBe('libvirt')
    const d = r.domains[0]!.domain
    expect(d.name).toBe('pv&1')
    expect(d.uuid).toBe('596a5d21-71f4-8fb2-e068-e2386a5c413e')
    expect(d.maxMemoryKiB).toBe(524288)
    expect(d.currentMemoryKiB).toBe(524288)
    expect(d.vcpu).toEqual({max: 2, current: 1})
    expect(d.os).toMatchObject({kind: 'pv', arch: 'x86_64', machine: 'xenpv', kernel: '/boot/vmlinuz'})
    expect(d.devices.disks[0]).toMatchObject({type: 'block', source: {dev: '/dev/vg/x'}, target: {dev: 'xvda', bus: 'xen'}})
  })

  it('reports unknown elements as UNSUPPORTED warnings at their line instead of dropping them silently', () => {
    const ds = readLibvirtXml(PV, {file: 'pv.xml'}).domains[0]!.diagnostics
    expect(ds).toEqual([
      expect.objectContaining({code: 'UNSUPPORTED', severity: 'warning', file: 'pv.xml', line: 11, column: 5, path: 'domain/devices/tpm'}),
    ])
  })

  it('reports attributes it does not understand instead of dropping them silently', () => {
    const r = readLibvirtXml("<domain type='xen'>\n<name>x</name>\n<os><type>hvm</type></os>\n<devices>\n<disk type='file' device='disk' snapshot='no'><target dev='hda' bus='ide'/></disk>\n</devices>\n</domain>")
    expect(r.domains[0]!.diagnostics).toEqual([
      expect.objectContaining({code: 'UNSUPPORTED', severity: 'warning', line: 5, path: 'domain/devices/disk/@snapshot'}),
    ])
  })

  it('gives malformed XML one located SYNTAX error and no domain', () => {
    const r = readLibvirtXml("<domain type='xen'>\n  <name>x</name>\n  <os><type>hvm</os>\n</domain>\n", {file: 'bad.xml'})
    expect(r.domains).toEqual([])
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatchObject({code: 'SYNTAX', severity: 'error', file: 'bad.xml', line: 3})
    expect(r.diagnostics[0]!.column).toBeGreaterThan(0)
  })

  it('refuses a document that is not a domain, and a domain without a name', () => {
    expect(readLibvirtXml("<network><name>x</name></network>").diagnostics[0]).toMatchObject({code: 'NOT-A-CONFIG', severity: 'error'})
    const r = readLibvirtXml("<domain type='xen'><memory>1</memory></domain>")
    expect(r.domains).toEqual([])
    expect(r.diagnostics[0]).toMatchObject({code: 'MISSING-KEY', path: 'domain/name'})
  })

  it('reports bad values with their place', () => {
    const r = readLibvirtXml("<domain type='xen'>\n<name>x</name>\n<memory unit='KiB'>lots</memory>\n<on_crash>explode</on_crash>\n</domain>")
    const ds = r.domains[0]!.diagnostics
    expect(ds.map((d) => [d.code, d.line])).toEqual([
      ['BAD-VALUE', 3],
      ['BAD-VALUE', 4],
    ])
  })

  it('decodes entities and character references once, and keeps CDATA literal', () => {
    const r = readLibvirtXml(
      "<domain type='xen'><name>a&amp;lt;b&#x41;&#66;</name><description><![CDATA[x &amp; <y>]]></description><os><type>hvm</type><kernel>k&#10;</kernel></os></domain>",
    )
    const d = r.domains[0]!.domain
    expect(d.name).toBe('a&lt;bAB')
    expect(d.description).toBe('x &amp; <y>')
    expect(d.os.kernel).toBe('k\n')
  })

  it('recognises xen:commandline by namespace, whatever the prefix', () => {
    const r = readLibvirtXml(
      "<domain type='xen' xmlns:q='http://libvirt.org/schemas/domain/xen/1.0'><name>x</name><os><type>hvm</type></os><q:commandline><q:arg value='-s'/></q:commandline></domain>",
    )
    expect(r.domains[0]!.domain.qemuArgs).toEqual(['-s'])
    expect(r.domains[0]!.diagnostics).toEqual([])
  })

  it('warns on a non-Xen domain type but still reads it', () => {
    const r = readLibvirtXml("<domain type='kvm'><name>x</name><os><type>hvm</type></os></domain>")
    expect(r.domains[0]!.domain.os.kind).toBe('hvm')
    expect(r.domains[0]!.diagnostics[0]).toMatchObject({code: 'UNSUPPORTED', path: 'domain/@type'})
  })
})

describe('readLibvirtXml network disks', () => {
  it('reads rbd hosts and auth, and writes them back in the same place', () => {
    const xml = `<domain type='xen'>
  <name>n</name>
  <os><type>hvm</type></os>
  <devices>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='rbd' name='pool/image'>
        <host name='mon1.example.org' port='6321'/>
        <host name='mon2.example.org'/>
        <auth username='admin'>
          <secret type='ceph' usage='ceph-admin'/>
        </auth>
      </source>
      <target dev='xvdb' bus='xen'/>
    </disk>
  </devices>
</domain>
`
    const r = readLibvirtXml(xml)
    const disk = r.domains[0]!.domain.devices.disks[0]!
    expect(r.domains[0]!.diagnostics).toEqual([])
    expect(disk.source).toEqual({
      protocol: 'rbd',
      name: 'pool/image',
      hosts: [{name: 'mon1.example.org', port: 6321}, {name: 'mon2.example.org'}],
      auth: {username: 'admin', secretType: 'ceph', secretUsage: 'ceph-admin'},
    })
    const out = writeLibvirtXml(r.domains[0]!.domain, targetFor('9.0.0'))
    expect(out).toContain(
      "      <source protocol='rbd' name='pool/image'>\n        <host name='mon1.example.org' port='6321'/>\n        <host name='mon2.example.org'/>\n        <auth username='admin'>\n",
    )
  })
})
