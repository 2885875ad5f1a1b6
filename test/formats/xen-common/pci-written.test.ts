import {describe, expect, it} from 'vitest'
import {parsePciSpec, pciWritten} from '../../../src/formats/xen-common/pci-spec.js'

describe('pciWritten: a pci string as written', () => {
  it('splits the address, xl\'s @VSLOT and the options; libvirt\'s reading refuses the slot', () => {
    expect(pciWritten('0000:01:00.0@3,msitranslate=1, permissive=1,')).toEqual({address: '0000:01:00.0', vslot: '@3', options: ['msitranslate=1', 'permissive=1']})
    expect(pciWritten('02:00.1')).toEqual({address: '02:00.1', options: []})
    expect('error' in parsePciSpec('0000:01:00.0@3')).toBe(true)
  })
})
