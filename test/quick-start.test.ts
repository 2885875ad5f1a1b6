import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {REPO_ROOT, runCli} from './helpers/cli.js'

/** The xenlift commands of the README's Quick start (after `npm ci && npm run build`), as written there. */
function quickStartCommands(): string[][] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const block = /```sh\n([^`]+)```/.exec(section)?.[1] ?? ''
  return block
    .split('&&')
    .map((c) => c.trim())
    .filter((c) => c.startsWith('./bin/run.js '))
    .map((c) => c.split(/\s+/).slice(1))
}

const built = existsSync(path.join(REPO_ROOT, 'dist', 'commands'))
const out = mkdtempSync(path.join(tmpdir(), 'xenlift-quick-start-'))
afterAll(() => rmSync(out, {recursive: true, force: true}))

describe.skipIf(!built)('the README Quick start on the demo host (needs npm run build)', () => {
  it('runs check and convert, each exits 0 and still shows the findings', async () => {
    const cmds = quickStartCommands()
    expect(cmds.map((c) => c[0])).toEqual(['check', 'convert'])
    const [check, convert] = cmds as [string[], string[]]
    const c = await runCli(check, {bin: 'bin/run.js'})
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toMatch(/\d+ blockers/)
    expect(c.stdout).toMatch(/^\s+blocker\s+PVSCSI\s/m)
    const target = path.join(out, 'demo-out')
    const v = await runCli(convert.map((a) => (a === 'demo-out' ? target : a)), {bin: 'bin/run.js'})
    expect(v.code, v.stderr).toBe(0)
    expect(v.stderr).toMatch(/: (warning|info|blocker): .*\[[A-Z0-9-]+\]/)
    expect(readdirSync(target).filter((f) => f.endsWith('.xml')).length).toBe(3)
  }, 120_000)
})
