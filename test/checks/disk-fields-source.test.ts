/**
 * One reader per disk grammar (issue 11 §7): the fields the compatibility rules see for a disk
 * string are the ones the converting parser reports as written, including what xl refuses.
 */
import {describe, expect, it} from 'vitest'
import {diskSpecs} from '../../src/checks/disk-specs.js'
import {diskFormatQcow1, diskScript, diskShared} from '../../src/checks/rules/disks.js'
import type {InventoryFile} from '../../src/checks/host-inventory.js'
import type {DomainContext} from '../../src/checks/rule.js'
import {readConfig} from '../../src/convert/convert.js'
import {diskFields} from '../../src/formats/disk-fields.js'
import type {SxpList} from '../../src/formats/sxp/sxp-node.js'
import {parseXmDiskSpec} from '../../src/formats/xen-common/xm-disk-spec.js'
import {parseXlDiskSpec} from '../../src/formats/xl/disk-spec.js'

/** The rules' context of a one-domain config read as `from`. */
function contextOf(from: 'xm' | 'xl' | 'sxp', disks: readonly string[]): DomainContext {
  const text =
    from === 'sxp'
      ? `(domain (name d) (uuid 4dea22b3-1d52-d8f3-2516-782e98a23fa0) (memory 512) (image (hvm (kernel /usr/lib/xen/boot/hvmloader)))\n${disks.join('\n')})\n`
      : `name = "d"\nmemory = 512\nbuilder = "hvm"\ndisk = [ ${disks.map((d) => `'${d}'`).join(', ')} ]\n`
  const read = readConfig(text, {file: `/etc/xen/d.cfg`, from})
  if ('skip' in read) throw new Error(read.skip)
  const entry = read.domains[0]
  if (entry === undefined) throw new Error('no domain')
  const file = {path: '/etc/xen/d.cfg', text, role: 'etc-xen'} as unknown as InventoryFile
  const sxp = entry.sxp?.kind === 'list' ? (entry.sxp as SxpList) : undefined
  return {host: '', target: 'libvirt', file, read, entry, domain: entry.domain, ...(read.native ? {native: read.native} : {}), ...(sxp ? {sxp} : {})}
}

/** What the DISK-* rules see for each disk of a config read as `from`. */
function checkedFields(from: 'xm' | 'xl' | 'sxp', disks: readonly string[]) {
  return diskSpecs(contextOf(from, disks)).map(({text: _t, loc: _l, ...fields}) => fields)
}

const XM = ['tap:aio:/img,xvda,w', 'phy:/dev/vg/x,hda:cdrom,r', 'drbd:res0,xvda,w!', 'file:/img,ioemu:hda,w', 'phy:/dev/vg/y,xvdb,w,1,x86_32-abi', ',hdc:cdrom,r']
/** xl specs libxlu accepts: the domain is read and the rules run on it. */
const XL = ['vdev=xvda,access=rw,target=/a,b', '/img/a.img,raw,xvdb,rw', 'vdev=xvdf, devtype=cdrom, target=/iso/f.iso', 'tap:aio:/img/g.img,ioemu:hdg,w', '/img/h.img,qcow,xvdh,r', 'vdev=xvdj, script=block-drbd, target=res1']
/** xl specs libxlu refuses (`w!`, a format slot holding a vdev): no domain, but the fields as written are kept. */
const XL_REFUSED = ['/img/q.img,qcow,xvdc,w!', 'drbd:res0,xvdd,w!', 'format=raw, vdev=xvde, access=w!, target=/img/e.img', '/img/i.img,xvdi,w']

