import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseSxp} from '../../../src/formats/sxp/parser.js'
import {formatAtom, printSxp} from '../../../src/formats/sxp/print.js'
import type {SxpList, SxpNode} from '../../../src/formats/sxp/sxp-node.js'

const loc = {line: 1, column: 1}
const atom = (value: string): SxpNode => ({kind: 'atom', value, quote: 'none', escaped: false, loc})
const list = (...items: SxpNode[]): SxpList => ({kind: 'list', items, loc})

/** The tree's shape without locations or quoting details. */
function shape(n: SxpNode): unknown {
  return n.kind === 'atom' ? n.value : n.items.map(shape)
}

describe('formatAtom: xend quoting (sxp.py + Python 2 repr)', () => {
  it('writes safe atoms bare', () => {
    expect(formatAtom('file:/var/lib/xen/a-b_c.img')).toBe('file:/var/lib/xen/a-b_c.img')
    expect(formatAtom('~x')).toBe('~x')
    expect(formatAtom('@')).toBe('@')
  })

  it('single-quotes anything else, double quotes when the text holds only single quotes', () => {
    expect(formatAtom('')).toBe("''")
    expect(formatAtom('w!')).toBe("'w!'")
    expect(formatAtom('root=/dev/xvda1 ro')).toBe("'root=/dev/xvda1 ro'")
    expect(formatAtom("Bob's VM")).toBe(`"Bob's VM"`)
    expect(formatAtom(`it's "x"`)).toBe(String.raw`'it\'s "x"'`)
    expect(formatAtom('a@b')).toBe("'a@b'")
  })

  it('escapes backslash, newline, tab, CR and non-printables as \\xNN (UTF-8 bytes)', () => {
    expect(formatAtom('a\\b\n\t\r\x01\x7f')).toBe(String.raw`'a\\b\n\t\r\x01\x7f'`)
    expect(formatAtom('café')).toBe(String.raw`'caf\xc3\xa9'`)
  })
})

describe('printSxp', () => {
  it('prints a tree on one line', () => {
    expect(printSxp(list(atom('device'), list(atom('vbd'), list(atom('mode'), atom('w!')))))).toBe("(device (vbd (mode 'w!')))")
  })

  it('pretty-prints long lists with 4-space indentation within the width', () => {
    const long = list(atom('domain'), list(atom('name'), atom('x'.repeat(40))), list(atom('uuid'), atom('y'.repeat(40))))
    const text = printSxp(long, {pretty: true})
    expect(text.split('\n')).toEqual(['(domain', `    (name ${'x'.repeat(40)})`, `    (uuid ${'y'.repeat(40)})`, ')'])
    expect(shape(parseSxp(text).nodes[0] as SxpNode)).toEqual(shape(long))
  })
})

/** Arbitrary trees of arbitrary atoms (full Unicode, no lone surrogates: not encodable as UTF-8). */
const atomArb = fc.string({unit: 'binary', maxLength: 12}).map(atom)
const treeArb: fc.Arbitrary<SxpList> = fc.letrec((tie) => ({
  node: fc.oneof({depthSize: 'small', withCrossShrink: true}, atomArb, tie('list')),
  list: fc.array(tie('node'), {maxLength: 5}).map((items) => list(...(items as SxpNode[]))),
})).list as fc.Arbitrary<SxpList>

describe('print → parse round trip (property)', () => {
  it('any atom string survives quoting', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary'}), (s) => {
        const r = parseSxp(`(${formatAtom(s)})`)
        expect(r.diagnostics).toEqual([])
        expect(shape(r.nodes[0] as SxpNode)).toEqual([s])
      }),
      {numRuns: 500},
    )
  })

  it('any tree survives print and pretty print', () => {
    fc.assert(
      fc.property(treeArb, fc.boolean(), (tree, pretty) => {
        const r = parseSxp(printSxp(tree, {pretty}))
        expect(r.diagnostics).toEqual([])
        expect(r.nodes.map(shape)).toEqual([shape(tree)])
      }),
      {numRuns: 300},
    )
  })
})
