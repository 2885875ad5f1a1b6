/**
 * native-text: values printed for one dialect parse back to the same value with that dialect's
 * parser (xl: libxlu rules; xm: Python), for any string; and libvirt's own quoting is kept
 * whenever it reads the same (so the conformance vectors still match).
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {formatNativeConfig, formatNativeValue, type NativeValue} from '../../../src/formats/xen-common/native-text.js'
import {parseXlConfig} from '../../../src/formats/xl/parse.js'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

const anyString = fc.string({unit: fc.oneof(fc.constantFrom('"', "'", '\\', '\n', '\t', '\r', '#', ',', '[', ' ', '\x01', '\x7f', 'é', '"""'), fc.string({minLength: 1, maxLength: 1}))})
const value: fc.Arbitrary<NativeValue> = fc.oneof(anyString, fc.nat(), fc.array(anyString, {maxLength: 3}))

function parsed(dialect: 'xl' | 'xm', v: NativeValue): unknown {
  const text = formatNativeConfig([{key: 'k', value: v}], dialect)
  const r = (dialect === 'xl' ? parseXlConfig : parseXmConfig)(text)
  expect(r.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([])
  return r.config.entries.find((e) => e.key === 'k')?.value
}

describe('formatNativeValue', () => {
  it('keeps libvirt virconf quoting where every reader agrees', () => {
    for (const dialect of ['xl', 'xm', undefined] as const) {
      expect(formatNativeValue('plain', dialect)).toBe('"plain"')
      expect(formatNativeValue('say "hi"', dialect)).toBe(`'say "hi"'`)
      expect(formatNativeValue(['a', 1], dialect)).toBe('[ "a", 1 ]')
      expect(formatNativeValue([], dialect)).toBe('[  ]')
    }
    expect(formatNativeValue(`a"b'c`)).toBe(`"""a"b'c"""`)
    expect(formatNativeValue(`a"b'c`, 'xm')).toBe(`"""a"b'c"""`)
  })

  it('xl: escapes instead of """ and backslashes raw; negative numbers as strings', () => {
    expect(formatNativeValue(`a"b'c`, 'xl')).toBe(`"a\\"b'c"`)
    expect(formatNativeValue('C:\\dir', 'xl')).toBe('"C:\\\\dir"')
    expect(formatNativeValue('a\nb', 'xl')).toBe('"a\\nb"')
    expect(formatNativeValue(-3600, 'xl')).toBe('"-3600"')
    expect(formatNativeValue(-3600, 'xm')).toBe('-3600')
  })

  it('xm: Python-escaped only where Python would read libvirt’s text differently', () => {
    expect(formatNativeValue('a\\:b', 'xm')).toBe('"a\\:b"')
    expect(formatNativeValue('a\\nb', 'xm')).toBe('"a\\\\nb"')
    expect(formatNativeValue(`it's "x"`, 'xm')).toBe(`"it's \\"x\\""`)
    expect(formatNativeValue('a"""b\'', 'xm')).toBe(`"a\\"\\"\\"b'"`)
  })

  it.each(['xl', 'xm'] as const)('property: %s parses back every string, number and list', (dialect) => {
    fc.assert(
      fc.property(value, (v) => {
        expect(parsed(dialect, v)).toEqual(v)
      }),
      {numRuns: 500},
    )
  })
})