describe('disk fields: one reader per grammar', () => {
  it('xm: the rules see what parseXmDiskSpec reports as written', () => {
    const seen = checkedFields('xm', XM)
    expect(seen).toEqual(XM.map((s) => parseXmDiskSpec(s, true).written))
    expect(seen.map((f) => [f.source, f.vdev, f.mode])).toEqual([
      ['tap:aio:/img', 'xvda', 'w'],
      ['phy:/dev/vg/x', 'hda:cdrom', 'r'],
      ['drbd:res0', 'xvda', 'w!'],
      ['file:/img', 'ioemu:hda', 'w'],
      ['phy:/dev/vg/y', 'xvdb', 'w'],
      ['', 'hdc:cdrom', 'r'],
    ])
    expect(seen.map((f) => f.prefixes)).toEqual([['tap', 'aio'], ['phy'], ['drbd'], ['file'], ['phy'], []])
    expect(seen[4]).toMatchObject({positional: 5, backend: '1'})
  })

  it('xl: the rules see what parseXlDiskSpec reports as written', () => {
    const seen = checkedFields('xl', XL)
    expect(seen).toEqual(XL.map((s) => parseXlDiskSpec(s).written))
    expect(seen.map((f) => [f.source, f.vdev, f.mode, f.positional, f.format])).toEqual([
      ['/a,b', 'xvda', 'rw', 0, undefined],
      ['/img/a.img', 'xvdb', 'rw', 4, 'raw'],
      ['/iso/f.iso', 'xvdf:cdrom', '', 0, undefined],
      ['tap:aio:/img/g.img', 'ioemu:hdg', 'w', 3, undefined],
      ['/img/h.img', 'xvdh', 'r', 4, 'qcow'],
      ['drbd:res1', 'xvdj', '', 0, undefined],
    ])
    expect(seen.map((f) => [f.prefixes, f.path])).toEqual([[[], '/a,b'], [[], '/img/a.img'], [[], '/iso/f.iso'], [['tap', 'aio'], '/img/g.img'], [[], '/img/h.img'], [['drbd'], 'res1']])
  })

  it('xl: a spec libxlu refuses keeps its fields as written (the reader the rules call)', () => {
    const parsed = XL_REFUSED.map((s) => parseXlDiskSpec(s))
    expect(parsed.map((p) => 'error' in p)).toEqual([true, true, true, true])
    expect(XL_REFUSED.map((s) => diskFields(s, true))).toEqual(parsed.map((p) => p.written))
    expect(parsed.map(({written: f}) => [f.source, f.vdev, f.mode])).toEqual([
      ['/img/q.img', 'xvdc', 'w!'],
      ['drbd:res0', 'xvdd', 'w!'],
      ['/img/e.img', 'xvde', 'w!'],
      ['/img/i.img', 'xvdi', 'w'],
    ])
  })

  it('SXP: the uname of a vbd is read with the same prefix chain as an xm source', () => {
    const seen = checkedFields('sxp', ['(device (tap (uname tap:aio:/img/a.img) (dev xvda) (mode w!)))', '(device (vbd (uname phy:/dev/vg/b) (dev hdb:cdrom) (mode r)))'])
    expect(seen.map((f) => [f.source, f.prefixes, f.path, f.vdev, f.mode])).toEqual([
      ['tap:aio:/img/a.img', ['tap', 'aio'], '/img/a.img', 'xvda', 'w!'],
      ['phy:/dev/vg/b', ['phy'], '/dev/vg/b', 'hdb:cdrom', 'r'],
    ])
    expect(seen.map((f) => [f.prefixes, f.path])).toEqual(['tap:aio:/img/a.img,xvda,w!', 'phy:/dev/vg/b,hdb:cdrom,r'].map((s) => [parseXmDiskSpec(s, true).written.prefixes, parseXmDiskSpec(s, true).written.path]))
  })

  it('w! is seen as written in xm, SXP and xl forms, and DISK-SHARED reports it', () => {
    expect(diskShared.check(contextOf('xm', ['file:/img,xvda,w!'])).map((h) => h.message)).toEqual([expect.stringContaining('mode w!')])
    expect(diskShared.check(contextOf('sxp', ['(device (vbd (uname file:/img) (dev xvda) (mode w!)))'])).map((h) => h.message)).toEqual([expect.stringContaining('mode w!')])
    // xl: libxlu refuses the spec (no domain to check), its fields as written keep the mode.
    expect(['/img,raw,xvda,w!', 'access=w!,vdev=xvdb,target=/img'].map((s) => diskFields(s, true).mode)).toEqual(['w!', 'w!'])
  })

  it('xl rules judge what libxlu read: target= is literal, the positional format slot is a format', () => {
    // `target=rbd:…` is a network disk, not an `rbd:` block-script prefix.
    expect(diskScript.check(contextOf('xl', ['vdev=xvda, access=rw, target=rbd:pool/image:id=admin']))).toEqual([])
    expect(diskScript.check(contextOf('xl', ['vdev=xvdb, script=block-dmmd, target=/dev/y'])).map((h) => h.message)).toEqual([expect.stringContaining('block script block-dmmd')])
    expect(diskFormatQcow1.check(contextOf('xl', ['/img/h.img,qcow,xvdh,w', 'format=qcow,vdev=xvdi,target=/img/i.img', '/img/j.img,qcow2,xvdj,w'])).map((h) => h.message)).toEqual([
      'disk xvdh is a qcow (version 1) image',
      'disk xvdi is a qcow (version 1) image',
    ])
  })
})
