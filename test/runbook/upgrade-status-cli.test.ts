import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'

describe('xenlift upgrade status / rollback (CLI edges)', () => {
  it('status of an empty state dir says so (exit 0, --json an empty list); rollback needs a PLAN or --host (exit 2)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xenlift-status-'))
    try {
      const s = await runCli(['upgrade', 'status', '--state-dir', dir])
      expect(s.code, s.stderr).toBe(0)
      expect(s.stdout).toBe(`no upgrade run recorded in ${dir}\n`)
      const j = await runCli(['upgrade', 'status', '--state-dir', dir, '--json'])
      expect(JSON.parse(j.stdout)).toEqual({hosts: []})
      const r = await runCli(['upgrade', 'rollback', '--state-dir', dir, '--yes'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('give a PLAN or --host')
      const h = await runCli(['upgrade', 'rollback', '--host', 'nosuch', '--state-dir', dir, '--yes'])
      expect(h.code).toBe(2)
      expect(h.stderr).toContain('no recorded upgrade run for nosuch')
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }, 120_000)
})
