/**
 * Golden files: fixtures/configs/{xm,xl}/NAME.cfg converted for libvirt 9.0 (no secrets) must
 * equal fixtures/configs/{xm,xl}/expected/NAME.xml (compared semantically) and validate against
 * libvirt's schema. The goldens are reviewed by hand; never regenerate them blindly.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {readXl} from '../../../src/formats/xl/read.js'
import {readXm} from '../../../src/formats/xm/read.js'
import {formatDiagnostic} from '../../../src/model/diagnostic.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {compareXml, formatXmlDifferences} from '../../helpers/xml-compare.js'

const VALIDATE = '/usr/bin/virt-xml-validate'
const target = targetFor('9.0.0')
const tmp = mkdtempSync(join(tmpdir(), 'xenlift-fixtures-'))

for (const format of ['xm', 'xl'] as const) {
  const dir = join(REPO_ROOT, 'fixtures/configs', format)
  const names = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cfg')).map((f) => f.slice(0, -4)) : []
  describe(`${format} fixtures`, () => {
    it('has fixtures', () => expect(names.length).toBeGreaterThan(0))
    for (const name of names) {
      it(name, () => {
        const file = join(dir, `${name}.cfg`)
        const read = (format === 'xm' ? readXm : readXl)(readFileSync(file, 'utf8'), {file})
        const first = read.domains[0]
        expect(first, read.diagnostics.map((d) => formatDiagnostic(d)).join('\n')).toBeDefined()
        if (!first) return
        const xml = writeLibvirtXml(applyLibvirtDefaults(first.domain, target), target)
        const diffs = compareXml(readFileSync(join(dir, 'expected', `${name}.xml`), 'utf8'), xml)
        expect(diffs, `${formatXmlDifferences(diffs)}\n--- actual ---\n${xml}`).toEqual([])
        if (!existsSync(VALIDATE)) return
        const out = join(tmp, `${format}-${name}.xml`)
        writeFileSync(out, xml)
        expect(() => execFileSync(VALIDATE, [out, 'domain'], {stdio: 'pipe'})).not.toThrow()
      })
    }
  })
}
