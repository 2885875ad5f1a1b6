import {statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {CheckReport} from '../../src/checks/check-report.js'
import {runChecks, type CheckOptions} from '../../src/checks/run-checks.js'
import {collectLocal} from '../../src/host/collect-local.js'

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/** Check a fixture the way the command does: a file as a named input, a directory as a host root. */
export async function checkPath(p: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const isDir = statSync(p).isDirectory()
  const c = await collectLocal(isDir ? {paths: [], root: p} : {paths: [p]})
  if (c.errors.length > 0) throw new Error(c.errors.join('\n'))
  return runChecks(c.inventories, opts)
}
