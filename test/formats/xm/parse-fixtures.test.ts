import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'

// Hand-written xm configs with hand-reviewed goldens (fixtures/configs/xm-syntax/expected/*.json):
// every entry (where, key, value, syntax, computed, Python type) and every diagnostic, in order.
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/configs/xm-syntax')
const CASES = readdirSync(DIR).filter((n) => n.endsWith('.cfg'))

describe('xm syntax fixtures', () => {
  it('there are fixtures', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(6)
  })

  it.each(CASES)('%s matches its golden', (name) => {
    const {config, diagnostics} = parseXmConfig(readFileSync(join(DIR, name), 'utf8'), {file: name})
    const got = {
      entries: config.entries.map((e) => ({
        at: `${e.loc.line}:${e.loc.column}`,
        key: e.key,
        value: e.value === undefined ? '<unknown>' : e.value,
        syntax: e.syntax,
        computed: e.computed,
        ...(e.pythonType ? {pythonType: e.pythonType} : {}),
      })),
      diagnostics: diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`),
    }
    const want = JSON.parse(readFileSync(join(DIR, 'expected', name.replace(/\.cfg$/, '.json')), 'utf8'))
    expect(got).toEqual(want)
    for (const d of diagnostics) expect(d.file).toBe(name)
  })
})
