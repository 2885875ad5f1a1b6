/**
 * The install path admins use (issue 12): `npm pack` makes a tarball that
 * `npm install -g ./xenlift-*.tgz --prefix DIR` installs into an empty prefix, after which
 * `xenlift` and `xen2libvirt` work from any directory. The pack runs in a copy of the checkout
 * (git's files, node_modules linked), so its prepack build never rewrites this checkout's dist/
 * while other tests read it. The install uses --prefer-offline: packages come from npm's cache,
 * which `npm ci` filled; only package metadata that `npm ci` does not need may be fetched.
 * Slow (minutes on a loaded machine), hence one test.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO_ROOT} from '../helpers/cli.js'

/**
 * The environment without npm's per-run variables (`npm test` sets npm_config_*, which would
 * steer the inner npm) and without the test runner's NODE_ENV=test (with it, oclif maps
 * commands to src/*.ts, as in development).
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|VITEST)/i.test(k) && k !== 'NODE_ENV') env[k] = v
  return {...env, ...extra}
}

describe('npm pack, then npm install -g of the tarball into a clean prefix', () => {
  it('installs xenlift and xen2libvirt, which run from any directory', () => {
    const base = mkdtempSync(join(tmpdir(), 'xenlift-pack-'))
    const src = join(base, 'src')
    mkdirSync(src)
    execFileSync('sh', ['-c', `git ls-files -z | tar --null -T - -cf - | tar -xf - -C '${src}'`], {cwd: REPO_ROOT})
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(src, 'node_modules'))

    const pack = spawnSync('npm', ['pack', '--pack-destination', base], {cwd: src, env: cleanEnv(), encoding: 'utf8'})
    expect(pack.status, pack.stderr).toBe(0)
    const tarball = readdirSync(base).find((f) => /^xenlift-.*\.tgz$/.test(f))
    expect(tarball).toBeDefined()
    const listing = execFileSync('tar', ['tzf', join(base, tarball!)], {encoding: 'utf8'}).split('\n')
    // prepack generated the manifest into the tarball; postpack removed it from the tree.
    expect(listing).toContain('package/oclif.manifest.json')
    expect(listing).toContain('package/dist/commands/convert.js')
    expect(existsSync(join(src, 'oclif.manifest.json'))).toBe(false)

    const prefix = join(base, 'prefix')
    const elsewhere = mkdtempSync(join(tmpdir(), 'xenlift-cwd-'))
    const install = spawnSync('npm', ['install', '-g', join(base, tarball!), '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: elsewhere,
      env: cleanEnv(),
      encoding: 'utf8',
    })
    expect(install.status, install.stderr).toBe(0)
    expect(existsSync(join(prefix, 'lib/node_modules/xenlift/oclif.manifest.json'))).toBe(true)

    // From an unrelated directory, with only the prefix, node and the system on PATH.
    const env = cleanEnv({PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':'), NO_COLOR: '1'})
    const run = (bin: string, args: string[]) => spawnSync(bin, args, {cwd: elsewhere, env, encoding: 'utf8'})
    const version = run('xenlift', ['--version'])
    expect(version.status, version.stderr).toBe(0)
    expect(version.stdout).toMatch(/^xenlift\/\d+\.\d+\.\d+ /)
    const converted = run('xenlift', ['convert', '--libvirt-version', '9.0.0', join(REPO_ROOT, 'fixtures/demo-host/etc/xen/mail01')])
    expect(converted.status, converted.stderr).toBe(0)
    expect(converted.stdout).toMatch(/<name>mail01<\/name>/)
    const checked = run('xenlift', ['check', '--root', join(REPO_ROOT, 'fixtures/demo-host'), '--json'])
    expect([0, 1], checked.stderr).toContain(checked.status)
    expect(JSON.parse(checked.stdout)).toHaveProperty('hosts')
    const help = run('xen2libvirt', ['--help'])
    expect(help.status, help.stderr).toBe(0)
    expect(help.stdout).toMatch(/usage: xen2libvirt/)
  }, 900_000)
})
