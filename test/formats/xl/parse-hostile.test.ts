import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXlConfig} from '../../../src/formats/xl/parse.js'

describe('parseXlConfig on hostile input', () => {
  it('a 10 MB config', () => {
    const block = 'name = "vm"\nmemory = 512\nvif = [ "bridge=xenbr0", "mac=00:16:3e:00:00:01" ]\n'
    const {config} = parseXlConfig(`${block.repeat(Math.ceil(10_000_000 / block.length))}last = 1\n`)
    expect(config.entries.at(-1)).toMatchObject({key: 'last', value: 1})
  })
  it('NUL bytes: one error per line, not per byte', () => {
    const {diagnostics} = parseXlConfig(`${'\u0000'.repeat(1_000_000)}\nname = "a"`)
    expect(diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', line: 1, column: 1})])
  })
  it('an unclosed list at end of file', () => {
    const {diagnostics} = parseXlConfig(`disk = [\n${'  "a",\n'.repeat(100_000)}`)
    expect(diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX'})])
  })
  it('100 000 nested lists', () => {
    const {config, diagnostics} = parseXlConfig(`x = ${'['.repeat(100_000)}\nname = "a"\n`)
    expect(diagnostics[0]?.message).toMatch(/nested more than 200/)
    expect(lastEntry(config, 'name')?.value).toBe('a')
  })
})
