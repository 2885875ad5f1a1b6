/**
 * sharedReads: check's read of a config is given to a caller reading the same config again
 * (scan, import) only where that second read would give the same.
 */
import {describe, expect, it} from 'vitest'
import type {InventoryFile} from '../../src/checks/host-inventory.js'
import {readInventory, sharedReads} from '../../src/checks/run-checks.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {targetProfile} from '../../src/formats/target-profile.js'

const XL = 'type = "pv"\nname = "web01"\nmemory = 512\ndisk = ["phy:/dev/vg/web01,xvda,w"]\n'
const XML = "<domain type='xen'><name>db01</name><memory>524288</memory><os><type>linux</type></os></domain>\n"
const files: InventoryFile[] = [
  {path: '/etc/xen/web01.cfg', text: XL, role: 'etc-xen'},
  {path: '/etc/xen/db01.xml', text: XML, role: 'loose'},
]

describe('sharedReads', () => {
  it('gives check\'s read for the same path and text, in the same format or detected the same way', () => {
    const reads = readInventory(files)
    const web = reads.get(files[0] as InventoryFile)?.read
    expect(web?.format).toBe('xl')
    const readOf = sharedReads(reads)
    expect(readOf({path: '/etc/xen/web01.cfg', text: XL})).toBe(web)
    expect(readOf({path: '/etc/xen/web01.cfg', text: XL, format: 'xl'})).toBe(web)
    // another text, another path, another format forced on the reader: read again
    expect(readOf({path: '/etc/xen/web01.cfg', text: `${XL}vcpus = 2\n`})).toBeUndefined()
    expect(readOf({path: '/etc/xen/web02.cfg', text: XL})).toBeUndefined()
    expect(readOf({path: '/etc/xen/web01.cfg', text: XL, format: 'xm'})).toBeUndefined()
    expect(sharedReads(undefined)({path: '/etc/xen/web01.cfg', text: XL})).toBeUndefined()
  })

  it('only under the same target profile; libvirt XML only when neither read had a target', () => {
    const plain = readInventory(files)
    const xml = plain.get(files[1] as InventoryFile)?.read
    expect(xml?.format).toBe('libvirt')
    expect(sharedReads(plain)({path: '/etc/xen/db01.xml', text: XML})).toBe(xml)
    expect(sharedReads(plain, targetFor('9.0.0'))({path: '/etc/xen/db01.xml', text: XML})).toBeUndefined()
    // the assumed profile on both sides: the same read
    expect(sharedReads(plain, targetFor('9.0.0'))({path: '/etc/xen/web01.cfg', text: XL})).toBeDefined()
    const amd = targetFor('9.0.0', {profile: targetProfile({cpuVendor: 'amd'})})
    expect(sharedReads(plain, amd)({path: '/etc/xen/web01.cfg', text: XL})).toBeUndefined()
    const underAmd = readInventory(files, amd)
    expect(sharedReads(underAmd, amd)({path: '/etc/xen/web01.cfg', text: XL})).toBe(underAmd.get(files[0] as InventoryFile)?.read)
    expect(sharedReads(underAmd)({path: '/etc/xen/web01.cfg', text: XL})).toBeUndefined()
  })

  it('never a reader crash: the caller reads that again', () => {
    const file: InventoryFile = {path: '/etc/xen/bad', text: XL, role: 'etc-xen'}
    const crashed = new Map([[file, {file, read: {format: 'xl' as const, file: file.path, domains: [], skipped: [], diagnostics: [{code: 'INTERNAL', severity: 'error' as const, message: 'reader crashed: boom', file: file.path}]}}]])
    expect(sharedReads(crashed)({path: '/etc/xen/bad', text: XL})).toBeUndefined()
  })
})
