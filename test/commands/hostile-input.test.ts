import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-hostile-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('a hostile inventory never reaches a shell', () => {
  it("ansible_host='x;touch …' is refused with file:line (usage error) and the ProxyCommand never runs", async () => {
    // ~/.ssh/config with a ProxyCommand: %h and %r are expanded into a /bin/sh -c command line.
    const home = path.join(dir, 'home')
    await mkdir(path.join(home, '.ssh'), {recursive: true})
    await writeFile(path.join(home, '.ssh/config'), 'Host *\n  ProxyCommand echo %r@%h:%p >/dev/null\n')
    const marker = path.join(dir, 'pwned')
    const inv = path.join(dir, 'hostile.ini')
    await writeFile(inv, `[dom0s]\nevil ansible_host='x;touch ${marker}' ansible_port=2222\n`)
    for (const cmd of ['scan', 'check']) {
      const r = await runCli([cmd, '--inventory', inv, '--timeout', '5'], {env: {HOME: home}})
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(`${inv}:2:1: error: host evil: ansible_host "x;touch ${marker}" is not a host name`)
      expect((await readdir(dir)).filter((f) => f.startsWith('pwned'))).toEqual([])
    }
  }, 120_000)
})

describe('--limit', () => {
  it('an invalid ~regex is a usage error (exit 2), not a selection of nothing', async () => {
    const r = await runCli(['scan', '--inventory', 'fixtures/inventories/fleet.ini', '--limit', '~dom0-(a'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--limit ~dom0-\(a: not a valid regular expression/)
  }, 60_000)
})
