import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {renderReport, type ReportFormat} from '../../src/report/render.js'
import {checkPath, FIXTURES} from '../checks/check-fixture.js'
import {expectGolden} from '../helpers/golden.js'

/**
 * The demo dom0 (fixtures/demo-host) in all four formats, compared with the reviewed reports in
 * fixtures/checks/expected/. After a deliberate change, regenerate with
 * `XENLIFT_UPDATE_GOLDEN=1 npx vitest run test/report/demo-host.test.ts` and review the diff
 * before committing it: these files are the contract of what an admin sees. A missing file fails.
 */
const EXPECTED = path.join(FIXTURES, 'checks/expected')
const FILES: Record<ReportFormat, string> = {text: 'demo-host.txt', json: 'demo-host.json', markdown: 'demo-host.md', html: 'demo-host.html'}

describe('demo host report', async () => {
  const report = await checkPath(path.join(FIXTURES, 'demo-host'))

  for (const format of Object.keys(FILES) as ReportFormat[]) {
    it(`${format} matches the reviewed report`, () => {
      const actual = renderReport(report, format, {inputs: '--root fixtures/demo-host'})
      expectGolden(path.join(EXPECTED, FILES[format]), actual)
    })
  }

  it('says what an admin must know first', () => {
    const blocked = report.hosts[0]?.domains.filter((d) => d.worst === 'blocker').map((d) => d.name)
    expect(blocked).toEqual(expect.arrayContaining(['backup01', 'build07']))
    const rules = new Set(report.findings.map((f) => f.rule))
    for (const id of ['XL-STATE-001', 'PVSCSI', 'PY-IMPORT', 'PVUSB', 'DISK-SHARED', 'MGD-AUTOSTART', 'DUP-SOURCE', 'XEND-NET', 'VNC-PASSWORD']) expect(rules).toContain(id)
    const text = renderReport(report, 'text')
    expect(text.indexOf('backup01')).toBeLessThan(text.indexOf('db01'))
  })

  it('masks the VNC password in every format', () => {
    const sxp = readFileSync(path.join(FIXTURES, 'demo-host/var/lib/xend/domains/a3e2c9d4-5f61-4b7a-8c3e-91d2f0b6e4a7/config.sxp'), 'utf8')
    const secret = /\(vncpasswd\s+'?([^)'\s]+)/.exec(sxp)?.[1]
    expect(secret).toBeDefined()
    for (const format of Object.keys(FILES) as ReportFormat[]) expect(renderReport(report, format)).not.toContain(secret)
  })
})
