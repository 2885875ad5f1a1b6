import {describe, expect, it} from 'vitest'
import {MAX_DEPTH, parseSxp} from '../../../src/formats/sxp/parser.js'
import type {SxpAtom, SxpList, SxpNode} from '../../../src/formats/sxp/sxp-node.js'

function only(text: string): SxpList {
  const r = parseSxp(text)
  expect(r.diagnostics).toEqual([])
  expect(r.nodes).toHaveLength(1)
  return r.nodes[0] as SxpList
}

function atoms(node: SxpNode): string[] {
  return node.kind === 'atom' ? [node.value] : node.items.flatMap(atoms)
}

function atomAt(list: SxpList, i: number): SxpAtom {
  const a = list.items[i]
  if (!a || a.kind !== 'atom') throw new Error(`item ${i} is not an atom`)
  return a
}

describe('parseSxp: atoms and strings (xend sxp.py rules)', () => {
  it('reads bare atoms up to whitespace, parens and #', () => {
    expect(atoms(only('(domain (name vm1)(memory 512)#c\n)'))).toEqual(['domain', 'name', 'vm1', 'memory', '512'])
  })

  it('reads single- and double-quoted strings and records how they were written', () => {
    const l = only(`(a 'x y' "Bob's VM" plain)`)
    expect(atomAt(l, 1)).toMatchObject({value: 'x y', quote: 'single', escaped: false})
    expect(atomAt(l, 2)).toMatchObject({value: "Bob's VM", quote: 'double', escaped: false})
    expect(atomAt(l, 3)).toMatchObject({value: 'plain', quote: 'none'})
  })

  it('decodes every xend escape', () => {
    const l = only(String.raw`(a 'q\'d\"\\\a\b\t\n\v\f\r' '\x41\x4a\101\7' '\q\x')`)
    expect(atomAt(l, 1).value).toBe('q\'d"\\\x07\b\t\n\v\f\r')
    expect(atomAt(l, 1).escaped).toBe(true)
    expect(atomAt(l, 2).value).toBe('AJA\x07')
    // Unknown escapes keep the backslash (xend).
    expect(atomAt(l, 3).value).toBe('\\q\\x')
  })

  it('decodes escaped UTF-8 bytes (Python 2 repr of a UTF-8 string)', () => {
    expect(atomAt(only(String.raw`(d 'caf\xc3\xa9')`), 1).value).toBe('café')
    // Not valid UTF-8: kept byte for byte as Latin-1.
    expect(atomAt(only(String.raw`(d '\xe9t\xe9')`), 1).value).toBe('\u00e9t\u00e9')
  })

  it('limits octal escapes to 3 digits and 0xff', () => {
    expect(atomAt(only(String.raw`(d '\1011' '\777')`), 1).value).toBe('A1')
    expect(atomAt(only(String.raw`(d '\1011' '\777')`), 2).value).toBe('?7')
  })

  it('joins backslash-newline continuations, also inside strings (libvirt vectors)', () => {
    const l = only("(d (args 'a/\\\nb')\\\n(x y) ab\\\ncd)")
    expect(atoms(l)).toEqual(['d', 'args', 'a/b', 'x', 'y', 'abcd'])
    const r = parseSxp("(a 'x')\\\n(b c)\\\r\n")
    expect(r.diagnostics).toEqual([])
    expect(r.nodes).toHaveLength(2)
  })

  it('keeps `[`-style separators as one-character atoms', () => {
    expect(atoms(only('(cpus [0;1])'))).toEqual(['cpus', '[', '0', ';', '1', ']'])
  })

  it('reads several top-level (domain …) lists (xm list -l)', () => {
    const r = parseSxp('(domain (name a))\n(domain (name b))\n')
    expect(r.nodes.map((n) => atoms(n)[2])).toEqual(['a', 'b'])
  })

  it('locates every node by 1-based line and column, and carries the file', () => {
    const r = parseSxp("(domain\n    (name 'x')\n)", {file: 'c.sxp'})
    const root = r.nodes[0] as SxpList
    expect(root.loc).toEqual({file: 'c.sxp', line: 1, column: 1})
    const name = root.items[1] as SxpList
    expect(name.loc).toEqual({file: 'c.sxp', line: 2, column: 5})
    expect((name.items[1] as SxpAtom).loc).toEqual({file: 'c.sxp', line: 2, column: 11})
  })

  it('ignores a byte-order mark', () => {
    expect(atoms(only('\uFEFF(a b)'))).toEqual(['a', 'b'])
  })
})

describe('parseSxp: errors are located diagnostics, never exceptions', () => {
  it('EOF inside a string is an error located at the string', () => {
    const r = parseSxp("(domain (name 'oops)\n")
    expect(r.diagnostics).toEqual([
      expect.objectContaining({code: 'SYNTAX', severity: 'error', line: 1, column: 15, message: expect.stringContaining('quoted string')}),
    ])
  })

  it('EOF inside a list closes it with a warning (libvirt does; xend rejects)', () => {
    const r = parseSxp('(domain (name a)\n(memory 5)')
    expect(r.nodes).toHaveLength(1)
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', severity: 'warning', line: 2, column: 11})])
    expect(r.diagnostics[0]?.message).toMatch(/line 1, column 1 is not closed/)
  })

  it('EOF with more than the outermost list open is a truncated file: an error', () => {
    const r = parseSxp('(domain (name a)\n(device (vbd (dev xvda')
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', severity: 'error', line: 2, column: 23})])
    expect(r.diagnostics[0]?.message).toMatch(/4 lists left open \(innermost opened at line 2, column 14\)/)
  })

  it('a stray ) before any expression is an error; after one it is a warning', () => {
    expect(parseSxp(')(a)').diagnostics).toEqual([expect.objectContaining({severity: 'error', line: 1, column: 1})])
    const r = parseSxp('(a b))\n(c d)')
    expect(r.nodes).toHaveLength(2)
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', severity: 'warning', line: 1, column: 6})])
  })

  it('a NUL byte or a control character is binary junk', () => {
    expect(parseSxp('(a\u0000b)').diagnostics).toEqual([expect.objectContaining({severity: 'error', line: 1, column: 3, message: expect.stringContaining('NUL')})])
    expect(parseSxp('(a\n \u0001)').diagnostics).toEqual([expect.objectContaining({severity: 'error', line: 2, column: 2})])
    expect(parseSxp("(a '\u0000')").diagnostics[0]?.severity).toBe('error')
    expect(parseSxp('(a \ufffd)').diagnostics[0]?.message).toMatch(/UTF-8/)
  })

  it('text outside any list is reported once and dropped', () => {
    const r = parseSxp('junk (a) more')
    expect(r.nodes).toHaveLength(1)
    expect(r.diagnostics).toEqual([expect.objectContaining({severity: 'warning', line: 1, column: 1})])
  })

  it('refuses nesting deeper than the limit with a located error, without overflowing', () => {
    const deep = '('.repeat(200_000) + ')'.repeat(200_000)
    const r = parseSxp(deep)
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', severity: 'error', line: 1, column: MAX_DEPTH + 1})])
    expect(parseSxp('((((a))))', {maxDepth: 3}).diagnostics[0]?.message).toMatch(/deeper than 3/)
  })
})
