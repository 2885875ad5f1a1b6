import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {CheckReport} from '../../src/checks/check-report.js'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

const DEMO = 'fixtures/demo-host'
const POLICY = 'fixtures/policy/demo-host.yaml'
const RULES = join(REPO_ROOT, 'fixtures/checks/rules')

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'xenlift-check-'))
}

describe('xenlift check', () => {
  it('prints a text report grouped by domain, blockers first, and exits 1 on blockers', async () => {
    const r = await runCli(['check', '--root', DEMO])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/^Host demo-host: 9 blockers/)
    expect(r.stdout.indexOf('backup01  [BLOCKED]')).toBeLessThan(r.stdout.indexOf('mail01  [warnings]'))
    expect(r.stdout).toMatch(/Summary: 7 domains in 8 files on 1 host: 9 blockers/)
    expect(r.stdout).toContain('then run: xenlift check --root fixtures/demo-host')
    expect(r.stdout).not.toContain('S3cr3t')
  })

  it('exits 0 with --fail-on never', async () => {
    const r = await runCli(['check', '--root', DEMO, '--fail-on', 'never'])
    expect(r.code, r.stderr).toBe(0)
  })

  it('--fail-on warning fails on a warning, the default does not', async () => {
    const warnOnly = join(RULES, 'DISK-PV-HD/hit.cfg')
    expect((await runCli(['check', warnOnly])).code).toBe(0)
    expect((await runCli(['check', '--fail-on', 'warning', warnOnly])).code).toBe(1)
    const infoOnly = join(RULES, 'BOOT-PYGRUB/hit.cfg')
    expect((await runCli(['check', '--fail-on', 'warning', infoOnly])).code).toBe(0)
  })

  it('--json prints the schema-versioned report and keeps the exit code', async () => {
    const r = await runCli(['check', '--root', DEMO, '--json'])
    expect(r.code, r.stderr).toBe(1)
    const report = JSON.parse(r.stdout) as CheckReport
    expect(report.schemaVersion).toBe(1)
    expect(report.summary).toMatchObject({hosts: 1, domains: 7, blocker: 9})
    const f = report.findings.find((x) => x.rule === 'XL-STATE-001')
    expect(f).toMatchObject({severity: 'blocker', domain: 'backup01', host: 'demo-host'})
    expect(typeof f?.remediation).toBe('string')
  })

  it('--format json gives the same report as --json', async () => {
    const a = await runCli(['check', '--root', DEMO, '--json'])
    const b = await runCli(['check', '--root', DEMO, '--format', 'json'])
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout))
  })

  it('writes the HTML report to -o and nothing to stdout', async () => {
    const out = join(tmp(), 'check.html')
    const r = await runCli(['check', '--root', DEMO, '--format', 'html', '-o', out, '--fail-on', 'never'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`wrote html report to ${out}`)
    const html = readFileSync(out, 'utf8')
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('id="count-blocker">9<')
  })

  it('shows policy waivers as waived, with reason and author, and stops counting them', async () => {
    const r = await runCli(['check', '--root', DEMO, '--policy', POLICY, '--format', 'markdown'])
    expect(r.code).toBe(1) // build07 and the xend network script still block
    expect(r.stdout).toContain('~~blocker~~ waived')
    expect(r.stdout).toContain('Waived by backup team (fixtures/policy/demo-host.yaml): tape library moves')
    const json = JSON.parse((await runCli(['check', '--root', DEMO, '--policy', POLICY, '--json'])).stdout) as CheckReport
    expect(json.findings.find((f) => f.rule === 'PVSCSI')?.waived?.by).toBe('backup team (fixtures/policy/demo-host.yaml)')
    expect(json.summary.blocker).toBe(8)
    expect(json.summary.waived).toBeGreaterThanOrEqual(3)
  })

  it('--ignore waives rules everywhere (comma or repeated) and can clear the gate', async () => {
    const ignore = ['XL-STATE-001,PVSCSI,BOOT-PV-NOKERNEL', '--ignore', 'PY-IMPORT,PY-EXPR,PY-CONTROL,PVUSB,XEND-NET']
    const r = await runCli(['check', '--root', DEMO, '--json', '--ignore', ...ignore])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as CheckReport
    expect(report.summary.blocker).toBe(0)
    expect(report.findings.filter((f) => f.rule === 'PVSCSI').every((f) => f.waived?.by === '--ignore')).toBe(true)
  })

  it('warns about an unknown --ignore rule id', async () => {
    const r = await runCli(['check', '--ignore', 'NO-SUCH-RULE', join(RULES, 'BOOT-PYGRUB/hit.cfg')])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('NO-SUCH-RULE: no such rule')
  })

  it('checks directories (-r descends) and names files with their line', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'web.cfg'), readFileSync(join(RULES, 'DISK-SHARED/hit.cfg')))
    const r = await runCli(['check', dir])
    expect(r.stdout).toContain(`pv1  [ok (info only)]  ${join(dir, 'web.cfg')}`.replace('[ok (info only)]', '[warnings]'))
    expect(r.stdout).toMatch(/warning +DISK-SHARED +web\.cfg:6:1 /)
    expect(r.stdout).toContain('DISK-SHARED')
  })

  it.each([
    [[], /nothing to check/],
    [['--format', 'pdf', DEMO], /Expected --format=pdf to be one of/],
    [['/no/such/file.cfg'], /no such file or directory/],
    [['--root', '/no/such/root'], /not a directory/],
    [['--policy', 'fixtures/policy/invalid.yaml', '--root', DEMO], /"reason" is required/],
    [['--policy', '/no/such/policy.yaml', '--root', DEMO], /no such file/],
  ])('usage error (exit 2): %j', async (args, msg) => {
    const r = await runCli(['check', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(msg)
  })
})
