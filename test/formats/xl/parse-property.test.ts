import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {ConfigValue} from '../../../src/model/native-config.js'
import {parseXlConfig} from '../../../src/formats/xl/parse.js'

type Lit = {value: ConfigValue; src: string}

// xl strings: one line, escapes as xlu__cfgl_dequote.
const xlString = fc
  .tuple(fc.string({unit: fc.oneof(fc.constantFrom('"', "'", '\\', '\t', '\n', '#', ',', ']', ' '), fc.string({minLength: 1, maxLength: 1}))}), fc.constantFrom('"', "'"))
  .map(([s, q]): Lit => {
    let body = ''
    for (const ch of s) {
      if (ch === '\\' || ch === q) body += `\\${ch}`
      else if (ch === '\n') body += '\\n'
      else if (ch === '\r') body += '\\r'
      else if (ch === '\t') body += '\\t'
      else body += ch
    }
    return {value: s, src: `${q}${body}${q}`}
  })

const xlNumber = fc.tuple(fc.nat({max: 2 ** 31}), fc.boolean()).map(([n, hex]): Lit => ({value: n, src: hex ? `0x${n.toString(16)}` : `${n}`}))

const {lit: xlValue} = fc.letrec<{lit: Lit}>((tie) => ({
  lit: fc.oneof(
    {depthSize: 'small'},
    xlString,
    xlNumber,
    fc.tuple(fc.array(tie('lit'), {maxLength: 4}), fc.constantFrom(', ', ',\n  ', ' ,'), fc.boolean()).map(
      ([items, sep, trailing]): Lit => ({
        value: items.map((x) => x.value),
        src: `[ ${items.map((x) => x.src).join(sep)}${trailing && items.length > 0 ? ',' : ''} ]`,
      }),
    ),
  ),
}))

describe('property: printing a value as xl and parsing gives it back', () => {
  it('strings, numbers, nested lists', () => {
    fc.assert(
      fc.property(xlValue, fc.constantFrom('', ' # c', ';'), (lit, tail) => {
        const {config, diagnostics} = parseXlConfig(`memory = 1\nvalue = ${lit.src}${tail}\nname = "after"\n`)
        expect(diagnostics).toEqual([])
        expect(config.entries.find((e) => e.key === 'value')?.value).toEqual(lit.value)
        expect(config.entries.at(-1)?.value).toBe('after')
      }),
      {numRuns: 400},
    )
  })
})

describe('property: junk never throws and every finding is located', () => {
  const piece = fc.oneof(
    fc.string(),
    fc.constantFrom('[', ']', '"', "'", '\\', '\n', '\r\n', '=', '+=', ',', ';', '#', '-', '(', ':', 'name', 'Memory', '0x', '\x00'),
  )
  it('token soup', () => {
    fc.assert(
      fc.property(fc.array(piece, {maxLength: 40}), (pieces) => {
        const {diagnostics} = parseXlConfig(pieces.join(' '))
        for (const d of diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.column).toBeGreaterThanOrEqual(1)
        }
      }),
      {numRuns: 1000},
    )
  })
  it('arbitrary unicode strings', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => void parseXlConfig(text)), {numRuns: 500})
  })
})
