import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

// Third-party corpus beside the repo (../shared/corpus); skipped when it is not there.
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const files = (dir: string, re: RegExp): string[] =>
  existsSync(join(CORPUS, dir)) ? readdirSync(join(CORPUS, dir)).filter((n) => re.test(n)).map((n) => join(dir, n)) : []
const parse = (rel: string) => parseXmConfig(readFileSync(join(CORPUS, rel), 'utf8'), {file: rel})
const where = (rel: string): string[] => parse(rel).config.python.map((p) => `${p.rule}@${p.loc.line}:${p.loc.column}`)

const LIBVIRT_XM = files('libvirt/xm', /\.cfg$/)
const WILD_XM = files('wild/xm', /\.cfg$/)
const XMEXAMPLES = files('xen-examples', /^xmexample/)

describe.skipIf(LIBVIRT_XM.length === 0)("libvirt's xm test vectors (plain literals virConf reads)", () => {
  it.each(LIBVIRT_XM)('%s: no Python, no syntax error, every value known', (rel) => {
    const {config, diagnostics} = parse(rel)
    expect(config.python).toEqual([])
    expect(diagnostics.filter((d) => d.code !== 'XL-SYNTAX')).toEqual([])
    expect(config.entries.length).toBeGreaterThan(3)
    for (const e of config.entries) {
      expect(e.value, e.key).toBeDefined()
      expect(e.computed).toBe(false)
    }
  })

  it('triple-quoted string with a quote inside (test-escape-paths)', () => {
    const rel = 'libvirt/xm/test-escape-paths.cfg'
    if (!LIBVIRT_XM.includes(rel)) return
    const {config, diagnostics} = parse(rel)
    expect((lastEntry(config, 'disk')?.value as string[] | undefined)?.[1]).toBe(`phy:/dev/HostVG/XenGuest'",hdb,w`)
    // xl cannot read """…""" (it lexes "" then a second string): reported, as info.
    expect(diagnostics).toEqual([expect.objectContaining({code: 'XL-SYNTAX', severity: 'info', line: 28})])
  })
})

describe.skipIf(WILD_XM.length === 0)('real-world xm configs', () => {
  it.each(WILD_XM)('%s parses without throwing', (rel) => {
    const {config, diagnostics} = parse(rel)
    expect(config.format).toBe('xm')
    for (const d of diagnostics) {
      expect(d.line, d.message).toBeGreaterThan(0)
      expect(d.message).not.toContain('internal')
    }
  })

  it('the arch/if-block preamble: import, call, if block, computed path', () => {
    const rel = 'wild/xm/22-t-iisserver.cfg'
    if (!WILD_XM.includes(rel)) return
    expect(where(rel)).toEqual(['PY-IMPORT@1:1', 'PY-EXPR@2:8', 'PY-CONTROL@3:1', 'PY-EXPR@22:26'])
    const {config} = parse(rel)
    expect(lastEntry(config, 'device_model')?.value).toBeUndefined()
    expect(lastEntry(config, 'memory')?.value).toBe(1024)
    expect(lastEntry(config, 'vif')?.value).toEqual(['model=e1000'])
  })

  it('the published typo (unbalanced quote in vif) is a located syntax error, the rest is read', () => {
    const rel = 'wild/xm/17-s1-rhel5-multivif-pygrub.cfg'
    if (!WILD_XM.includes(rel)) return
    const {config, diagnostics} = parse(rel)
    expect(diagnostics).toEqual([expect.objectContaining({code: 'SYNTAX', severity: 'error', line: 12})])
    expect(lastEntry(config, 'vif')).toBeUndefined()
    expect(lastEntry(config, 'disk')?.value).toEqual(['phy:/dev/vm/example,xvda,w'])
  })

  it('multi-line lists with trailing commas', () => {
    const rel = 'wild/xm/04-b-bak-test-cfg-bak.cfg'
    if (!WILD_XM.includes(rel)) return
    const disk = lastEntry(parse(rel).config, 'disk')
    expect(disk?.value).toEqual(['/dev/vg/test-disk,raw,xvda1,rw', '/dev/vg/test-swap,raw,xvda2,rw'])
    expect(disk?.loc.line).toBe(24)
  })
})

describe.skipIf(XMEXAMPLES.length === 0)("Xen's xmexample files (Python)", () => {
  it.each(XMEXAMPLES)('%s parses without throwing or syntax errors', (rel) => {
    const {diagnostics} = parse(rel)
    expect(diagnostics.filter((d) => d.code === 'SYNTAX')).toEqual([])
  })

  const expected: Record<string, string[]> = {
    'xen-examples/xmexample1': [],
    'xen-examples/xmexample.hvm': [],
    // def vmid_check, xm_vars.var(...), xm_vars.check(), then vmid in name/disk/extra.
    'xen-examples/xmexample2': [
      'PY-CONTROL@23:1',
      'PY-EXPR@30:1',
      'PY-EXPR@35:1',
      'PY-CMDLINE-VAR@56:17',
      'PY-CMDLINE-VAR@102:34',
      'PY-CMDLINE-VAR@166:37',
    ],
    'xen-examples/xmexample3': [
      'PY-CONTROL@23:1',
      'PY-EXPR@30:1',
      'PY-EXPR@35:1',
      'PY-CMDLINE-VAR@56:17',
      'PY-CMDLINE-VAR@67:15',
      'PY-CMDLINE-VAR@75:33',
      'PY-CMDLINE-VAR@88:32',
      'PY-CMDLINE-VAR@133:22',
      'PY-CMDLINE-VAR@137:27',
      'PY-CMDLINE-VAR@139:30',
      'PY-CMDLINE-VAR@152:23',
    ],
    // import os, re; arch = os.uname()[4]; device_model computed from arch_libdir = 'lib'.
    'xen-examples/xmexample.vti': ['PY-IMPORT@9:1', 'PY-EXPR@11:8', 'PY-EXPR@70:1'],
  }
  it.each(Object.entries(expected).filter(([rel]) => XMEXAMPLES.includes(rel)))('%s: constructs', (rel, want) => {
    expect(where(rel)).toEqual(want)
  })

  it('xmexample2: the values that do not depend on vmid are read', () => {
    const rel = 'xen-examples/xmexample2'
    if (!XMEXAMPLES.includes(rel)) return
    const {config} = parse(rel)
    expect(lastEntry(config, 'memory')?.value).toBe(64)
    expect(lastEntry(config, 'vcpus')?.value).toBe(4)
    expect(lastEntry(config, 'name')).toMatchObject({value: undefined, syntax: 'expression'})
    expect(config.python.find((p) => p.loc.line === 30)?.message).toMatch(/call `xm_vars\.var\('vmid'/)
  })

  it('xmexample.vti: the computed device_model shows its value', () => {
    const rel = 'xen-examples/xmexample.vti'
    if (!XMEXAMPLES.includes(rel)) return
    const {config} = parse(rel)
    expect(lastEntry(config, 'device_model')).toMatchObject({value: '/usr/lib/xen/bin/qemu-dm', computed: true})
    expect(config.python.at(-1)?.computedValue).toBe('/usr/lib/xen/bin/qemu-dm')
  })
})
