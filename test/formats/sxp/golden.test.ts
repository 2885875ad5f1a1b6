/**
 * Hand-written SXP configs (fixtures/configs/sxp) against their hand-reviewed libvirt 9.0 XML
 * (expected/<name>.xml), through the whole pipeline: readSxp → libvirt defaults → writer.
 * Goldens are reviewed by hand, never regenerated blindly.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {readSxp} from '../../../src/formats/sxp/read.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {compareXml, formatXmlDifferences} from '../../helpers/xml-compare.js'

const DIR = join(REPO_ROOT, 'fixtures/configs/sxp')
const VALIDATE = '/usr/bin/virt-xml-validate'
const configs = readdirSync(DIR).filter((f) => f.endsWith('.sxp')).sort()

describe('SXP golden configs → libvirt 9.0 XML', () => {
  const target = targetFor('9.0.0')
  const tmp = existsSync(VALIDATE) ? mkdtempSync(join(tmpdir(), 'xenlift-sxp-golden-')) : ''
  it('has goldens', () => {
    expect(configs.length).toBeGreaterThanOrEqual(3)
  })
  for (const f of configs) {
    it(f, () => {
      const r = readSxp(readFileSync(join(DIR, f), 'utf8'), {file: f})
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      expect(r.domains).toHaveLength(1)
      const {domain, diagnostics} = r.domains[0] as (typeof r.domains)[number]
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      const xml = writeLibvirtXml(applyLibvirtDefaults(domain, target), target)
      const expected = readFileSync(join(DIR, 'expected', f.replace(/\.sxp$/, '.xml')), 'utf8')
      const diffs = compareXml(expected, xml)
      expect(diffs, `${formatXmlDifferences(diffs)}\n--- actual ---\n${xml}`).toEqual([])
      if (tmp) {
        const out = join(tmp, f.replace(/\.sxp$/, '.xml'))
        writeFileSync(out, xml)
        expect(() => execFileSync(VALIDATE, [out, 'domain'], {stdio: 'pipe'}), xml).not.toThrow()
      }
    })
  }
})
