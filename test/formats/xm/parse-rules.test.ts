import {describe, expect, it} from 'vitest'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

/** `RULE@line:col` for every finding of the given rule (constructs and PY-DUPKEY/SYNTAX diagnostics). */
function found(text: string, rule: string): string[] {
  const {config, diagnostics} = parseXmConfig(text, {file: 't.cfg'})
  const fromConstructs = config.python.filter((p) => p.rule === rule).map((p) => `${p.loc.line}:${p.loc.column}`)
  if (fromConstructs.length > 0 || rule.startsWith('PY-') && rule !== 'PY-DUPKEY') return fromConstructs
  return diagnostics.filter((d) => d.code === rule).map((d) => `${d.line}:${d.column}`)
}

// Each rule: inputs that trigger it (with where) and inputs that must not.
const RULES: Record<string, {hits: [string, string[]][]; misses: string[]}> = {
  'PY-IMPORT': {
    hits: [
      ['import os\nmemory = 64', ['1:1']],
      ['memory = 64\nfrom os import path', ['2:1']],
      ['memory = 64; import re', ['1:14']],
    ],
    misses: ['imports = "a"', 'name = "import os"', '# import os\nmemory = 1'],
  },
  'PY-CONTROL': {
    hits: [
      ['if 1:\n    memory = 128\nname = "x"', ['1:1']],
      ['for i in [1]:\n    pass', ['1:1']],
      ['while 0:\n    pass', ['1:1']],
      ['try:\n    x = 1\nexcept:\n    x = 2', ['1:1']],
      ['def f():\n    return 1', ['1:1']],
      ['class C:\n    pass', ['1:1']],
      ['with open("f") as fh:\n    pass', ['1:1']],
      ['f = lambda x: x', ['1:5']],
      ['disk = [d for d in ["a"]]', ['1:8']],
      ['memory = 128 if 1 else 256', ['1:14']],
      ['if 1: memory = 128', ['1:1']],
    ],
    misses: ['iffy = 1', 'form = "for x in y"', 'else_ = 2', 'classes = [1]'],
  },
  'PY-EXPR': {
    hits: [
      ['arch = os.uname()[4]', ['1:8']],
      ['x = os.path', ['1:5']],
      ['memory = 256 * 2', ['1:1']],
      ['name = "vm%d" % 3', ['1:1']],
      ['mem = 1\nmemory = mem', ['2:1']],
      ['xm_vars.check()', ['1:1']],
      ['execfile("/etc/xen/common")', ['1:1']],
      ['disk = []\ndisk.append("phy:a,xvda,w")', ['2:1']],
      ['print "hello"', ['1:1']],
    ],
    misses: ['memory = 256', 'name = "a + b"', 'vif = [ "bridge=br0", ]', 'rtc_timeoffset = -3600', '"""docstring"""'],
  },
  'PY-LITERAL': {
    hits: [
      ['acpi = True', ['1:1']],
      ['x = None', ['1:1']],
      ['x = (1, 2)', ['1:1']],
      ['x = {"a": 1}', ['1:1']],
      ["name = u'vm'", ['1:1']],
      ["kernel = r'/boot/vmlinuz'", ['1:10']],
      ["extra = '''console=hvc0'''", ['1:9']],
      ['memory = 0x100', ['1:10']],
      ['memory = 0400', ['1:10']],
      ['memory = 2L', ['1:1']],
      ['shadow = 1.5', ['1:10']],
      ['extra = "a\\tb"', ['1:9']],
      ['extra = "a" \\\n  "b"', ['1:13']],
      ['vif = [ True ]', ['1:9']],
    ],
    misses: ['acpi = 1', 'extra = """console=hvc0"""', 'memory = 100', 'extra = "a\\qb"', 'name = "True"'],
  },
  'PY-CMDLINE-VAR': {
    hits: [
      ['name = "vm%d" % vmid', ['1:17']],
      ['name = "vm" + str(vmid)', ['1:19']],
      ['if vmid > 1:\n    pass\nmemory = 64 * vmid', ['3:15']],
      ['memory = base\nbase = 1', ['1:10']],
    ],
    misses: ['vmid = 3\nname = "vm%d" % vmid', 'import os\nx = os.sep', 'disk = [d for d in ["a"]]', 'def f():\n    return 1\nx = f()'],
  },
  'PY-DUPKEY': {
    hits: [
      ['memory = 1\nmemory = 2', ['2:1']],
      ['memory = 1\nname = "a"\n  \nmemory = 2\nmemory = 3', ['4:1', '5:1']],
    ],
    misses: ['memory = 1\nmaxmem = 1', 'vif = []\nvif += ["a"]', 'Memory = 1\nmemory = 2'],
  },
  SYNTAX: {
    hits: [
      ['name = "unterminated\nmemory = 64', ['1:8']],
      ['memory = = 2', ['1:10']],
      ['vif = [ "a" "b", ]]', ['1:19']],
      ['  memory = 64', ['1:3']],
      ['x = 08', ['1:5']],
      ['disk = [\n  "a",\nmemory = 1', ['1:8']],
      ['name = "a\u0000"\nmemory = 1', ['1:8']],
    ],
    misses: ['memory = 64', 'disk = [\n  "a",\n]', 'x = 1  # trailing comment'],
  },
}

