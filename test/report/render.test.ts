import {describe, expect, it} from 'vitest'
import type {CheckReport} from '../../src/checks/check-report.js'
import type {Finding} from '../../src/checks/finding.js'
import {renderReport} from '../../src/report/render.js'

const f = (over: Partial<Finding>): Finding => ({
  rule: 'DISK-SHARED',
  severity: 'warning',
  host: 'dom0',
  domain: 'web',
  file: '/etc/xen/web',
  line: 3,
  column: 1,
  message: 'disk xvdb is shared',
  remediation: 'Use `<shareable/>` only with a cluster fs.',
  origin: 'rule',
  ...over,
})

function report(findings: Finding[], domains = ['web']): CheckReport {
  const c = {blocker: 0, warning: 0, info: 0, waived: 0}
  for (const x of findings) x.waived ? c.waived++ : c[x.severity]++
  return {
    schemaVersion: 1,
    target: 'libvirt',
    summary: {hosts: 1, files: domains.length, domains: domains.length, ...c, blockedDomains: findings.some((x) => x.severity === 'blocker' && !x.waived) ? 1 : 0},
    hosts: [{name: 'dom0', ...c, files: [], domains: domains.map((name) => ({name, file: `/etc/xen/${name}`, format: 'xm', blocker: 0, warning: 0, info: 0, waived: 0}))}],
    findings,
  }
}

describe('report renderers', () => {
  it('escape hostile names and messages in HTML and markdown', () => {
    const evil = f({domain: '<script>alert(1)</script>', message: 'a | b <img src=x>', evidence: "name = '<b>x</b>|y'"})
    const r = report([evil], ['<script>alert(1)</script>'])
    const html = renderReport(r, 'html')
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const md = renderReport(r, 'markdown')
    expect(md).toContain('a \\| b &lt;img src=x&gt;')
    expect(md).not.toMatch(/[^\\]\|y'/)
  })

  it('lists clean domains as checked, blockers first, and marks waivers in text', () => {
    const r = report(
      [f({domain: 'zz-web', severity: 'blocker', rule: 'PVSCSI', message: 'vscsi lost'}), f({domain: 'aa-db', waived: {reason: 'OCFS2', by: 'alice'}})],
      ['aa-db', 'clean1', 'zz-web'],
    )
    const text = renderReport(r, 'text', {inputs: '--root /mnt/old'})
    expect(text.indexOf('zz-web  [BLOCKED]')).toBeLessThan(text.indexOf('aa-db'))
    expect(text).toContain('clean1  [ok]')
    expect(text).toContain('no findings')
    expect(text).toContain('warning*')
    expect(text).toContain('waived by alice: OCFS2')
    expect(text).toContain('then run: xenlift check --root /mnt/old')
  })

  it('suggests convert when nothing blocks', () => {
    const text = renderReport(report([f({})]), 'text', {inputs: '/etc/xen/web'})
    expect(text).toMatch(/No blockers\. Next: xenlift convert \/etc\/xen\/web\n$/)
  })

  it('json is the report object, schema-versioned', () => {
    const r = report([f({})])
    expect(JSON.parse(renderReport(r, 'json'))).toEqual(r)
  })
})
