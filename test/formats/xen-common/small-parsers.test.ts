import {describe, expect, it} from 'vitest'
import {parseXlCpuid} from '../../../src/formats/xen-common/cpuid.js'
import {normaliseCpuset} from '../../../src/formats/xen-common/cpuset.js'
import {deterministicUuid, parseUuid, sha1} from '../../../src/formats/xen-common/uuid.js'
import {parseVnuma} from '../../../src/formats/xen-common/vnuma.js'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {readSxp} from '../../../src/formats/sxp/read.js'

describe('cpus bitmaps (virBitmapParse + virBitmapFormat)', () => {
  it('normalises', () => {
    expect(normaliseCpuset('0-7,^1')).toBe('0,2-7')
    expect(normaliseCpuset('0-3 ')).toBe('0-3')
    expect(normaliseCpuset('3,1,2')).toBe('1-3')
    expect(normaliseCpuset('^1')).toBe('')
  })
  it('rejects what libvirt rejects', () => {
    for (const bad of ['all', 'nodes:0', '', '3-1', '1-', '^1-2', 'a']) expect(normaliseCpuset(bad), bad).toBeUndefined()
  })
})

describe('UUIDs', () => {
  it('parses like virUUIDParse', () => {
    const want = 'ce816e63-5de4-4c5b-9b1a-0123456789ab'
    for (const s of ['CE816E63-5DE4-4C5B-9B1A-0123456789AB', 'ce816e635de44c5b9b1a0123456789ab', ' ce-816e63 5de4-4c5b-9b1a-0123456789ab ', 'ce816e63 5de4 4c5b 9b1a 0123456789ab']) {
      expect(parseUuid(s), s).toBe(want)
    }
    for (const bad of ['', 'ce816e63', '{ce816e63-5de4-4c5b-9b1a-0123456789ab}', 'ce816e635de44c5b9b1a0123456789abcd', 'c-e816e635de44c5b9b1a0123456789ab']) {
      expect(parseUuid(bad), bad).toBeUndefined()
    }
    // After the 32nd digit only ASCII whitespace may follow (a trailing `-` or a no-break space is refused).
    for (const bad of ['ce816e63-5de4-4c5b-9b1a-0123456789ab-', 'ce816e63-5de4-4c5b-9b1a-0123456789ab\u00a0', '\u00a0ce816e63-5de4-4c5b-9b1a-0123456789ab']) {
      expect(parseUuid(bad), JSON.stringify(bad)).toBeUndefined()
    }
    expect(parseUuid('ce816e63-5de4-4c5b-9b1a-0123456789ab\t\n')).toBe(want)
  })
  it('is the one parser every reader uses: SXP and libvirt XML refuse a trailing dash too', () => {
    const bad = 'ce816e63-5de4-4c5b-9b1a-0123456789ab-'
    const sxp = readSxp(`(domain (name a) (uuid ${bad}) (memory 256) (image (linux (kernel /k))))`, {file: 'a.sxp'})
    expect(sxp.domains).toEqual([])
    expect(sxp.diagnostics.map((d) => [d.code, d.severity])).toContainEqual(['BAD-VALUE', 'error'])
    const xml = readLibvirtXml(`<domain type='xen'><name>a</name><uuid>${bad}</uuid><memory>262144</memory><os><type>linux</type></os></domain>`, {file: 'a.xml'})
    const ds = [...xml.diagnostics, ...xml.domains.flatMap((d) => d.diagnostics)]
    expect(ds.map((d) => d.message)).toContainEqual(expect.stringMatching(/malformed uuid element/))
    const ok = readLibvirtXml("<domain type='xen'><name>a</name><uuid> CE816E63-5DE4-4C5B-9B1A-0123456789AB </uuid><memory>262144</memory><os><type>linux</type></os></domain>", {file: 'a.xml'})
    expect(ok.domains[0]?.domain.uuid).toBe('ce816e63-5de4-4c5b-9b1a-0123456789ab')
  })
  it('derives stable version-5 UUIDs', () => {
    const a = deterministicUuid('/etc/xen/web\u0000web')
    expect(a).toBe(deterministicUuid('/etc/xen/web\u0000web'))
    expect(a).not.toBe(deterministicUuid('/etc/xen/db\u0000db'))
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
  it('has a correct SHA-1', () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(hex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709')
    expect(hex(sha1(new TextEncoder().encode('a'.repeat(1000))))).toBe('291e9a6c66994949b57ba5e650361e98fc36b1ba')
  })
})

describe('xl cpuid (xenParseXLCPUID)', () => {
  it('translates names and policies', () => {
    expect(parseXlCpuid('host,tm=0,sse3=1,page1gb=x,aes=k,avx=s')).toEqual({
      features: [
        {policy: 'disable', name: 'tm'},
        {policy: 'force', name: 'pni'},
        {policy: 'optional', name: 'pdpe1gb'},
        {policy: 'optional', name: 'aes'},
        {policy: 'optional', name: 'avx'},
      ],
    })
    expect(parseXlCpuid('host')).toEqual({features: []})
  })
  it('rejects the xend form and bad values', () => {
    expect(parseXlCpuid('1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1')).toEqual({error: expect.stringMatching(/cpuid starting with 1:ecx=/)})
    expect(parseXlCpuid('host,tm=2')).toEqual({error: 'Invalid libxl cpuid value: tm=2'})
    expect(parseXlCpuid('host,tm')).toEqual({error: expect.stringMatching(/key=value/)})
  })
})

describe('xl vnuma (xenParseXLVnuma)', () => {
  const node = (p: number, size: number, cpus: string, d: string) => [`pnode=${p}`, `size=${size}`, `vcpus=${cpus}`, `vdistances=${d}`]
  it('builds cells with sizes in KiB and distances', () => {
    const r = parseVnuma([node(0, 2048, '0-1', '10,21'), node(1, 1024, '2-3', '21,10')])
    expect(r).toEqual({
      vcpus: 4,
      cells: [
        {id: 0, cpus: '0-1', memoryKiB: 2097152, distances: [{id: 0, value: 10}, {id: 1, value: 21}]},
        {id: 1, cpus: '2-3', memoryKiB: 1048576, distances: [{id: 0, value: 21}, {id: 1, value: 10}]},
      ],
    })
  })
  it('rejects incomplete or inconsistent vnodes', () => {
    expect(parseVnuma([['pnode=0', 'size=2048']])).toEqual({error: expect.stringMatching(/Incomplete vnuma configuration for vnode 0/)})
    expect(parseVnuma([node(0, 2048, '0', '10,20')])).toEqual({error: expect.stringMatching(/doesn't fit the number of specified vnodes 1/)})
    expect(parseVnuma([node(5, 2048, '0', '10')])).toEqual({error: expect.stringMatching(/invalid pnode value '5'/)})
    expect(parseVnuma([['pnode=0', 'size=1', 'vcpus=0', 'bogus=1']])).toEqual({error: expect.stringMatching(/Invalid vnuma configuration/)})
  })
})
