import {existsSync, mkdtempSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

const DEMO = join(REPO_ROOT, 'fixtures/demo-host')
// Bob's win2k8: HVM, vnclisten 0.0.0.0, (vncpasswd 'S3cr3t!').
const WIN = join(DEMO, 'var/lib/xend/domains/a3e2c9d4-5f61-4b7a-8c3e-91d2f0b6e4a7/config.sxp')
const MAIL01 = join(DEMO, 'etc/xen/mail01')
const SECRET = 'S3cr3t!'

describe('convert --security-info', () => {
  it('omits the password by default in every output format, and says how to get it', {timeout: 180_000}, async () => {
    for (const to of ['libvirt', 'xl', 'xm']) {
      const r = await runCli(['convert', '--libvirt-version', '9.0.0', '--to', to, WIN])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout, to).not.toContain(SECRET)
      expect(r.stdout, to).not.toMatch(/passwd/)
      expect(r.stderr).not.toContain(SECRET)
      expect(r.stderr).toMatch(/--security-info/)
    }
  })

  it('writes it with the flag: passwd= in the XML, vncpasswd in xl and xm', {timeout: 180_000}, async () => {
    const xml = await runCli(['convert', '--security-info', '--libvirt-version', '9.0.0', WIN])
    expect(xml.code, xml.stderr).toBe(0)
    expect(xml.stdout).toMatch(/<graphics type='vnc' port='-1' autoport='yes' listen='0\.0\.0\.0' keymap='de' passwd='S3cr3t!'>/)
    for (const to of ['xl', 'xm']) {
      const r = await runCli(['convert', '--security-info', '--to', to, WIN])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`vncpasswd = "${SECRET}"`)
      // Diagnostics still mask it.
      expect(r.stderr).not.toContain(SECRET)
    }
  })

  it('with -o, files that hold a password are mode 0600 and the others are not', {timeout: 180_000}, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'xenlift-secinfo-')), 'out')
    for (const to of ['libvirt', 'xl', 'xm']) {
      const dir = join(out, to)
      const r = await runCli(['convert', '--security-info', '--to', to, '-o', dir, WIN, MAIL01])
      expect(r.code, r.stderr).toBe(0)
      const files = readdirSync(dir).sort()
      expect(files).toHaveLength(2)
      const win = join(dir, files.find((f) => f.startsWith('Bob'))!)
      const mail = join(dir, files.find((f) => f.startsWith('mail01'))!)
      expect(readFileSync(win, 'utf8')).toContain(SECRET)
      expect(statSync(win).mode & 0o777, `${to} ${win}`).toBe(0o600)
      expect(statSync(mail).mode & 0o077, `${to} ${mail}`).not.toBe(0)
    }
    // Without the flag nothing holds a password, so nothing needs 0600.
    const plain = join(out, 'plain')
    expect((await runCli(['convert', '-o', plain, WIN])).code).toBe(0)
    expect(readFileSync(join(plain, readdirSync(plain)[0]!), 'utf8')).not.toContain(SECRET)
  })

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist/cli/fast-convert.js')))('the fast start-up path honours it exactly as oclif does', {timeout: 180_000}, async () => {
    for (const args of [
      ['convert', '--security-info', '--libvirt-version', '9.0.0', WIN],
      ['convert', '--libvirt-version', '9.0.0', WIN],
    ]) {
      const fast = await runCli(args, {bin: 'bin/run.js'})
      const oclif = await runCli(args)
      expect(fast.code).toBe(oclif.code)
      expect(fast.stdout).toBe(oclif.stdout)
      expect(fast.stderr).toBe(oclif.stderr)
    }
  })
})
