import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {ConfigValue} from '../../../src/model/native-config.js'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

/** A Python literal: the value it must parse to and one of the ways to write it. */
type Lit = {value: ConfigValue; src: string}

const pyString = fc
  .tuple(fc.string({unit: fc.oneof(fc.constantFrom("'", '"', '\\', '\n', '\t', '\r', '\x00', '\x7f', '#', ' '), fc.string({minLength: 1, maxLength: 1}), fc.constantFrom('é', '€', '😀'))}), fc.constantFrom("'", '"', '"""'))
  .map(([s, q]): Lit => {
    let body = ''
    for (const ch of s) {
      const c = ch.codePointAt(0) ?? 0
      if (ch === '\\') body += '\\\\'
      else if (ch === q || ch === "'" || ch === '"') body += `\\${ch}`
      else if (ch === '\n') body += '\\n'
      else if (ch === '\r') body += '\\r'
      else if (c < 32 || c === 127) body += `\\x${c.toString(16).padStart(2, '0')}`
      else body += ch
    }
    return {value: s, src: `${q}${body}${q}`}
  })

const pyInt = fc
  .tuple(fc.integer({min: -1_000_000_000, max: 1_000_000_000}), fc.constantFrom('dec', 'hex', 'oct', 'long'))
  .map(([n, style]): Lit => {
    const sign = n < 0 ? '-' : ''
    const a = Math.abs(n)
    const body = style === 'hex' ? `0x${a.toString(16)}` : style === 'oct' && a > 0 ? `0${a.toString(8)}` : style === 'long' ? `${a}L` : `${a}`
    return {value: n, src: `${sign}${body}`}
  })

const pyFloat = fc.double({noNaN: true, noDefaultInfinity: true}).map((x): Lit => {
  const s = Object.is(x, -0) ? '-0.0' : String(x)
  return {value: x, src: /[.e]/.test(s) ? s : `${s}.0`}
})

const pyAtom: fc.Arbitrary<Lit> = fc.oneof(
  pyString,
  pyInt,
  pyFloat,
  fc.constantFrom<Lit>({value: true, src: 'True'}, {value: false, src: 'False'}, {value: null, src: 'None'}),
)

const {lit: pyLiteral} = fc.letrec<{lit: Lit}>((tie) => ({
  lit: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    pyAtom,
    fc.array(tie('lit'), {maxLength: 4}).chain((items) =>
      fc.constantFrom(', ', ',\n    ', ' ,').chain((sep) =>
        fc.constantFrom<Lit>(
          {value: items.map((x) => x.value), src: `[${items.map((x) => x.src).join(sep)}]`},
          {value: items.map((x) => x.value), src: `[${items.map((x) => `${x.src},`).join(' ')}]`},
          {value: items.map((x) => x.value), src: items.length === 1 ? `(${items[0]?.src},)` : `(${items.map((x) => x.src).join(sep)})`},
        ),
      ),
    ),
    fc.array(fc.tuple(pyString, tie('lit')), {maxLength: 3}).map(
      (kvs): Lit => ({
        value: Object.fromEntries(kvs.map(([k, v]) => [k.value as string, v.value])),
        src: `{${kvs.map(([k, v]) => `${k.src}: ${v.src}`).join(', ')}}`,
      }),
    ),
  ),
}))

describe('property: printing a literal as Python and parsing gives the value back', () => {
  it('any literal value, in any quoting/number style, inside a statement', () => {
    fc.assert(
      fc.property(pyLiteral, fc.constantFrom('', '  # comment', ';'), (lit, tail) => {
        // Dict keys repeat in generated data; Python keeps the last one, as Object.fromEntries does.
        const {config, diagnostics} = parseXmConfig(`memory = 1\nvalue = ${lit.src}${tail}\nname = "after"\n`)
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        const e = config.entries.find((x) => x.key === 'value')
        expect(e?.value).toEqual(lit.value)
        expect(e?.computed).toBe(false)
        expect(config.entries.at(-1)?.value).toBe('after')
      }),
      {numRuns: 400},
    )
  })

  it('string concatenation and %-formatting of literals are evaluated', () => {
    fc.assert(
      fc.property(pyString, pyString, fc.integer({min: -99999, max: 99999}), (a, b, n) => {
        const {config} = parseXmConfig(`x = ${a.src} + ${b.src}\ny = "%d-%s" % (${n}, ${b.src})\n`)
        expect(config.entries[0]).toMatchObject({value: `${a.value}${b.value}`, computed: true})
        expect(config.entries[1]).toMatchObject({value: `${n}-${b.value}`, computed: true})
      }),
    )
  })

  it('integer arithmetic follows Python 2 (floor division, sign of modulo)', () => {
    fc.assert(
      fc.property(fc.integer({min: -10000, max: 10000}), fc.integer({min: -100, max: 100}).filter((d) => d !== 0), (a, d) => {
        const {config} = parseXmConfig(`q = ${a} / ${d}\nr = ${a} % ${d}\n`)
        const q = Math.floor(a / d) + 0 // Python has no negative zero int
        expect(config.entries[0]?.value).toBe(q)
        expect(config.entries[1]?.value).toBe(a - q * d)
      }),
    )
  })
})

const junkPiece = fc.oneof(
  fc.string(),
  fc.constantFrom('[', ']', '(', ')', '{', '}', '"', "'", '"""', "'''", '\\', '\\\n', '\n', '\r\n', '    ', '\t', ':', ',', ';', '=', '+=', '%', '**', '-', '#', '\x00'),
  fc.constantFrom('if x:', 'else:', 'def f(', 'lambda', 'import os', 'for i in', 'vmid', 'True', 'u"', 'r"', '0x', '1e', '07', '9L', 'not', 'print'),
)

describe('property: junk never throws and every finding is located', () => {
  it('random text and token soup', () => {
    fc.assert(
      fc.property(fc.array(junkPiece, {maxLength: 40}), (pieces) => {
        const text = pieces.join(' ')
        const {config, diagnostics} = parseXmConfig(text, {file: 'junk.cfg'})
        for (const d of diagnostics) {
          expect(d.message).not.toMatch(/internal parser error/)
          expect(d.line).toBeGreaterThanOrEqual(1)
          expect(d.column).toBeGreaterThanOrEqual(1)
        }
        for (const e of config.entries) expect(e.loc.line).toBeGreaterThanOrEqual(1)
      }),
      {numRuns: 1000},
    )
  })

  it('arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => {
        const {diagnostics} = parseXmConfig(text)
        for (const d of diagnostics) expect(d.message).not.toMatch(/internal parser error/)
      }),
      {numRuns: 500},
    )
  })
})
