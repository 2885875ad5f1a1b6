import {describe, expect, it} from 'vitest'
import {parsePciSpec} from '../../../src/formats/xen-common/pci-spec.js'

const ok = (spec: string) => {
  const r = parsePciSpec(spec)
  if ('error' in r) throw new Error(r.error)
  return r.hostdev
}
const err = (spec: string) => {
  const r = parsePciSpec(spec)
  if (!('error' in r)) throw new Error(`expected an error for '${spec}'`)
  return r.error
}

describe('PCI specs (xenParsePCI)', () => {
  it('reads [DDDD:]BB:SS.F in hex, a missing domain being 0', () => {
    expect(ok('0001:0c:1b.2')).toEqual({mode: 'subsystem', type: 'pci', managed: false, pci: {domain: 1, bus: 12, slot: 27, function: 2}})
    expect(ok('01:13.0').pci).toEqual({domain: 0, bus: 1, slot: 0x13, function: 0})
    expect(ok('1:0.0').pci).toEqual({domain: 0, bus: 1, slot: 0, function: 0})
  })
  it('does not range-check', () => {
    expect(ok('10000:00:20.8').pci).toEqual({domain: 0x10000, bus: 0, slot: 0x20, function: 8})
  })
  it('reads permissive and drops the other options', () => {
    expect(ok('01:00.0,permissive=1').permissive).toBe(true)
    expect(ok('01:00.0,permissive=0').permissive).toBe(false)
    const h = ok('01:00.0,msitranslate=1,power_mgmt=1,seize=1')
    expect(h.permissive).toBeUndefined()
    expect(h.droppedOptions).toEqual(['msitranslate=1', 'power_mgmt=1', 'seize=1'])
    expect(err('01:00.0,permissive=yes')).toMatch(/permissive=yes is not a number/)
  })
  it('rejects what libvirt rejects, saying why', () => {
    expect(err('01:00.0@3')).toMatch(/@VSLOT/)
    expect(err('01:00.0 ')).toMatch(/function '0 ' is not a hex number/)
    expect(err('01:00.*')).toMatch(/function/)
    expect(err('BDF=01:00.0')).toMatch(/is not a hex number/)
    expect(err('0000:01:00.0.1')).toMatch(/function '0.1'/)
    expect(err('01:0g.0')).toMatch(/slot '0g'/)
    expect(err('01:00')).toBe('Malformed PCI address 00')
    expect(err('01:00.0,,permissive=1')).toBe('Malformed PCI options ')
  })
  it('reports the specs that crash libvirt 9.0 as errors', () => {
    expect(err('')).toMatch(/empty PCI entry/)
    expect(err('01')).toMatch(/no slot.function/)
  })
})
