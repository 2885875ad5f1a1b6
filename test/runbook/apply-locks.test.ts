/**
 * The host lock (/var/lib/xenlift/lock) on every early exit of apply: a run that stops before the
 * host changed (stale plan, preflight failure, Ctrl-C before a step) releases the lock it took;
 * a lock it did not take is never touched; a run stopped once domains went down keeps its lock
 * for --resume, which finishes and releases it.
 */
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunEvent} from '../../src/runbook/events.js'
import {applyFleet} from '../../src/runbook/fleet.js'
import {readJournal} from '../../src/runbook/journal.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {applyOptions, planSim, simDeps} from './engine-harness.js'
import {begun} from './ssh-fleet.js'
import {cleanXendHost} from './upgrade-hosts.js'

const FOREIGN_LOCK = '{"controller":"ops@elsewhere","runId":"their-run","since":"2026-12-07T10:00:00Z"}\n'
const lockOf = (h: SimHost) => readFile(path.join(h.root, 'var/lib/xenlift/lock'), 'utf8').catch(() => undefined)

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-locks-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('apply: the host lock on every early exit', () => {
  it('stale plan, a failed preflight after the lock, another run\'s lock: only the lock this run took is released', async () => {
    const stale = await cleanXendHost(dir, 'k-stale')
    const full = await cleanXendHost(dir, 'k-full')
    const held = await cleanXendHost(dir, 'k-held')
    const plan = await planSim([stale, full, held], 'p-locks')
    const db = path.join(stale.root, 'etc/xen/db01')
    await writeFile(db, (await readFile(db, 'utf8')).replace('memory = 1024', 'memory = 2048'))
    // k-full: the disk below /var/lib/xenlift is full (a df stand-in), found after the lock is taken
    await writeFile(path.join(full.binDir, 'df'), '#!/bin/sh\necho "Filesystem 1024-blocks Used Available Capacity Mounted on"\necho "/dev/sim 1000 990 10 99% /"\n')
    await chmod(path.join(full.binDir, 'df'), 0o755)
    await mkdir(path.join(held.root, 'var/lib/xenlift'), {recursive: true})
    await writeFile(path.join(held.root, 'var/lib/xenlift/lock'), FOREIGN_LOCK)

    const r = await applyFleet(plan, await simDeps([stale, full, held]), applyOptions(dir, {runId: 'run-l1'}))
    const by = Object.fromEntries(r.outcomes.map((o) => [o.host, o]))
    expect(by['k-stale']).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by['k-stale']?.message).toMatch(/^plan is stale/)
    expect(by['k-full']).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by['k-full']?.message).toMatch(/not enough free space/)
    expect(by['k-held']?.message).toMatch(/locked by run their-run/)
    // k-full took the lock, then let it go (its command log says so); the foreign lock is as it was
    const log = await readFile(by['k-full']?.log as string, 'utf8')
    expect(log).toMatch(/\$ sh -c set -C.* xenlift-lock .*"runId":"run-l1".* -> exit 0/)
    expect(log).toMatch(/\$ sh -c .* xenlift-unlock "runId":"run-l1" .* -> exit 0/)
    expect(await lockOf(full)).toBeUndefined()
    expect(await lockOf(stale)).toBeUndefined()
    expect(await lockOf(held)).toBe(FOREIGN_LOCK)
    expect(await readFile(by['k-held']?.log as string, 'utf8')).toMatch(/xenlift-unlock "runId":"run-l1" .* -> exit 3/)
    const end = (await readJournal(by['k-full']?.journal as string)).at(-1)
    expect(end).toMatchObject({type: 'run-end', status: 'failed', data: {lock: 'released'}})
    expect(end?.message).toMatch(/; lock released$/)
    for (const h of [stale, full, held]) expect(begun(await h.commandLog(), /^(xm shutdown|systemctl stop|apt-get)/)).toBe(0)
  }, 300_000)

  it('Ctrl-C before a step releases the lock; --resume starts again from preflight and finishes', async () => {
    const h = await cleanXendHost(dir, 'k-int')
    const plan = await planSim([h], 'p-lock-int')
    const abort = new AbortController()
    const deps = await simDeps([h], {signal: abort.signal})
    const emit = deps.emit
    const stopAfterPreflight = (e: RunEvent) => {
      emit(e)
      if (e.type === 'step-end' && e.step === 'preflight') abort.abort()
    }
    const r = await applyFleet(plan, {...deps, emit: stopAfterPreflight}, applyOptions(dir, {runId: 'run-i1'}))
    expect(r.outcomes[0]).toMatchObject({status: 'interrupted', step: 'backup'})
    expect(await lockOf(h)).toBeUndefined()
    expect((await readJournal(r.outcomes[0]?.journal as string)).at(-1)).toMatchObject({type: 'run-end', status: 'interrupted', data: {lock: 'released'}})
    // another controller may have taken and left the host meanwhile: preflight runs again
    const again = await applyFleet(plan, await simDeps([h]), applyOptions(dir, {runId: 'run-i1', resume: true}))
    expect(again.outcomes[0]).toMatchObject({status: 'done'})
    const starts = (await readJournal(again.outcomes[0]?.journal as string)).filter((e) => e.type === 'step-start').map((e) => e.step)
    expect(starts).toEqual(['preflight', 'preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify'])
    expect(await lockOf(h)).toBeUndefined()
  }, 300_000)
})
