import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXlConfig, xlSyntaxIssues} from '../../../src/formats/xl/parse.js'

const errors = (text: string): string[] =>
  parseXlConfig(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line}:${d.column}`)

describe('parseXlConfig: values', () => {
  it.each([
    ['memory = 512', 512, 'number'],
    ['memory = 0x200', 512, 'hex'],
    // xl reads numbers with strtol(…, 0): a leading 0 is octal.
    ['memory = 010', 8, 'octal'],
    ['name = "vm1"', 'vm1', 'string'],
    ["name = 'vm1'", 'vm1', 'string'],
    ['extra = "a\\tb\\\\c\\"d"', 'a\tb\\c"d', 'string'],
    ['extra = "\\x41\\101"', 'AA', 'string'],
    ['disk = [ "a", "b", ]', ['a', 'b'], 'list'],
    ['disk = []', [], 'list'],
    ['vnuma = [ [ "pnode=0", "size=512" ],\n  [ "pnode=1" ] ]', [['pnode=0', 'size=512'], ['pnode=1']], 'list'],
    ['disk = [\n  "a",\n\n  "b"\n]', ['a', 'b'], 'list'],
    ['cpus = "0-3"  # comment', '0-3', 'string'],
    ['memory = 512\r\n', 512, 'number'],
  ])('%j', (text, value, syntax) => {
    const {config, diagnostics} = parseXlConfig(text)
    expect(diagnostics).toEqual([])
    expect(config.entries[0]).toMatchObject({value, syntax, computed: false})
  })

  it('statements separated by ; and newlines keep file order and location', () => {
    const {config} = parseXlConfig('name = "a"; memory = 64\n\n  vcpus = 2\n', {file: 'd.cfg'})
    expect(config.entries.map((e) => [e.key, e.loc.line, e.loc.column])).toEqual([
      ['name', 1, 1],
      ['memory', 1, 13],
      ['vcpus', 3, 3],
    ])
    expect(config.entries[0]?.loc).toMatchObject({file: 'd.cfg', path: 'name'})
    expect(config.entries[1]?.text).toBe('64')
    expect(config).toMatchObject({format: 'xl', file: 'd.cfg', python: []})
  })

  it('identifiers may hold dots and underscores', () => {
    expect(parseXlConfig('device_model_override = "/q"\nvif.x = 1').config.entries.map((e) => e.key)).toEqual([
      'device_model_override',
      'vif.x',
    ])
  })

  it('an invalid number is kept as text with a warning', () => {
    const {config, diagnostics} = parseXlConfig('memory = 1e5')
    expect(config.entries[0]?.value).toBe('1e5')
    expect(diagnostics).toEqual([expect.objectContaining({code: 'BAD-VALUE', severity: 'warning', line: 1, column: 10})])
  })
})

describe('parseXlConfig: += and duplicates', () => {
  it('+= appends to a list and concatenates strings; keeps op', () => {
    const {config, diagnostics} = parseXlConfig('disk = ["a"]\ndisk += ["b"]\nextra = "x"\nextra += " y"')
    expect(diagnostics).toEqual([])
    expect(lastEntry(config, 'disk')).toMatchObject({value: ['a', 'b'], op: '+=', computed: true})
    expect(lastEntry(config, 'extra')?.value).toBe('x y')
    expect(config.entries).toHaveLength(4)
  })
  it('+= without a previous value is a plain assignment', () => {
    expect(parseXlConfig('extra += "x"').config.entries[0]).toMatchObject({value: 'x', computed: false, op: '+='})
  })
  it('+= of a list to a string is an error', () => {
    expect(parseXlConfig('extra = "x"\nextra += ["y"]').diagnostics).toEqual([
      expect.objectContaining({code: 'BAD-VALUE', severity: 'error', line: 2, column: 1}),
    ])
  })
  it('duplicate keys: last wins, PY-DUPKEY on each repeat', () => {
    const {config, diagnostics} = parseXlConfig('memory = 1\nmemory = 2\nmemory = 3')
    expect(lastEntry(config, 'memory')?.value).toBe(3)
    expect(diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['PY-DUPKEY@2', 'PY-DUPKEY@3'])
    expect(diagnostics[1]?.message).toContain('first at line 1')
  })
})

describe('parseXlConfig: errors are located, the rest still parses', () => {
  it.each([
    ['Memory = 1\nname = "a"', ['SYNTAX@1:1']],
    ['rtc_timeoffset = -3600\nname = "a"', ['SYNTAX@1:18']],
    ['arch = os.uname()[4]\nname = "a"', ['SYNTAX@1:8']],
    ['acpi = True\nname = "a"', ['SYNTAX@1:8']],
    ['memory = \nname = "a"', ['SYNTAX@1:10']],
    ['extra = "abc\nname = "a"', ['SYNTAX@1:9']],
    ['extra = "\\q"\nname = "a"', ['SYNTAX@1:9']],
    ['disk = [ "a" "b" ]\nname = "a"', ['SYNTAX@1:14']],
    ['disk = [,]\nname = "a"', ['SYNTAX@1:9']],
    // xl reports `name` where a list value is expected; we also resume at that statement.
    ['disk = [ "a",\n  "b",\nname = "a"', ['SYNTAX@3:1']],
    ['memory = 1 2\nname = "a"', ['SYNTAX@1:12']],
    ['memory == 1\nname = "a"', ['SYNTAX@1:9']],
    ['x = 1;; name = "a"', []],
  ])('%j', (text, want) => {
    expect(errors(text)).toEqual(want)
    expect(lastEntry(parseXlConfig(text).config, 'name')?.value).toBe('a')
  })

  it("`+ - . ( ) :` get xl's hint that the file looks like Python", () => {
    const [minus] = parseXlConfig('rtc_timeoffset = -3600').diagnostics
    expect(minus?.hint).toMatch(/looks like Python/)
    const [call] = parseXlConfig('arch = os.uname()[4]').diagnostics
    expect(call?.hint).toMatch(/looks like Python/)
    const [upper] = parseXlConfig('Memory = 1').diagnostics
    expect(upper?.hint).toBeUndefined()
  })

  it('lists nested deeper than 200 are refused, not recursed into', () => {
    const {diagnostics} = parseXlConfig(`x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\nname = "a"`)
    expect(diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', line: 1})])
  })
})

describe('xlSyntaxIssues', () => {
  it('one info finding per line xl rejects', () => {
    const ds = xlSyntaxIssues('import os\nMemory = 1\nname = "ok"\nx = -1', {file: 'a.cfg'})
    expect(ds.map((d) => `${d.code}/${d.severity}@${d.file}:${d.line}`)).toEqual([
      'XL-SYNTAX/info@a.cfg:1',
      'XL-SYNTAX/info@a.cfg:2',
      'XL-SYNTAX/info@a.cfg:4',
    ])
    expect(ds[0]?.message).toMatch(/^not valid xl syntax: /)
  })
  it('nothing for a valid xl file', () => {
    expect(xlSyntaxIssues('name = "a"\nmemory = 0x10\n')).toEqual([])
  })
})
