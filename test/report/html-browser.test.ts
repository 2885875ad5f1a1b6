import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'
import {groupFindings} from '../../src/report/findings.js'
import {renderHtml} from '../../src/report/html.js'
import {checkPath, FIXTURES} from '../checks/check-fixture.js'

/**
 * The HTML report in a real headless Chromium (Debian's `chromium`): it renders, shows the
 * counts, and its inline sort script works. Skipped when chromium is not installed.
 */
const CHROMIUM = '/usr/bin/chromium'
const run = promisify(execFile)
const tmp = mkdtempSync(path.join(tmpdir(), 'xenlift-html-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

async function dumpDom(html: string, name: string): Promise<string> {
  const file = path.join(tmp, name)
  writeFileSync(file, html)
  const profile = mkdtempSync(path.join(tmp, 'profile-'))
  const {stdout} = await run(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}`],
    {timeout: 60_000, maxBuffer: 32 * 1024 * 1024},
  )
  return stdout
}

function countOf(dom: string, id: string): string | undefined {
  return new RegExp(`id="count-${id}"[^>]*>(\\d+)<`).exec(dom)?.[1]
}

describe.skipIf(!existsSync(CHROMIUM))('html report in headless chromium', async () => {
  const report = await checkPath(path.join(FIXTURES, 'demo-host'))
  const html = renderHtml(report)

  it('is self-contained: no external assets', () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|url\(|@import|https?:\/\//)
  })

  it('renders and shows the summary counts', async () => {
    const dom = await dumpDom(html, 'report.html')
    expect(dom).toContain('<h1>xenlift check report</h1>')
    expect(countOf(dom, 'blocker')).toBe(String(report.summary.blocker))
    expect(countOf(dom, 'warning')).toBe(String(report.summary.warning))
    expect(countOf(dom, 'info')).toBe(String(report.summary.info))
    expect(countOf(dom, 'blocked')).toBe(String(report.summary.blockedDomains))
    const groupsWithFindings = groupFindings(report).flatMap((h) => h.groups).filter((g) => g.findings.length > 0).length
    expect((dom.match(/<table class="findings">/g) ?? []).length).toBe(groupsWithFindings)
    expect(dom).toContain('class="sev-blocker"')
  }, 90_000)

  it('sorts a table when a column header is clicked', async () => {
    // Click "Rule" on the second findings table (column indexes must be per table), then
    // report the rule column in DOM order.
    const probe = `<script>
      var t = document.querySelectorAll('table.findings:not(.overview)')[1]; t.tHead.rows[0].cells[1].click();
      var ids = Array.prototype.map.call(t.tBodies[0].rows, function(r){ return r.cells[1].textContent; });
      document.body.setAttribute('data-sorted', ids.join(','));
    </script></body>`
    const dom = await dumpDom(html.replace('</body>', probe), 'sorted.html')
    const sorted = /data-sorted="([^"]*)"/.exec(dom)?.[1]?.split(',') ?? []
    expect(sorted.length).toBeGreaterThan(1)
    expect(sorted).toEqual([...sorted].sort((a, b) => a.localeCompare(b)))
    expect(dom).toMatch(/<th data-dir="asc">Rule<\/th>/)
  }, 90_000)
})
