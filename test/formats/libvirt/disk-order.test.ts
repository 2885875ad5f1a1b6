/**
 * libvirt's disk order (virDomainDiskInsert) on the XML → xl/xm path: the reader keeps disks as
 * libvirt's parser does, says so when that is not the document's order, and the native writers
 * then write them as `virsh domxml-to-native` does.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {convertText} from '../../../src/convert/convert.js'
import {libvirtDiskOrder} from '../../../src/formats/libvirt/disk-order.js'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {diskOrderSpec} from '../../helpers/disk-order-spec.js'

const disk = (dev: string, bus?: string, file = `/img/${dev}.img`) =>
  `    <disk type='file' device='disk'>\n      <source file='${file}'/>\n      <target dev='${dev}'${bus !== undefined ? ` bus='${bus}'` : ''}/>\n    </disk>\n`

const pv = (disks: string) =>
  `<domain type='xen'>\n  <name>pv1</name>\n  <uuid>8f07fe28-753f-2729-d76d-bdbd892f949a</uuid>\n  <memory unit='KiB'>524288</memory>\n  <vcpu>1</vcpu>\n  <bootloader>/usr/bin/pygrub</bootloader>\n  <os>\n    <type>linux</type>\n  </os>\n  <devices>\n${disks}  </devices>\n</domain>\n`

const devs = (xml: string, version = '9.0.0') => readLibvirtXml(xml, {file: 'g.xml', target: targetFor(version)}).domains[0]!.domain.devices.disks.map((d) => d.target.dev)

describe('libvirt disk order (virDomainDiskInsert)', () => {
  it('xvdb listed before xvda: libvirt (and so xl) has xvda first, and says the boot disk changed', () => {
    const xml = pv(disk('xvdb', 'xen') + disk('xvda', 'xen'))
    const r = convertText(xml, {file: 'g.xml', to: 'xl'})
    const d = r.domains[0]!
    expect(d.output).toMatch(/^disk = \[ "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=\/img\/xvda\.img", "format=raw,vdev=xvdb,/m)
    const info = d.diagnostics.filter((x) => x.code === 'DISK-ORDER')
    expect(info).toHaveLength(1)
    expect(info[0]).toMatchObject({severity: 'info', file: 'g.xml', line: 15})
    expect(info[0]!.message).toContain('xvda, xvdb, where the XML lists xvdb, xvda')
    expect(info[0]!.message).toContain('the first disk, the one pygrub boots, is xvda, not xvdb')
    // xm too: the same order from the same reader.
    expect(convertText(xml, {file: 'g.xml', to: 'xm'}).domains[0]!.output).toMatch(/^disk = \[ "file:\/img\/xvda\.img,xvda,w", "file:\/img\/xvdb\.img,xvdb,w" \]$/m)
  })

  it('buses are groups in the order each first appears; names sort inside a group only', () => {
    // xen: xvdb, xvda → xvda, xvdb; ide (hdc, hda) after them, because xen came first.
    expect(devs(pv(disk('xvdb', 'xen') + disk('hdc', 'ide') + disk('xvda', 'xen') + disk('hda', 'ide')))).toEqual(['xvda', 'xvdb', 'hda', 'hdc'])
    // An ide disk first keeps its group first even though xvda has the lower name.
    expect(devs(pv(disk('hdb', 'ide') + disk('xvda', 'xen')))).toEqual(['hdb', 'xvda'])
  })

  it("9.0 places a disk without bus= before post-parse names its bus, so hd and xvd share one group; 4.5 derived the bus first", () => {
    const xml = pv(disk('xvdb') + disk('hda'))
    expect(devs(xml, '9.0.0')).toEqual(['hda', 'xvdb'])
    expect(devs(xml, '11.3.0')).toEqual(['hda', 'xvdb'])
    expect(devs(xml, '4.5.0')).toEqual(['xvdb', 'hda'])
    // An explicit bus and a missing one are different groups in 9.0.
    expect(devs(pv(disk('xvdc', 'xen') + disk('xvdb') + disk('xvda', 'xen')), '9.0.0')).toEqual(['xvda', 'xvdc', 'xvdb'])
  })

  it('no diagnostic, same order, when the XML is already in libvirt order; one info at the disk that moves up, not about the boot disk, when a later one moves', () => {
    const sorted = readLibvirtXml(pv(disk('xvda', 'xen') + disk('xvdb', 'xen') + disk('hdc', 'ide')))
    expect(sorted.domains[0]!.diagnostics).toEqual([])
    const later = readLibvirtXml(pv(disk('xvda', 'xen') + disk('xvdc', 'xen') + disk('xvdb', 'xen')), {file: 'g.xml'}).domains[0]!
    expect(later.diagnostics.map((x) => [x.code, x.severity, x.line])).toEqual([['DISK-ORDER', 'info', 19]])
    expect(later.diagnostics[0]!.message).not.toContain('pygrub')
  })

  it('libvirtDiskOrder is the insertion rule for any disks with a bus (property)', () => {
    const item = fc.record({dev: fc.constantFrom('hda', 'hdb', 'hdc', 'xvda', 'xvdb', 'xvdz', 'xvdaa', 'sda', 'sdb2', 'vdq', 'bogus'), bus: fc.constantFrom('ide', 'xen', 'scsi')})
    fc.assert(
      fc.property(fc.array(item, {maxLength: 8}), (items) => {
        expect(libvirtDiskOrder(items, (i) => i, {diskBusFromName: false})).toEqual(diskOrderSpec(items, (i) => i))
      }),
      {numRuns: 300},
    )
  })

  const CORPUS = join(REPO_ROOT, '../shared/corpus/libvirt/xl')
  it.skipIf(!existsSync(CORPUS))("libvirt's vector test-fullvirt-multi-timer with its disks listed last-first still gives the vector's xl config", () => {
    const xml = readFileSync(join(CORPUS, 'test-fullvirt-multi-timer.xml'), 'utf8')
    const cfg = readFileSync(join(CORPUS, 'test-fullvirt-multi-timer.cfg'), 'utf8')
    const blocks = [...xml.matchAll(/ {4}<disk [\s\S]*?<\/disk>\n/g)].map((m) => m[0])
    expect(blocks).toHaveLength(3)
    const reversed = xml.replace(blocks.join(''), [...blocks].reverse().join(''))
    expect(reversed).not.toBe(xml)
    const r = convertText(reversed, {file: 'multi-timer.xml', to: 'xl', securityInfo: true}).domains[0]!
    const diskLine = (t: string) => t.split('\n').find((l) => l.startsWith('disk = '))
    expect(diskLine(r.output!)).toBe(diskLine(cfg))
    expect(r.diagnostics.filter((x) => x.code === 'DISK-ORDER').map((x) => x.message)).toEqual([
      'libvirt keeps disks grouped by bus and sorted by name (virDomainDiskInsert): hda, hdb, hdc, where the XML lists hdc, hdb, hda; the first disk, the one pygrub boots, is hda, not hdc',
    ])
  })
})
