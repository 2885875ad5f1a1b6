/**
 * Start-up of every command but convert's fast path: oclif, without an oclif.manifest.json (a
 * checkout, an install from git), imports every command module on every run to learn its flags.
 * So a command module imports at its top only what its class needs (oclif, BaseCommand, the flag
 * helpers, types) and loads its core in run() (src/cli/cores/). Run as users run the CLI
 * (bin/dev.js: oclif over src/) with a recorder of every module loaded, loading the commands
 * must load none of the cores: nothing of xenlift beyond src/commands, src/cli (not cli/cores)
 * and src/model, and none of the dependencies the cores use (ssh2, listr2, yaml, …).
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {REPO_ROOT} from '../helpers/cli.js'

const WHAT_COMMANDS_MAY_LOAD = /^src\/(commands\/.+|cli\/[^/]+|model\/.+)\.ts$/
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {dependencies: Record<string, string>}
/** The runtime dependencies other than oclif and our own plugins: what only the cores use. */
const CORE_DEPENDENCIES = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@oclif/') && !d.startsWith('@xenlift/'))

const tmp = mkdtempSync(join(tmpdir(), 'xenlift-start-up-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
let runs = 0

function runRecorded(args: string[]): {code: number | null; stdout: string; stderr: string; loaded: string[]} {
  const out = join(tmp, `modules-${++runs}.txt`)
  const r = spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'test/helpers/record-modules.mjs'), join(REPO_ROOT, 'bin/dev.js'), ...args], {
    cwd: REPO_ROOT,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', XENLIFT_RECORD_MODULES: out},
    encoding: 'utf8',
  })
  const loaded = readFileSync(out, 'utf8').split('\n').filter(Boolean)
  return {code: r.status, stdout: r.stdout, stderr: r.stderr, loaded}
}

/** xenlift's own modules among the loaded URLs, relative to the repository. */
function ownModules(urls: string[]): string[] {
  return [...new Set(urls.filter((u) => u.startsWith('file:')).map((u) => relative(REPO_ROOT, fileURLToPath(u))))].filter((p) => p.startsWith('src/')).sort()
}

function commandFiles(dir = join(REPO_ROOT, 'src/commands')): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? commandFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(REPO_ROOT, join(dir, e.name))] : []))
}

function expectOnlyCommandsLoaded(loaded: string[]): void {
  const own = ownModules(loaded)
  // Without this the test could pass by loading nothing (an oclif.manifest.json left behind).
  expect(own, 'oclif imported every command module').toEqual(expect.arrayContaining(commandFiles()))
  expect(own.filter((p) => !WHAT_COMMANDS_MAY_LOAD.test(p))).toEqual([])
  expect(loaded.filter((u) => CORE_DEPENDENCIES.some((d) => u.includes(`/node_modules/${d}/`)))).toEqual([])
}

describe('start-up: loading the commands loads no core', () => {
  it('--version', () => {
    const r = runRecorded(['--version'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^xenlift\/\d+\.\d+\.\d+ /)
    expectOnlyCommandsLoaded(r.loaded)
  })

  it('scan --help', () => {
    const r = runRecorded(['scan', '--help'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/--inventory=<value>/)
    expectOnlyCommandsLoaded(r.loaded)
  })

  it('a command that runs loads its own core (the recorder sees lazy imports)', () => {
    const r = runRecorded(['upgrade', 'status', '--state-dir', join(tmp, 'no-state')])
    expect(r.code, r.stderr).toBe(0)
    expect(ownModules(r.loaded)).toEqual(expect.arrayContaining(['src/cli/cores/upgrade/status.ts', 'src/runbook/journal.ts']))
  })
})
