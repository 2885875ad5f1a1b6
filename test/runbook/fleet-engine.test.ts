import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {applyFleet} from '../../src/runbook/fleet.js'
import {journalState, readJournal} from '../../src/runbook/journal.js'
import {applyOptions, planSim, simDeps} from './engine-harness.js'
import {cleanXendHost} from './upgrade-hosts.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-fleet-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('fleet: canary, Ctrl-C', () => {
  it('a failed canary: nothing else starts; the other hosts are skipped and untouched', async () => {
    const c = await cleanXendHost(dir, 'a-canary', {failInstall: true})
    const o = await cleanXendHost(dir, 'b-other')
    const plan = await planSim([c, o], 'p-can')
    const deps = await simDeps([c, o])
    const planned = (await o.commandLog()).length
    const r = await applyFleet(plan, deps, applyOptions(dir, {canary: 1}))
    expect(r.outcomes.map((x) => [x.host, x.status])).toEqual([
      ['a-canary', 'failed'],
      ['b-other', 'skipped'],
    ])
    expect(r.stopped).toMatch(/^canary failed \(a-canary\)/)
    expect((await o.commandLog()).slice(planned)).toEqual([])
    expect(deps.events.filter((e) => e.type === 'batch-start')).toHaveLength(1)
  }, 300_000)

  it('Ctrl-C: the step in flight ends at a safe point, the journal says interrupted, --resume finishes', async () => {
    const h = await cleanXendHost(dir, 'c-int', {dbRunning: true})
    const plan = await planSim([h], 'p-int')
    const abort = new AbortController()
    const deps = await simDeps([h], {signal: abort.signal})
    const emit = deps.emit
    // Ctrl-C while the first domain shuts down
    const withAbort = {...deps, emit: (e: Parameters<typeof emit>[0]) => {
      emit(e)
      if (e.type === 'note' && e.message.startsWith('xm shutdown -w')) abort.abort()
    }}
    const r = await applyFleet(plan, withAbort, applyOptions(dir))
    expect(r.outcomes[0]).toMatchObject({status: 'interrupted', step: 'shutdown'})
    const entries = await readJournal(r.outcomes[0]?.journal as string)
    expect(entries.at(-1)).toMatchObject({type: 'run-end', status: 'interrupted', step: 'shutdown'})
    expect([...journalState(entries).completed.keys()]).toEqual(['preflight', 'backup'])
    // one domain was shut down (the step in flight finished its command), the other still runs
    const shut = (await h.commandLog()).filter((l) => l.includes(' begin xm shutdown'))
    expect(shut).toHaveLength(1)
    // domains went down: the host is half-way and stays this run's (the lock is kept for --resume)
    expect(entries.at(-1)?.data).toEqual({lock: 'kept'})
    expect(await readFile(path.join(h.root, 'var/lib/xenlift/lock'), 'utf8')).toContain('"runId":"run1"')
    const again = await applyFleet(plan, await simDeps([h]), applyOptions(dir, {resume: true}))
    expect(again.outcomes[0]).toMatchObject({status: 'done'})
    expect((await h.commandLog()).filter((l) => l.includes(' begin xm shutdown'))).toHaveLength(2)
    await expect(readFile(path.join(h.root, 'var/lib/xenlift/lock'), 'utf8')).rejects.toThrow(/ENOENT/)
  }, 300_000)
})
