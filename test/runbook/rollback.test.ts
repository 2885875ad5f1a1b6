import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {applyFleet} from '../../src/runbook/fleet.js'
import {recordedRuns} from '../../src/runbook/journal.js'
import {rollbackHost} from '../../src/runbook/rollback.js'
import {hostRunStatus} from '../../src/runbook/status.js'
import {LocalTransport} from '../../src/transport/local.js'
import {applyOptions, planSim, simDeps} from './engine-harness.js'
import {planSimHost, repoStrategies} from './strategies.js'
import {cleanXendHost} from './upgrade-hosts.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-rollback-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

const xmRunning = async (env: Record<string, string>) => {
  const r = await new LocalTransport({env}).exec(['xm', 'list'])
  return `${r.stdout}${r.stderr}`
}

describe('upgrade rollback and status', () => {
  it('after a full upgrade: undefines what the run defined, restores the toolstack setting, xend back with the domains that ran', async () => {
    const h = await cleanXendHost(dir, 'deb-rb')
    const plan = await planSim([h])
    const opts = applyOptions(dir)
    const r = await applyFleet(plan, await simDeps([h]), opts)
    expect(r.outcomes[0]?.status).toBe('done')
    expect(await readFile(path.join(h.root, 'etc/default/xen'), 'utf8')).toContain('TOOLSTACK=xl')
    const [run] = await recordedRuns(opts.stateDir, {hosts: ['deb-rb']})
    expect(run && hostRunStatus(run)).toMatchObject({state: 'done', completed: ['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify']})
    const deps = await simDeps([h])
    const out = await rollbackHost(run as NonNullable<typeof run>, deps, {controller: 'test', commandTimeoutMs: 60_000})
    expect(out.status, out.message).toBe('done')
    expect(await h.libvirtDomains()).toEqual({})
    expect(await readFile(path.join(h.root, 'etc/default/xen'), 'utf8')).toMatch(/^TOOLSTACK=xm$/m)
    expect(await xmRunning(h.env)).toMatch(/^app01 /m)
    const log = await h.commandLog()
    expect(log.some((l) => l.includes('begin systemctl enable xend'))).toBe(true)
    expect(log.some((l) => l.includes('begin systemctl stop libvirtd'))).toBe(true)
    const [after] = await recordedRuns(opts.stateDir, {hosts: ['deb-rb']})
    expect(after && hostRunStatus(after).state).toBe('rolled-back')
  }, 300_000)

  it('a failed package install stops the host at switch (status says where and why); rollback brings xend and the domain back', async () => {
    const h = await cleanXendHost(dir, 'deb-fi', {failInstall: true})
    const plan = await planSim([h], 'p-fi')
    const opts = applyOptions(dir)
    const r = await applyFleet(plan, await simDeps([h]), opts)
    expect(r.outcomes[0]).toMatchObject({status: 'failed', step: 'switch'})
    expect(r.outcomes[0]?.message).toMatch(/package installation failed: .*dpkg returned an error code/)
    const [run] = await recordedRuns(opts.stateDir, {planId: 'p-fi'})
    const s = hostRunStatus(run as NonNullable<typeof run>)
    expect(s).toMatchObject({state: 'failed', completed: ['preflight', 'backup', 'shutdown', 'dump'], stoppedAt: {step: 'switch'}})
    expect(await xmRunning(h.env)).toContain('Is xend running?') // xend stopped by the switch
    const out = await rollbackHost(run as NonNullable<typeof run>, await simDeps([h]), {controller: 'test', commandTimeoutMs: 60_000})
    expect(out.status, out.message).toBe('done')
    expect(await xmRunning(h.env)).toMatch(/^app01 /m)
  }, 300_000)

  it('is refused past the point of no return the plan shows (a strategy that purges xend)', async () => {
    const h = await cleanXendHost(dir, 'deb-pnr')
    const debian = (await repoStrategies()).find((s) => s.strategy.id === 'debian-apt')?.strategy
    if (!debian) throw new Error('no debian strategy')
    const purge = {strategy: {...debian, id: 'debian-purge', installCommands: () => debian.installCommands.call(debian), removesXend: 'xend packages are purged and this strategy cannot reinstall them'}, plugin: 'test'}
    const hostPlan = await planSimHost(h, {strategies: [purge], planId: 'p-pnr'})
    expect(hostPlan.pointOfNoReturn).toEqual({step: 'switch', reason: 'xend packages are purged and this strategy cannot reinstall them'})
    const plan = {...(await planSim([], 'p-pnr')), hosts: [hostPlan], summary: {hosts: 1, ready: 1, blocked: 0, unreachable: 0}}
    const deps = {...(await simDeps([h])), strategies: [purge]}
    const opts = applyOptions(dir)
    expect((await applyFleet(plan, deps, opts)).outcomes[0]?.status).toBe('done')
    const [run] = await recordedRuns(opts.stateDir, {planId: 'p-pnr'})
    expect(run && hostRunStatus(run).pointOfNoReturn).toMatchObject({step: 'switch', passed: true})
    const out = await rollbackHost(run as NonNullable<typeof run>, deps, {controller: 'test', commandTimeoutMs: 60_000})
    expect(out).toMatchObject({status: 'refused'})
    expect(out.message).toContain('past its point of no return (step switch: xend packages are purged')
    expect(Object.keys(await h.libvirtDomains()).sort()).toEqual(['app01', 'db01'])
  }, 300_000)
})
