/**
 * `npm run package`'s single executable (scripts/build-sea.mjs → dist-bin/xenlift) works alone:
 * copied into an empty directory, run with a PATH that holds nothing (no node, no sync, no
 * virsh), it converts and checks the demo host. Slow (bundling and injecting a ~100 MB copy of
 * node): the one such test.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO_ROOT} from '../helpers/cli.js'

const DEMO = join(REPO_ROOT, 'fixtures/demo-host')

describe('single executable (Node SEA)', () => {
  it('runs convert and check --root from an empty directory without node on PATH', () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build-sea.mjs')], {cwd: REPO_ROOT, stdio: 'pipe'})
    const dir = mkdtempSync(join(tmpdir(), 'xenlift-sea-'))
    const exe = join(dir, 'xenlift')
    copyFileSync(join(REPO_ROOT, 'dist-bin/xenlift'), exe)
    execFileSync('chmod', ['755', exe])
    const emptyPath = join(dir, 'empty-path')
    mkdirSync(emptyPath)
    const env = {HOME: dir, PATH: emptyPath, NO_COLOR: '1'}
    const run = (args: string[]) => spawnSync(exe, args, {cwd: dir, env, encoding: 'utf8'})

    const version = run(['--version'])
    expect(version.status, version.stderr).toBe(0)
    expect(version.stdout).toMatch(/^xenlift\/\d+\.\d+\.\d+ /)

    const one = run(['convert', '--libvirt-version', '9.0.0', join(DEMO, 'etc/xen/mail01')])
    expect(one.status, one.stderr).toBe(0)
    expect(one.stdout).toMatch(/<name>mail01<\/name>/)
    expect(one.stderr).not.toMatch(/Warning/)

    // -o: no `sync` on PATH, so the one flush falls back to fsync per file.
    const out = join(dir, 'out')
    const many = run(['convert', '--libvirt-version', '9.0.0', '-r', DEMO, '-o', out])
    // The demo host has two domains named web01 (xend's and an old /etc/xen copy): exit 1, one skipped.
    expect(many.status, many.stderr).toBe(1)
    expect(many.stderr).toMatch(/web01\.xml: another domain of this run has the same name; not overwritten/)
    expect(readdirSync(out).sort()).toEqual(["Bob's win2k8.xml", 'backup01.xml', 'build07.xml', 'db01.xml', 'mail01.xml', 'web01.xml'])
    expect(readFileSync(join(out, 'mail01.xml'), 'utf8')).toBe(one.stdout)

    // A batch large enough for the writer thread (BACKGROUND_WRITE_MIN_FILES): it runs inside
    // the executable too (evaluated source, no module file to find).
    const batchIn = join(dir, 'batch')
    mkdirSync(batchIn)
    const mail01 = readFileSync(join(DEMO, 'etc/xen/mail01'), 'utf8')
    for (let i = 0; i < 40; i++) writeFileSync(join(batchIn, `g${i}.cfg`), mail01.replace('name = "mail01"', `name = "g${i}"`).replace(/uuid\s*=.*\n/, ''))
    const batchOut = join(dir, 'batch-out')
    const batch = run(['convert', '--libvirt-version', '9.0.0', '-r', batchIn, '-o', batchOut])
    expect(batch.status, batch.stderr).toBe(0)
    expect(readdirSync(batchOut)).toHaveLength(40)
    expect(readFileSync(join(batchOut, 'g7.xml'), 'utf8')).toMatch(/<name>g7<\/name>/)

    const check = run(['check', '--root', DEMO, '--json'])
    expect([0, 1], check.stderr).toContain(check.status)
    const report = JSON.parse(check.stdout) as {hosts: unknown[]; summary: unknown}
    expect(report.hosts).toHaveLength(1)
    expect(check.stderr).not.toMatch(/Warning/)

    const help = run(['--help'])
    expect(help.stdout).toMatch(/convert/)
    expect(help.stdout).toMatch(/check/)
  }, 600_000)
})
