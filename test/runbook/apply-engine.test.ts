import {readFile, stat} from 'node:fs/promises'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {applyFleet} from '../../src/runbook/fleet.js'
import {journalState, readJournal} from '../../src/runbook/journal.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {applyOptions, planSim, simDeps} from './engine-harness.js'
import {APP01_UUID, autoLink, cleanXendHost, DB01_UUID, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-apply-'))
})
afterAll(() => (process.env.KEEP ? undefined : rm(dir, {recursive: true, force: true})))

describe('upgrade apply engine (headless, simulated dom0s)', () => {
  it('upgrades a PV and an HVM domain end to end; the blocked host is untouched', async () => {
    const a = await cleanXendHost(dir, 'deb-a', {dbRunning: true})
    await autoLink(a, 'db01')
    const blocked = await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO})
    const plan = await planSim([a, blocked])
    expect(plan.hosts.map((h) => h.status)).toEqual(['ready', 'blocked'])
    const deps = await simDeps([a, blocked])
    const opts = applyOptions(dir)
    const r = await applyFleet(plan, deps, opts)
    expect(r.outcomes.map((o) => [o.host, o.status, o.step, o.message])).toEqual([
      ['deb-a', 'done', undefined, undefined],
      ['sles-demo', 'blocked', undefined, expect.stringContaining('blocked')],
    ])
    // every domain defined with its uuid, the password delivered to libvirt (not in the plan)
    expect(await a.libvirtDomains()).toEqual({app01: APP01_UUID, db01: DB01_UUID})
    expect(await a.libvirtXml('db01')).toContain(`passwd='${VNC_PASSWORD}'`)
    // running again under libvirt, in the old order (auto link first)
    const active = JSON.parse(await readFile(path.join(a.root, '.sim/libvirt/active.json'), 'utf8')) as Record<string, number>
    expect(Object.keys(active).sort((x, y) => (active[x] ?? 0) - (active[y] ?? 0))).toEqual(['db01', 'app01'])
    // the toolstack switched: xend off and disabled, TOOLSTACK=xl
    const log = await a.commandLog()
    expect(log.some((l) => l.includes('begin systemctl disable xend'))).toBe(true)
    expect(await readFile(path.join(a.root, 'etc/default/xen'), 'utf8')).toMatch(/^TOOLSTACK=xl$/m)
    // the backup: on the controller, mode 0600, its sha256 recorded and right
    const journal = await readJournal(r.outcomes[0]?.journal as string)
    const state = journalState(journal)
    expect([...state.completed.keys()]).toEqual(['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify'])
    const b = state.completed.get('backup')?.data as {local: string; sha256: string}
    expect((await stat(b.local)).mode & 0o777).toBe(0o600)
    expect(state.completed.get('shutdown')?.data).toMatchObject({order: ['db01', 'app01']})
    // no password anywhere the controller keeps text; the lock released; the journal copy on the host
    for (const f of [r.outcomes[0]?.journal, r.outcomes[0]?.log]) expect(await readFile(f as string, 'utf8')).not.toContain(VNC_PASSWORD)
    await expect(stat(path.join(a.root, 'var/lib/xenlift/lock'))).rejects.toThrow()
    const hostJournal = (await readFile(path.join(a.root, 'var/lib/xenlift/journal.jsonl'), 'utf8')).trim().split('\n')
    expect(JSON.parse(hostJournal.at(-1) as string)).toMatchObject({type: 'run-end', status: 'done'})
    // the blocked host: nothing but reads ran on it
    expect((await blocked.commandLog()).filter((l) => / begin (xm shutdown|systemctl (stop|disable)|zypper|virsh -c xen:\/\/\/system define)/.test(l))).toEqual([])
    expect(deps.events.filter((e) => e.type === 'step-end').map((e) => e.type === 'step-end' && e.step)).toHaveLength(9)
  }, 240_000)
})
