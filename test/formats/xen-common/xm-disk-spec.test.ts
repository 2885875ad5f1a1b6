import {describe, expect, it} from 'vitest'
import {parseXmDiskSpec} from '../../../src/formats/xen-common/xm-disk-spec.js'

const ok = (spec: string, hvm = true) => {
  const r = parseXmDiskSpec(spec, hvm)
  if ('skipped' in r) throw new Error(r.skipped)
  return r
}
const skipped = (spec: string) => {
  const r = parseXmDiskSpec(spec, true)
  if (!('skipped' in r)) throw new Error(`expected ${spec} to be skipped`)
  return r.skipped
}

describe('xm disk specs (xenParseXMDisk)', () => {
  it('phy: is a block device with driver phy, file: a file; no format (the defaults make it raw)', () => {
    expect(ok('phy:/dev/vg/a,hda,w').disk).toEqual({type: 'block', device: 'disk', driver: {name: 'phy'}, source: {dev: '/dev/vg/a'}, target: {dev: 'hda', bus: 'ide'}})
    expect(ok('file:/img/a.img,xvda,w').disk).toMatchObject({type: 'file', driver: {name: 'file'}, source: {file: '/img/a.img'}, target: {bus: 'xen'}})
  })
  it('no prefix is phy (block), even for a file', () => {
    expect(ok('/img/a.img,hda,w').disk).toMatchObject({type: 'block', driver: {name: 'phy'}, source: {dev: '/img/a.img'}})
  })
  it('tap/tap2 take a sub-type: aio is raw, else a libvirt format', () => {
    expect(ok('tap:aio:/img/a,xvda,w').disk.driver).toEqual({name: 'tap', type: 'raw'})
    expect(ok('tap:qcow2:/img/a,xvda,w').disk.driver).toEqual({name: 'tap', type: 'qcow2'})
    expect(ok('tap2:vhd:/img/a,xvda,w').disk).toMatchObject({type: 'file', driver: {name: 'tap2', type: 'vhd'}, source: {file: '/img/a'}})
    expect(skipped('tap:tapdisk:aio:/img/a,xvda,w')).toMatch(/unknown tap sub-type 'tapdisk'/)
    expect(skipped('tap:ram:/img/a,xvda,w')).toMatch(/sub-type 'ram'/)
  })
  it('other prefixes are the driver name of a file disk', () => {
    const r = ok('iscsi:iqn.2001-04.com.example:disk,xvda,w')
    expect(r.prefix).toBe('iscsi')
    expect(r.disk).toMatchObject({type: 'file', driver: {name: 'iscsi'}, source: {file: 'iqn.2001-04.com.example:disk'}})
  })
  it('drops specs with fewer than 3 fields', () => {
    expect(skipped('file:/x,xvdb')).toMatch(/fewer than 3 fields/)
    expect(skipped('file:/x')).toMatch(/fewer than 3 fields/)
  })
  it('keeps 4th/5th fields glued to MODE, which then reads as read-write', () => {
    const r = ok('phy:/dev/a,xvda,r,0')
    expect(r.disk.readonly).toBeUndefined()
    expect(r.extraFields).toBe('r,0')
  })
  it('strips ioemu: and the :cdrom/:disk suffix', () => {
    expect(ok('file:/iso,ioemu:hdc:cdrom,r').disk).toMatchObject({device: 'cdrom', target: {dev: 'hdc'}, readonly: true})
    expect(ok('file:/x,hdb:disk,w').disk).toMatchObject({device: 'disk', target: {dev: 'hdb'}})
    expect(ok('file:/x,hdb:foo,w').disk.device).toBe('disk')
  })
  it('an empty source is an empty drive with driver phy', () => {
    const d = ok(',hdc:cdrom,r').disk
    expect(d).toMatchObject({type: 'block', device: 'cdrom', driver: {name: 'phy'}, readonly: true})
    expect(d.source).toBeUndefined()
  })
  it('picks the bus: xvd or PV → xen, HVM sd → scsi, other HVM → ide', () => {
    expect(ok('phy:/dev/a,sda,w').disk.target.bus).toBe('scsi')
    expect(ok('phy:/dev/a,vda,w').disk.target.bus).toBe('ide')
    expect(ok('phy:/dev/a,hda1,w', false).disk.target.bus).toBe('xen')
  })
  it('reads exactly r/ro as read-only and w!/! as shareable; a CD-ROM is always read-only', () => {
    expect(ok('phy:/dev/a,hda,ro').disk.readonly).toBe(true)
    expect(ok('phy:/dev/a,hda,rw').disk.readonly).toBeUndefined()
    expect(ok('phy:/dev/a,hda,w!').disk.shareable).toBe(true)
    expect(ok('phy:/dev/a,hda,r!').disk).not.toHaveProperty('shareable')
    expect(ok('file:/iso,hdc:cdrom,w').disk.readonly).toBe(true)
  })
})
