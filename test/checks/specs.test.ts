import {describe, expect, it} from 'vitest'
import {diskFields} from '../../src/formats/disk-fields.js'
import {sourceChain} from '../../src/formats/xen-common/disk-written.js'
import {vifKeys} from '../../src/checks/vif-specs.js'
import {parseMac} from '../../src/formats/xen-common/vif-spec.js'
import type {SxpList, SxpNode} from '../../src/formats/sxp/sxp-node.js'
import {sxpDevices, sxpFind, sxpText, sxpValue} from '../../src/checks/sxp-query.js'

const at = {line: 1, column: 1}
const a = (value: string, quote: 'none' | 'single' = 'none'): SxpNode => ({kind: 'atom', value, quote, escaped: false, loc: at})
const l = (...items: SxpNode[]): SxpList => ({kind: 'list', items, loc: at})
const diskPrefixes = (source: string) => sourceChain(source).prefixes
const diskPath = (source: string) => sourceChain(source).path

describe('disk specs', () => {
  it.each([
    ['phy:/dev/vg0/a,xvda,w', false, {source: 'phy:/dev/vg0/a', vdev: 'xvda', mode: 'w', positional: 3}],
    ['file:/img/a.img,ioemu:hda,w!', false, {source: 'file:/img/a.img', vdev: 'ioemu:hda', mode: 'w!', positional: 3}],
    ['phy:/dev/a,xvda,w,0,x86_32-abi', false, {positional: 5, backend: '0'}],
    [',hdc:cdrom,r', false, {source: '', vdev: 'hdc:cdrom', mode: 'r'}],
    ['/img/a.img,raw,xvdb,rw', true, {source: '/img/a.img', vdev: 'xvdb', mode: 'rw', positional: 4}],
    ['format=raw, vdev=xvdb, access=rw, target=/img/a,b.img', true, {source: '/img/a,b.img', vdev: 'xvdb', mode: 'rw'}],
    ['vdev=xvdc, devtype=cdrom, script=block-iscsi, target=iqn.x:1', true, {source: 'iscsi:iqn.x:1', vdev: 'xvdc:cdrom'}],
  ])('%s', (text, xl, expected) => {
    expect(diskFields(text, xl)).toMatchObject(expected)
  })

  it('splits driver prefixes from the path', () => {
    expect(diskPrefixes('tap:aio:/srv/a.img')).toEqual(['tap', 'aio'])
    expect(diskPrefixes('tap2:tapdisk:aio:/srv/a.img')).toEqual(['tap2', 'tapdisk', 'aio'])
    expect(diskPrefixes('iscsi:iqn.2001-04.com.example:storage.disk1')).toEqual(['iscsi'])
    expect(diskPath('iscsi:iqn.2001-04.com.example:storage.disk1')).toBe('iqn.2001-04.com.example:storage.disk1')
    expect(diskPrefixes('/dev/vg0/a')).toEqual([])
    expect(diskPath('tap:qcow:/srv/a.qcow')).toBe('/srv/a.qcow')
    expect(diskPath('phy:/dev/vg0/a')).toBe('/dev/vg0/a')
  })
})

describe('vif specs', () => {
  it('parses key=value items, last repeated key wins', () => {
    expect(vifKeys('mac=00:16:3E:0:0:1, bridge=br0,bridge=br1,type=ioemu')).toEqual({mac: '00:16:3E:0:0:1', bridge: 'br1', type: 'ioemu'})
  })
  it('normalises MACs with the readers\' one parser (virMacAddrParse) and rejects malformed ones', () => {
    expect(parseMac('00:16:3E:0:0:1')).toBe('00:16:3e:00:00:01')
    expect(parseMac('00-16-3e-00-00-01')).toBeUndefined()
    expect(parseMac('00:16:3e:00:00')).toBeUndefined()
  })
})

describe('sxp queries', () => {
  const dom = l(a('domain'), l(a('name'), a('web')), l(a('image'), l(a('hvm'), l(a('kernel'), a('/usr/lib/xen/boot/hvmloader')))), l(a('device'), l(a('vbd'), l(a('uname'), a('phy:/dev/x')))), l(a('device'), l(a('vif'), l(a('mac'), a('00:16:3e:00:00:01')))))
  it('finds values, paths and device blocks', () => {
    expect(sxpValue(dom, 'name')?.value).toBe('web')
    expect(sxpFind(dom, 'image/hvm/kernel')).toBeDefined()
    expect(sxpFind(dom, 'image/linux')).toBeUndefined()
    expect(sxpDevices(dom, 'vbd').map(sxpText)).toEqual(['(vbd (uname phy:/dev/x))'])
    expect(sxpDevices(dom, ['vbd', 'vif'])).toHaveLength(2)
  })
  it('prints quoted atoms so they read back the same', () => {
    expect(sxpText(l(a('description'), a("it's here", 'single')))).toBe("(description 'it\\'s here')")
  })
})
