import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

// Hostile inputs: the parser must return located diagnostics, never throw, never recurse or
// allocate without bound. (Speed is measured by the benchmarks, not asserted here.)
describe('parseXmConfig on hostile input', () => {
  it('100 000 nested brackets: one located error, the next line still read', () => {
    const {config, diagnostics} = parseXmConfig(`x = ${'['.repeat(100_000)}\nmemory = 64\n`)
    expect(diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['SYNTAX@1'])
    expect(diagnostics[0]?.message).toMatch(/too many nested brackets/)
    expect(lastEntry(config, 'memory')?.value).toBe(64)
  })

  it('100 000 unary minus signs / nots / ** are refused, not recursed into', () => {
    for (const expr of ['-'.repeat(100_000) + '1', 'not '.repeat(100_000) + '1', '2**'.repeat(50_000) + '2']) {
      const {config, diagnostics} = parseXmConfig(`x = ${expr}\nmemory = 64`)
      expect(diagnostics[0]).toMatchObject({code: 'SYNTAX', line: 1})
      expect(diagnostics[0]?.message).toMatch(/nested too deeply/)
      expect(lastEntry(config, 'memory')?.value).toBe(64)
    }
  })

  it('a 10 MB config (all of it read)', () => {
    const block = 'name = "vm"\nmemory = 512\nvif = [ "bridge=xenbr0", "mac=00:16:3e:00:00:01" ]\ndisk = [ "phy:/dev/vg/a,xvda,w" ]\n'
    const text = `${block.repeat(Math.ceil(10_000_000 / block.length))}last = 1\n`
    const {config, diagnostics} = parseXmConfig(text)
    expect(config.entries.at(-1)).toMatchObject({key: 'last', value: 1})
    expect(diagnostics.every((d) => d.code === 'PY-DUPKEY')).toBe(true)
  })

  it('an unbalanced bracket does not swallow the file', () => {
    const {config, diagnostics} = parseXmConfig('disk = [ "phy:a,xvda,w",\nmemory = 64\nname = "x"\n')
    expect(diagnostics[0]).toMatchObject({code: 'SYNTAX', line: 1, column: 8})
    expect(diagnostics[0]?.message).toMatch(/never closed/)
    expect(config.entries.map((e) => e.key)).toEqual(['memory', 'name'])
  })

  it('a bracket never closed at end of file', () => {
    const {diagnostics} = parseXmConfig(`disk = [\n${'  "a",\n'.repeat(100_000)}`)
    expect(diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', line: 1, column: 8})])
  })

  it('NUL bytes and binary data', () => {
    const nul = parseXmConfig('\u0000'.repeat(1_000_000))
    expect(nul.diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', line: 1, column: 1})])
    let bin = ''
    for (let i = 0; i < 300_000; i++) bin += String.fromCharCode((i * 7919) % 256)
    const r = parseXmConfig(bin)
    for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1)
    // At most one syntax error per physical line (plus its XL-SYNTAX note), never one per byte.
    expect(r.diagnostics.length).toBeLessThanOrEqual(2 * bin.split(/\r\n|\r|\n/).length)
  })

  it('an unterminated triple-quoted string: error at its start, the following lines read', () => {
    const {config, diagnostics} = parseXmConfig('extra = """abc\nmemory = 64\nname = "x"\n')
    expect(diagnostics[0]).toMatchObject({code: 'SYNTAX', line: 1, column: 9})
    expect(lastEntry(config, 'name')?.value).toBe('x')
  })

  it('values built from names: deep nesting and shared sub-values stay bounded', () => {
    for (const text of ['a = []\n' + 'a = [a]\n'.repeat(20_000), 'a = []\n' + 'a = [a, a]\n'.repeat(200), 'a = 1\n' + 'a = a, a\n'.repeat(200), 'a = {}\n' + 'a = {"k": a, "j": a}\n'.repeat(200)]) {
      const {config, diagnostics} = parseXmConfig(`${text}memory = 64\n`)
      expect(diagnostics.filter((d) => d.message.includes('internal'))).toEqual([])
      expect(config.entries.at(-1)).toMatchObject({key: 'memory', value: 64})
      expect(config.entries.at(-2)?.value).toBeUndefined()
    }
  })

  it('values that would explode are left unknown', () => {
    const text = 'a = "x" * 10**9\nb = 1 << 10**9\nc = 10 ** 10 ** 10\nd = "%0999999999d" % 1\ne = "ab"\n' + 'e = e + e\n'.repeat(40)
    const {config} = parseXmConfig(text)
    for (const k of ['a', 'b', 'c', 'd']) expect(lastEntry(config, k)?.value, k).toBeUndefined()
    expect(lastEntry(config, 'e')?.value).toBeUndefined()
  })
})
