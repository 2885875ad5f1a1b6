import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {applyFleet} from '../../src/runbook/fleet.js'
import {journalState, readJournal} from '../../src/runbook/journal.js'
import {FaultTransport} from '../helpers/fault-transport.js'
import {applyOptions, planSim, simDeps} from './engine-harness.js'
import {begun} from './ssh-fleet.js'
import {APP01_UUID, cleanXendHost, DB01_UUID} from './upgrade-hosts.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-resume-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))


describe('upgrade apply: resume, stale plans, locks', () => {
  it('a connection lost during the switch: the host fails there; --resume re-checks the last step, redoes the switch and finishes, nothing done twice', async () => {
    const h = await cleanXendHost(dir, 'deb-r')
    const plan = await planSim([h])
    const drop = await simDeps([h], {wrap: (_n, t) => new FaultTransport(t, {match: /^apt-get install/, when: 'after'})})
    const first = await applyFleet(plan, drop, applyOptions(dir))
    expect(first.outcomes[0]).toMatchObject({status: 'failed', step: 'switch'})
    expect(first.outcomes[0]?.message).toMatch(/connection lost/)

    const again = await simDeps([h])
    const second = await applyFleet(plan, again, applyOptions(dir, {resume: true, runId: 'other-run'}))
    expect(second.outcomes[0]).toMatchObject({status: 'done', runId: 'run1'})
    const entries = await readJournal(second.outcomes[0]?.journal as string)
    // the postcondition of the last completed step (dump) was re-checked before going on
    expect(entries.find((e) => e.type === 'postcondition')).toMatchObject({step: 'dump', status: 'ok'})
    expect(journalState(entries).done).toBe(true)
    const log = await h.commandLog()
    expect(begun(log, /^tar /)).toBe(0) // tar is not a stand-in: it never shows in the sim log…
    expect(begun(log, /^xm shutdown/)).toBe(1)
    expect(begun(log, /^xm list -l$/)).toBe(1) // …but the backup's xm list -l ran once
    expect(begun(log, /^apt-get install/)).toBe(2) // the failed switch was redone
    expect(await h.libvirtDomains()).toEqual({app01: APP01_UUID, db01: DB01_UUID})
    // resuming a finished host does nothing
    const third = await applyFleet(plan, await simDeps([h]), applyOptions(dir, {resume: true}))
    expect(third.outcomes[0]).toMatchObject({status: 'done', message: 'already done in this run'})
  }, 300_000)

  it('refuses a stale plan before anything changes, and a host another run holds', async () => {
    const s = await cleanXendHost(dir, 'deb-s')
    const l = await cleanXendHost(dir, 'deb-l')
    const plan = await planSim([l, s], 'p2')
    await writeFile(path.join(s.root, 'etc/xen/db01'), (await readFile(path.join(s.root, 'etc/xen/db01'), 'utf8')).replace('memory = 1024', 'memory = 2048'))
    await mkdir(path.join(l.root, 'var/lib/xenlift'), {recursive: true})
    await writeFile(path.join(l.root, 'var/lib/xenlift/lock'), '{"controller":"ops@elsewhere","runId":"their-run","since":"2026-12-07T10:00:00Z"}\n')
    const r = await applyFleet(plan, await simDeps([s, l]), applyOptions(dir))
    const by = Object.fromEntries(r.outcomes.map((o) => [o.host, o]))
    expect(by['deb-s']).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by['deb-s']?.message).toMatch(/^plan is stale, plan again: \/etc\/xen changed/)
    expect(by['deb-l']).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by['deb-l']?.message).toMatch(/locked by run their-run from ops@elsewhere/)
    for (const h of [s, l]) expect(begun(await h.commandLog(), /^(xm shutdown|systemctl stop|apt-get)/)).toBe(0)
    expect(await readFile(path.join(l.root, 'var/lib/xenlift/lock'), 'utf8')).toContain('their-run')
  }, 300_000)
})
