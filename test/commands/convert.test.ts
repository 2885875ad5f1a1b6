import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

const DEMO = join(REPO_ROOT, 'fixtures/demo-host')
const MAIL01 = join(DEMO, 'etc/xen/mail01')
const WEB01 = join(DEMO, 'var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp')

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'xenlift-convert-'))
}

const parseXml = (xml: string) => new XMLParser({ignoreAttributes: false}).parse(xml) as {domain: {name: string; uuid: string}}

describe('xenlift convert', () => {
  it('prints the XML alone on stdout for one input', async () => {
    const r = await runCli(['convert', '--libvirt-version', '9.0.0', MAIL01])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.startsWith("<domain type='xen'>")).toBe(true)
    const dom = parseXml(r.stdout).domain
    expect(dom.name).toBe('mail01')
    expect(dom.uuid).toBe('4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a')
  })

  it('reads xend SXP (config.sxp) too', async () => {
    const r = await runCli(['convert', '--libvirt-version', '9.0.0', WEB01])
    expect(r.code, r.stderr).toBe(0)
    expect(parseXml(r.stdout).domain.name).toBe('web01')
  })

  it('refuses several inputs without -o or --json (usage error, exit 2)', async () => {
    const r = await runCli(['convert', MAIL01, WEB01])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/-o\/--output/)
    expect(r.stdout).toBe('')
  })

  it('rejects a malformed --libvirt-version with exit 2', async () => {
    const r = await runCli(['convert', '--libvirt-version', 'nine', MAIL01])
    expect(r.code).toBe(2)
  })

  it('reports a bad file as path:line:col on stderr, exits 1, and still converts the others', async () => {
    const dir = tmp()
    const bad = join(dir, 'broken.sxp')
    writeFileSync(bad, '(domain\n  (name broken)\n  (memory 256\n')
    const out = join(dir, 'out')
    const r = await runCli(['convert', '--libvirt-version', '9.0.0', '-o', out, bad, MAIL01])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `))
    expect(readdirSync(out)).toEqual(['mail01.xml'])
  })

  it('writes one <name>.xml per domain with -o and never overwrites without --force', async () => {
    const out = join(tmp(), 'xml')
    const first = await runCli(['convert', '--libvirt-version', '9.0.0', '-o', out, MAIL01, WEB01])
    expect(first.code, first.stderr).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['mail01.xml', 'web01.xml'])
    writeFileSync(join(out, 'mail01.xml'), 'precious hand edits')
    const again = await runCli(['convert', '--libvirt-version', '9.0.0', '-o', out, MAIL01])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/exists; not overwritten \(use --force\)/)
    expect(readFileSync(join(out, 'mail01.xml'), 'utf8')).toBe('precious hand edits')
    const forced = await runCli(['convert', '--libvirt-version', '9.0.0', '-o', out, '--force', MAIL01])
    expect(forced.code, forced.stderr).toBe(0)
    expect(readFileSync(join(out, 'mail01.xml'), 'utf8')).toMatch(/<name>mail01<\/name>/)
  })

  it('--json prints one array with source, format, name, uuid, xml and diagnostics, keeping exit 1 on failure', async () => {
    const dir = tmp()
    const bad = join(dir, 'bad.cfg')
    writeFileSync(bad, 'name = "bad"\nmemory = [1, 2\n')
    const r = await runCli(['convert', '--json', '--libvirt-version', '9.0.0', MAIL01, bad])
    expect(r.code).toBe(1)
    const arr = JSON.parse(r.stdout) as {source: string; format: string; name?: string; uuid?: string; xml?: string; diagnostics: {code: string; severity: string; message: string; line?: number; column?: number}[]}[]
    expect(arr).toHaveLength(2)
    const ok = arr.find((e) => e.source === MAIL01)!
    expect(ok).toMatchObject({format: 'xm', name: 'mail01', uuid: '4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a'})
    expect(ok.xml).toMatch(/^<domain type='xen'>/)
    const failed = arr.find((e) => e.source === bad)!
    expect(failed.xml).toBeUndefined()
    const err = failed.diagnostics.find((d) => d.severity === 'error')!
    expect(err.line).toBeGreaterThanOrEqual(2)
    expect(err.column).toBeGreaterThanOrEqual(1)
  })

  it('walks a whole old dom0 tree with -r: configs converted, non-configs skipped', async () => {
    const out = join(tmp(), 'demo')
    const r = await runCli(['convert', '-r', '--libvirt-version', '9.0.0', '-o', out, DEMO])
    const written = readdirSync(out).sort()
    // xend-managed domains and /etc/xen configs; never xend-config.sxp, xl.conf, backups or auto/ links
    expect(written).toEqual(expect.arrayContaining(['web01.xml', 'backup01.xml', 'mail01.xml', 'db01.xml']))
    expect(written.some((f) => /xend|xl\.conf|bak/.test(f))).toBe(false)
    // old-web01 has the same name as the managed web01: it must not overwrite it
    expect(r.stderr).toMatch(/web01\.xml: another domain of this run has the same name/)
    // build-farm is Python: located PY-* findings on stderr
    expect(r.stderr).toMatch(/build-farm:2:1: \w+: .*\[PY-IMPORT\]/)
    expect(r.code).toBe(1)
  })

  it("converts a Xen example the user names (xmexample1); a walk passes over it and says so", async () => {
    const dir = tmp()
    const example = readFileSync(join(REPO_ROOT, 'fixtures/configs/xm/pv-pygrub-ovs.cfg'), 'utf8')
    writeFileSync(join(dir, 'xmexample1'), example)
    const named = await runCli(['convert', '--libvirt-version', '9.0.0', join(dir, 'xmexample1')])
    expect(named.code, named.stderr).toBe(0)
    expect(named.stdout).toMatch(/^<domain type='xen'>/)
    const walked = await runCli(['convert', '-r', '--libvirt-version', '9.0.0', '-o', join(dir, 'out'), dir])
    expect(walked.stderr).toContain(`${join(dir, 'xmexample1')}: skipped: xmexample1 is an example Xen ships`)
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('--validate runs virt-xml-validate on each result', async () => {
    if (!existsSync('/usr/bin/virt-xml-validate')) return
    const r = await runCli(['convert', '--validate', '--libvirt-version', '9.0.0', MAIL01])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/VALIDATE/)
  })

  it('--validate without virt-xml-validate installed is an error naming the package, and writes nothing', async () => {
    const r = await runCli(['convert', '--validate', '--libvirt-version', '9.0.0', MAIL01], {env: {PATH: mkdtempSync(join(tmpdir(), 'xenlift-empty-path-'))}})
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('--validate needs virt-xml-validate, which is not installed: install libvirt-clients (Debian, Ubuntu) or libvirt-client (SUSE, RHEL)')
  })

  it('converts to xl with --to xl', async () => {
    const r = await runCli(['convert', '--to', 'xl', MAIL01])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^name = "mail01"$/m)
  })
})

describe('convert start-up fast path', () => {
  it('knows exactly the flags of the oclif command', async () => {
    const {default: Convert} = await import('../../src/commands/convert.js')
    const {FAST_CONVERT_FLAGS} = await import('../../src/cli/fast-convert.js')
    const oclif = Object.entries(Convert.flags).map(([name, f]) => [name, f.type, f.char ?? null])
    const fast = Object.entries(FAST_CONVERT_FLAGS).map(([name, f]) => [name, f.type === 'string' ? 'option' : f.type, 'short' in f ? f.short : null])
    // oclif reports string flags as type 'option'
    expect(fast).toEqual(oclif)
  })
})

describe.skipIf(!existsSync(join(REPO_ROOT, 'dist/cli/fast-convert.js')))('bin/run.js (built; convert takes the fast path)', () => {
  it('prints the same XML, diagnostics and exit code as the oclif command', async () => {
    const args = ['convert', '--libvirt-version', '9.0.0', join(DEMO, 'etc/xen/build-farm')]
    const fast = await runCli(args, {bin: 'bin/run.js'})
    const oclif = await runCli(args)
    expect(fast.code).toBe(oclif.code)
    expect(fast.stdout).toBe(oclif.stdout)
    expect(fast.stderr).toBe(oclif.stderr)
  })

  it('hands calls it does not handle to oclif: --json, unknown flags (exit 2), --help', async () => {
    const json = await runCli(['convert', '--json', '--libvirt-version', '9.0.0', MAIL01], {bin: 'bin/run.js'})
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)[0].name).toBe('mail01')
    const bad = await runCli(['convert', '--no-such-flag', MAIL01], {bin: 'bin/run.js'})
    expect(bad.code).toBe(2)
    const help = await runCli(['convert', '--help'], {bin: 'bin/run.js'})
    expect(help.stdout).toMatch(/--libvirt-version/)
  })
})
