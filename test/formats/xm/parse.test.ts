import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

const codes = (text: string): string[] => parseXmConfig(text).diagnostics.map((d) => d.code)

describe('parseXmConfig: literals', () => {
  it.each([
    ['memory = 512', 512, 'number', 'int'],
    ['name = "vm1"', 'vm1', 'string', 'str'],
    ["name = 'vm1'", 'vm1', 'string', 'str'],
    ['extra = """a\nb"""', 'a\nb', 'triple-string', 'str'],
    ["vif = [ '', 'bridge=xenbr0', ]", ['', 'bridge=xenbr0'], 'list', 'list'],
    ['memory = 0x200', 512, 'hex', 'int'],
    ['memory = 0755', 493, 'octal', 'int'],
    ['memory = 2L', 2, 'number', 'long'],
    ['memory = 1.5', 1.5, 'float', 'float'],
    ['acpi = True', true, 'bool', 'bool'],
    ['x = None', null, 'none', 'NoneType'],
    ['x = (1, "a")', [1, 'a'], 'tuple', 'tuple'],
    ['x = {"a": 1}', {a: 1}, 'dict', 'dict'],
    ["x = u'abc'", 'abc', 'prefixed-string', 'unicode'],
    ["x = r'a\\nb'", 'a\\nb', 'prefixed-string', 'str'],
    ['rtc_timeoffset = -3600', -3600, 'number', 'int'],
  ])('%s', (text, value, syntax, pyType) => {
    const {config} = parseXmConfig(text)
    const e = config.entries[0]
    expect(e?.value).toEqual(value)
    expect(e?.syntax).toBe(syntax)
    expect(e?.pythonType).toBe(pyType)
    expect(e?.computed).toBe(false)
  })
})

describe('parseXmConfig: computed values', () => {
  it.each([
    ['name = "vm%d" % 3', 'vm3'],
    ['name = "%s-%s" % ("a", "b")', 'a-b'],
    ['memory = 256 * 4', 1024],
    ['memory = 7 / 2', 3],
    ["device_model = '/usr/' + 'lib' + '/xen/bin/qemu-dm'", '/usr/lib/xen/bin/qemu-dm'],
    ['disk = ["a"] + ["b"]', ['a', 'b']],
    ["name = 'a' 'b'", 'ab'],
    ['base = 512\nmemory = base * 2', 1024],
  ])('%s', (text, value) => {
    const {config, diagnostics} = parseXmConfig(text)
    const e = config.entries[config.entries.length - 1]
    expect(e?.value).toEqual(value)
    expect(e?.computed).toBe(true)
    expect(e?.syntax).toBe('expression')
    const expr = config.python.find((p) => p.rule === 'PY-EXPR')
    expect(expr?.computedValue).toEqual(value)
    expect(diagnostics.some((d) => d.code === 'PY-EXPR' && d.severity === 'warning')).toBe(true)
  })
})

describe('parseXmConfig: Python constructs', () => {
  it('import, if block, call: located, block assignments not applied', () => {
    const text = [
      'import os, re',
      'arch = os.uname()[4]',
      "if re.search('64', arch):",
      "    arch_libdir = 'lib64'",
      'else:',
      "    arch_libdir = 'lib'",
      "memory = 512",
      "device_model = '/usr/' + arch_libdir + '/bin/qemu-dm'",
    ].join('\n')
    const {config} = parseXmConfig(text, {file: 'hvm.cfg'})
    const rules = config.python.map((p) => `${p.rule}@${p.loc.line}:${p.loc.column}`)
    expect(rules).toEqual(['PY-IMPORT@1:1', 'PY-EXPR@2:8', 'PY-CONTROL@3:1', 'PY-EXPR@8:26'])
    expect(config.python[2]?.message).toMatch(/NOT applied: arch_libdir/)
    expect(config.entries.map((e) => e.key)).toEqual(['arch', 'memory', 'device_model'])
    expect(lastEntry(config, 'device_model')?.value).toBeUndefined()
    expect(lastEntry(config, 'memory')?.value).toBe(512)
    expect(config.python[0]?.loc.file).toBe('hvm.cfg')
  })

  it('command-line variables (vmid)', () => {
    const {config} = parseXmConfig('name = "VM%d" % vmid\nmemory = 64')
    expect(config.python).toMatchObject([{rule: 'PY-CMDLINE-VAR', loc: {line: 1, column: 17}}])
    expect(config.entries[0]).toMatchObject({key: 'name', value: undefined, syntax: 'expression', computed: false})
    expect(config.entries[1]?.value).toBe(64)
  })

  it('duplicate keys: all kept, last wins, PY-DUPKEY', () => {
    const {config, diagnostics} = parseXmConfig('memory = 128\nmemory = 256')
    expect(config.entries).toHaveLength(2)
    expect(lastEntry(config, 'memory')?.value).toBe(256)
    expect(diagnostics).toMatchObject([{code: 'PY-DUPKEY', line: 2, column: 1}])
  })

  it('syntax errors are located and parsing continues', () => {
    const {config, diagnostics} = parseXmConfig('name = "x\nmemory = 64\n')
    expect(diagnostics[0]).toMatchObject({code: 'SYNTAX', severity: 'error', line: 1, column: 8})
    expect(lastEntry(config, 'memory')?.value).toBe(64)
  })

  it('plain literal files produce no findings', () => {
    expect(codes('name = "a"\nmemory = 512\nvif = [ "bridge=xenbr0" ]\n')).toEqual([])
  })
})