describe.each(Object.entries(RULES))('%s', (rule, {hits, misses}) => {
  it.each(hits)('triggers on %j', (text, where) => {
    expect(found(text, rule)).toEqual(where)
  })
  it.each(misses)('does not trigger on %j', (text) => {
    expect(found(text, rule)).toEqual([])
  })
})

describe('findings carry file, line, column, path and text', () => {
  it('PY-CMDLINE-VAR diagnostic is located on the free name, path is the key', () => {
    const {diagnostics, config} = parseXmConfig('memory = 64\nname = "VM%d" % vmid\n', {file: '/etc/xen/vm2'})
    expect(diagnostics).toEqual([
      expect.objectContaining({code: 'PY-CMDLINE-VAR', severity: 'warning', file: '/etc/xen/vm2', line: 2, column: 17, path: 'name'}),
    ])
    expect(config.python[0]).toMatchObject({rule: 'PY-CMDLINE-VAR', text: 'vmid', loc: {file: '/etc/xen/vm2', line: 2, column: 17, path: 'name'}})
  })

  it('a block construct says which assignments it did not apply', () => {
    const {config} = parseXmConfig('for i in range(2):\n    memory = 128\n    vcpus = 2\nname = "a"')
    expect(config.python).toHaveLength(1)
    expect(config.python[0]?.message).toContain('lines 1-3')
    expect(config.python[0]?.message).toContain('NOT applied: i, memory, vcpus')
    expect(config.entries.map((e) => e.key)).toEqual(['name'])
  })

  it('a name assigned only in a block is PY-EXPR, not a command-line variable', () => {
    const {config} = parseXmConfig('if 1:\n    lib = "lib64"\nkernel = "/usr/" + lib')
    expect(config.python.map((p) => p.rule)).toEqual(['PY-CONTROL', 'PY-EXPR'])
    expect(config.python[1]?.message).toMatch(/`lib` is assigned only inside the `if` block at line 1/)
  })

  it('a block followed by else at the same indent is one construct', () => {
    const {config} = parseXmConfig('if 1:\n    a = 1\nelif 2:\n    a = 2\nelse:\n    b = 3\nc = 4')
    expect(config.python.map((p) => `${p.rule}@${p.loc.line}`)).toEqual(['PY-CONTROL@1'])
    expect(config.python[0]?.message).toContain('lines 1-6')
    expect(config.entries.map((e) => e.key)).toEqual(['c'])
  })

  it('xm ignoring a bool-typed option is explained', () => {
    const {config} = parseXmConfig('acpi = True')
    expect(config.python[0]?.message).toMatch(/xm ignored `acpi`: its value is a bool/)
    expect(config.entries[0]).toMatchObject({value: true, syntax: 'bool', pythonType: 'bool'})
  })

  it('computed PY-EXPR carries the computed value', () => {
    const {config} = parseXmConfig('disk = [ "phy:sda%d,sda1,w" % (7 + 2) ]')
    expect(config.python).toEqual([
      expect.objectContaining({rule: 'PY-EXPR', computedValue: ['phy:sda9,sda1,w'], loc: expect.objectContaining({line: 1, column: 1})}),
    ])
  })
})

describe('XL-SYNTAX (info) on lines without another finding', () => {
  it('upper-case keys and negative numbers', () => {
    const {diagnostics} = parseXmConfig('Memory = 512\nrtc_timeoffset = -3600\nname = "ok"\n')
    expect(diagnostics.map((d) => `${d.code}/${d.severity}@${d.line}:${d.column}`)).toEqual([
      'XL-SYNTAX/info@1:1',
      'XL-SYNTAX/info@2:18',
    ])
  })
  it('not repeated where a PY-* finding already is', () => {
    const {diagnostics} = parseXmConfig('import os\nmemory = 2 * 256\n')
    expect(diagnostics.map((d) => d.code)).toEqual(['PY-IMPORT', 'PY-EXPR'])
  })
})

describe('messages are one line', () => {
  it('multi-line imports and statements are folded in messages', () => {
    const {diagnostics} = parseXmConfig('from os import (path,\n    sep)\nx = """a\nb""" +\\\n  vmid\n')
    expect(diagnostics.length).toBeGreaterThan(0)
    for (const d of diagnostics) expect(d.message).not.toMatch(/[\r\n]/)
  })
})
