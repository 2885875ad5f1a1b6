import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runChecks} from '../../src/checks/run-checks.js'
import {collectHostInventory, withRunning} from '../../src/host/check-inventory.js'
import {collectFacts} from '../../src/host/facts.js'
import {importFleet} from '../../src/host/import-fleet.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost, type SimHostOptions} from '../helpers/sim-host/create-sim-host.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const WEB01 = 'var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-import-fleet-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

/** What `check --host` calls blocked and what `import --dry-run` stops, on one live simulated host. */
async function blockedBoth(opts: Omit<SimHostOptions, 'dir'>) {
  const h = await createSimHost({dir, ...opts})
  const t = new LocalTransport({env: h.env, root: h.root})
  const facts = await collectFacts(t)
  const inv = withRunning(await collectHostInventory(h.name, t), {running: facts.running, ...(facts.runningError !== undefined ? {error: facts.runningError} : {})})
  const report = runChecks([inv])
  const [imported] = await importFleet([{name: h.name, open: async () => ({transport: t, files: t, offline: false})}], {dryRun: true})
  const domains = imported?.domains ?? []
  const duplicates = new Set(domains.filter((d) => d.action === 'duplicate').map((d) => `${d.source} ${d.name}`))
  const check = (report.hosts[0]?.domains ?? []).filter((d) => d.blocker > 0).map((d) => `${d.file} ${d.name}`).filter((k) => !duplicates.has(k)).sort()
  const imp = domains.filter((d) => d.action === 'blocked').map((d) => `${d.source} ${d.name}`).sort()
  const codes = (name: string) => [...new Set(domains.find((d) => d.name === name && d.action !== 'duplicate')?.blockers.map((b) => b.code))]
  return {check, imp, codes}
}

describe('import blocks exactly where check blocks (one source of truth: runChecks)', () => {
  it('a domain running now outside libvirt (MIG-LIVE) is blocked in both', async () => {
    const r = await blockedBoth({name: 'live', profile: 'debian12-libvirt', tree: DEMO, running: [{name: 'web01', sxp: WEB01}]})
    expect(r.codes('web01')).toContain('MIG-LIVE')
    expect(r.imp).toEqual(r.check)
    expect(r.imp.some((k) => k.endsWith(' web01'))).toBe(true)
  })

  it('a login that may not list running domains blocks every domain in both (RUNNING-UNKNOWN)', async () => {
    const r = await blockedBoth({name: 'user', profile: 'sles11-xend', tree: DEMO, nonRootLogin: true, libvirt: {version: '9.0.0', libxl: true}, running: [{name: 'web01', sxp: WEB01}]})
    expect(r.codes('mail01')).toEqual(['RUNNING-UNKNOWN'])
    expect(r.imp).toEqual(r.check)
  })
})