describe('parseXmConfig: source details', () => {
  it('a UTF-8 byte order mark is accepted (as Python 2 does), columns unchanged', () => {
    const {config, diagnostics} = parseXmConfig('\uFEFFmemory = 64\nname = "a"')
    expect(diagnostics.filter((d) => d.code !== 'XL-SYNTAX')).toEqual([])
    expect(config.entries[0]).toMatchObject({key: 'memory', value: 64, loc: {line: 1, column: 1}})
  })

  it('CRLF and lone CR line ends', () => {
    const {config, diagnostics} = parseXmConfig('memory = 64\r\nname = "a"\rvcpus = 2')
    // Python takes a lone CR as a line end; xl's scanner does not (only an info note).
    expect(diagnostics.map((d) => `${d.code}/${d.severity}`)).toEqual(['XL-SYNTAX/info'])
    expect(config.entries.map((e) => `${e.key}@${e.loc.line}`)).toEqual(['memory@1', 'name@2', 'vcpus@3'])
  })

  it('entry text is the value as written, across lines', () => {
    const {config} = parseXmConfig('disk = [ "a",\n         "b" ]  # two disks')
    expect(config.entries[0]?.text).toBe('[ "a",\n         "b" ]')
  })

  it('a = b = value binds both names', () => {
    const {config} = parseXmConfig('memory = maxmem = 512')
    expect(config.entries.map((e) => [e.key, e.value])).toEqual([
      ['memory', 512],
      ['maxmem', 512],
    ])
  })

  it('augmented assignment is evaluated with Python semantics and marked +=', () => {
    const {config} = parseXmConfig('extra = "a"\nextra += " b"\ndisk = ["x"]\ndisk += ["y"]\nmemory = 2\nmemory *= 3 + 1')
    expect(config.entries.filter((e) => e.op === '+=').map((e) => [e.key, e.value, e.computed])).toEqual([
      ['extra', 'a b', true],
      ['disk', ['x', 'y'], true],
      ['memory', 8, true],
    ])
  })

  it('mutating a bound variable makes its value unknown', () => {
    const {config} = parseXmConfig('vif = ["a"]\nvif.append("b")\ndisk = ["x"]\ndisk[0] = "y"\nname = "n"\ndel name')
    expect(lastEntry(config, 'vif')?.value).toBeUndefined()
    expect(lastEntry(config, 'disk')?.value).toBeUndefined()
    expect(lastEntry(config, 'name')?.value).toBeUndefined()
  })

  it('Python 2 number and string semantics', () => {
    const {config} = parseXmConfig(
      ['a = 7 / 2', 'b = -7 / 2', 'c = 7 % -3', 'd = 2 ** 70', 'e = "%05.1f|%-3s|%x|%o" % (3.14159, "ab", 255, 8)', 'f = "\\x41\\101\\q"', 'g = 1.0 / 4', 'h = "ab" * 2 + "c"'].join('\n'),
    )
    const v = Object.fromEntries(config.entries.map((e) => [e.key, e.value]))
    expect(v).toMatchObject({a: 3, b: -4, c: -2, d: 2 ** 70, e: '003.1|ab |ff|10', f: 'AA\\q', g: 0.25, h: 'ababc'})
    expect(config.entries.find((e) => e.key === 'd')?.pythonType).toBe('long')
  })
})

describe('parseXmConfig: untrusted dict keys', () => {
  it('a key named __proto__ stays a plain key', () => {
    const {config} = parseXmConfig("x = {'__proto__': {'polluted': 1}, 'a': 2}")
    const v = config.entries[0]?.value as Record<string, unknown>
    expect(Object.keys(v)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
