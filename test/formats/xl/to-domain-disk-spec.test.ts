/** xl disk specs: libxlu's scanner (xl-disk-configuration) + libvirt's xenParseXLDisk, §6.1 xl column. */
import {describe, expect, it} from 'vitest'
import {parseXlDiskSpec, xlDiskToDisk} from '../../../src/formats/xl/disk-spec.js'

const disk = (spec: string, hvm = true) => {
  const r = parseXlDiskSpec(spec)
  if ('error' in r) throw new Error(r.error)
  return xlDiskToDisk(r.spec, hvm)
}
const err = (spec: string) => {
  const r = parseXlDiskSpec(spec)
  if (!('error' in r)) throw new Error(`expected an error for ${spec}`)
  return r.error
}

describe('xl disk specs', () => {
  it('key=value form', () => {
    expect(disk('format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=/var/lib/xen/a.qcow2')).toEqual({
      type: 'file', device: 'disk', driver: {name: 'qemu', type: 'qcow2'}, source: {file: '/var/lib/xen/a.qcow2'}, target: {dev: 'xvda', bus: 'xen'},
    })
  })
  it('positional target,format,vdev,access', () => {
    expect(disk('/dev/vg/a,raw,hda,rw,backendtype=phy')).toMatchObject({type: 'block', driver: {name: 'phy', type: 'raw'}, source: {dev: '/dev/vg/a'}, target: {dev: 'hda', bus: 'ide'}})
    expect(disk('/img/b,,hdb,,')).toMatchObject({type: 'file', driver: {name: 'qemu', type: 'raw'}, target: {dev: 'hdb'}})
    expect(disk('/img/c,qcow2,sdb,ro')).toMatchObject({driver: {type: 'qcow2'}, target: {bus: 'scsi'}, readonly: true})
  })
  it('target= eats the rest, commas and prefixes included', () => {
    expect(disk('vdev=xvda,target=phy:/dev/a,b').source).toEqual({file: 'phy:/dev/a,b'})
    expect(err('target=/x,vdev=xvdb')).toBe('no vdev specified')
  })
  it('deprecated prefixes are stripped; phy: is still a qemu file disk', () => {
    expect(disk('phy:/dev/vg/a,xvda,w')).toMatchObject({type: 'file', driver: {name: 'qemu', type: 'raw'}, source: {file: '/dev/vg/a'}, target: {dev: 'xvda'}})
    expect(disk('file:/img/a,xvda,w').source).toEqual({file: '/img/a'})
    expect(disk('tap:aio:/img/a,xvda,w').driver).toEqual({name: 'qemu', type: 'raw'})
    expect(disk('tap:qcow2:/img/a,xvda,w').driver).toEqual({name: 'qemu', type: 'qcow2'})
    expect(disk('tap2:tapdisk:aio:/img/a,xvda,w').source).toEqual({file: '/img/a'})
    expect(disk('iscsi:/dev/disk/by-path/x,xvda,w')).toMatchObject({driver: {name: 'qemu'}, script: 'iscsi'})
  })
  it('unknown prefixes are errors', () => {
    expect(err('npiv:/dev/x,xvda,w')).toMatch(/unknown deprecated disk prefix 'npiv:'/)
    expect(err('tap:ram:/x,xvda,w')).toMatch(/unknown deprecated disk prefix 'ram:'/)
    expect(err('rbd:pool/image,xvda,w')).toMatch(/rbd/)
  })
  it('backendtype', () => {
    expect(disk('/img/a,raw,xvda,w,backendtype=tap')).toMatchObject({type: 'file', driver: {name: 'tap'}})
    expect(err('/img/a,raw,xvda,w,backendtype=tapdisk')).toMatch(/backendtype/)
  })
  it('access modes: w! and readonly are errors', () => {
    expect(disk('/img/a,raw,xvda,ro').readonly).toBe(true)
    expect(disk('/img/a,raw,xvda,w').readonly).toBeUndefined()
    expect(err('/img/a,raw,xvda,w!')).toMatch(/shared writable/)
    expect(err('/img/a,raw,xvda,readonly')).toMatch(/unknown value for access/)
  })
  it('formats', () => {
    expect(disk('format=qed,vdev=hda,target=/x').driver?.type).toBe('qed')
    expect(disk('format=empty,vdev=hda,target=/x').driver?.type).toBe('raw')
    expect(err('format=vmdk,vdev=hda,target=/x')).toMatch(/unknown value for format: 'vmdk'/)
    expect(err('/img/a,xvda,w')).toMatch(/unknown value for format: 'xvda'/)
  })
  it('CD-ROMs: always qemu file read-only; empty drive without source', () => {
    expect(disk('/dev/cdrom,raw,hdc,rw,devtype=cdrom,backendtype=phy')).toMatchObject({type: 'file', device: 'cdrom', driver: {name: 'qemu', type: 'raw'}, source: {file: '/dev/cdrom'}, readonly: true})
    const empty = disk('format=raw,vdev=hdd,access=ro,devtype=cdrom')
    expect(empty.source).toBeUndefined()
    expect(empty).toMatchObject({device: 'cdrom', readonly: true, driver: {name: 'qemu'}})
    expect(empty.driver?.type).toBeUndefined()
    expect(disk(',,hdc:cdrom,r')).toMatchObject({device: 'cdrom', target: {dev: 'hdc'}})
    expect(disk('/iso,raw,hdc:cdrom,r').device).toBe('cdrom')
    expect(err('/iso,raw,hdc:floppy,r')).toMatch(/unknown deprecated type 'floppy'/)
    expect(err('/x,raw,hda,w,devtype=floppy')).toMatch(/devtype/)
  })
  it('flags and whitespace are accepted; unknown keys and extra positionals are not', () => {
    expect(disk(' /img/a, raw, xvda, rw, discard, direct-io-safe').target.dev).toBe('xvda')
    expect(err('/img/a,raw,xvda,rw,bogus=1')).toMatch(/unknown parameter 'bogus=1'/)
    expect(err('/img/a,raw,xvda,rw,extra')).toMatch(/too many positional parameters/)
    expect(err('vdev=xvda,vdev=xvdb,target=/x')).toMatch(/vdev respecified/)
  })
  it('bus: xvd or PV → xen, sd → scsi, else ide', () => {
    expect(disk('/x,raw,hda,w', false).target.bus).toBe('xen')
    expect(disk('/x,raw,vda,w').target.bus).toBe('ide')
  })
  it('rbd targets with several monitors', () => {
    expect(disk(String.raw`vdev=hda,target=rbd:pool/image:auth_supported=none:mon_host=mon1.example.org\:6321\;mon2.example.org\:6322`).source).toEqual({
      protocol: 'rbd',
      name: 'pool/image',
      hosts: [{name: 'mon1.example.org', port: 6321}, {name: 'mon2.example.org', port: 6322}],
    })
  })
  it('rbd targets become network disks', () => {
    expect(disk('vdev=xvda,target=rbd:pool/image:id=admin')).toMatchObject({
      type: 'network', driver: {name: 'qemu'}, source: {protocol: 'rbd', name: 'pool/image', auth: {username: 'admin', secretType: 'ceph'}},
    })
  })
})
