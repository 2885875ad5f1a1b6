import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {lastEntry} from '../../../src/model/native-config.js'
import {parseXlConfig} from '../../../src/formats/xl/parse.js'

// Third-party corpus beside the repo (../shared/corpus); skipped when it is not there.
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus')
const files = (dir: string, re: RegExp): string[] =>
  existsSync(join(CORPUS, dir)) ? readdirSync(join(CORPUS, dir)).filter((n) => re.test(n)).map((n) => join(dir, n)) : []
const parse = (rel: string) => parseXlConfig(readFileSync(join(CORPUS, rel), 'utf8'), {file: rel})

const LIBVIRT_XL = files('libvirt/xl', /\.cfg$/)
const XL_EXAMPLES = files('xen-examples', /^(xlexample|xl\.conf)/)
const XM_AS_XL = [...files('xen-examples', /^xmexample/), ...files('wild/xm', /\.cfg$/)]

describe.skipIf(LIBVIRT_XL.length === 0)("libvirt's xl test vectors", () => {
  it.each(LIBVIRT_XL)('%s: valid xl, every value read', (rel) => {
    const {config, diagnostics} = parse(rel)
    expect(diagnostics).toEqual([])
    expect(config.entries.length).toBeGreaterThan(3)
    for (const e of config.entries) expect(e.value, e.key).toBeDefined()
  })

  it('nested vnuma lists', () => {
    const rel = LIBVIRT_XL.find((r) => r.endsWith('test-fullvirt-vnuma.cfg'))
    if (!rel) return
    const vnuma = lastEntry(parse(rel).config, 'vnuma')?.value as string[][]
    expect(Array.isArray(vnuma[0])).toBe(true)
    expect(vnuma[0]?.some((s) => s.startsWith('pnode='))).toBe(true)
  })
})

describe.skipIf(XL_EXAMPLES.length === 0)("Xen's xlexample files and xl.conf", () => {
  it.each(XL_EXAMPLES)('%s: valid xl', (rel) => {
    expect(parse(rel).diagnostics).toEqual([])
  })
})

describe.skipIf(XM_AS_XL.length === 0)('xm configs read as xl never throw', () => {
  it.each(XM_AS_XL)('%s', (rel) => {
    const {diagnostics} = parse(rel)
    for (const d of diagnostics) expect(d.line, d.message).toBeGreaterThan(0)
  })

  it('xmexample2 (Python) is reported with the Python hint', () => {
    const rel = 'xen-examples/xmexample2'
    if (!XM_AS_XL.includes(rel)) return
    const {diagnostics} = parse(rel)
    expect(diagnostics.some((d) => d.code === 'SYNTAX' && d.hint?.includes('Python'))).toBe(true)
  })
})
