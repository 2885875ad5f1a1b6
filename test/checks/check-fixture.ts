import {existsSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {CheckReport} from '../../src/checks/check-report.js'
import {runChecks, type CheckOptions} from '../../src/checks/run-checks.js'
import {collectLocal} from '../../src/host/collect-local.js'

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/**
 * Check a fixture the way the command does: a file as a named input, a directory as a host root.
 * A host root may hold `live-host.json`, what a live host would have told (`running`,
 * `runningError`), which a mounted tree cannot.
 */
export async function checkPath(p: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const isDir = statSync(p).isDirectory()
  const c = await collectLocal(isDir ? {paths: [], root: p} : {paths: [p]})
  if (c.errors.length > 0) throw new Error(c.errors.join('\n'))
  const live = path.join(p, 'live-host.json')
  const extra = isDir && existsSync(live) ? (JSON.parse(readFileSync(live, 'utf8')) as {running?: string[]; runningError?: string}) : {}
  return runChecks(c.inventories.map((inv) => ({...inv, ...extra})), opts)
}
