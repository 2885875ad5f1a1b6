import {collectFacts} from '../../host/facts.js'
import {collectFingerprint, fingerprintChanges} from '../fingerprint.js'
import {ETC_XEN_DIR, XEND_DOMAINS_DIR} from '../host-paths.js'
import type {PlanAction} from '../plan-document.js'
import {type ApplyOptions, type Step, type StepContext, StepError} from '../step.js'
import {exec, hp, must, planPaths, run} from './common.js'
import {queryUnitStates, type UnitState, unitStateArgv} from './services.js'

/** Lock file content: who holds the host. */
export interface LockInfo {
  readonly controller: string
  readonly runId: string
  readonly since: string
}

/** Room for the tarball, the staging copy and the XMLs, with a margin. */
function neededKiB(ctx: {host: {fingerprint?: {inputs: {xendDomains: {bytes: number}; etcXen: {bytes: number}}}}}): number {
  const fp = ctx.host.fingerprint?.inputs
  const bytes = (fp?.xendDomains.bytes ?? 0) + (fp?.etcXen.bytes ?? 0)
  return Math.ceil((bytes * 3) / 1024) + 10 * 1024
}

/**
 * preflight: the plan still matches the host (fingerprint, running domains), the host is ours
 * (lock with controller and run id; another run's lock refuses the host), there is room for the
 * backup, and the libvirt version the XML was written for is known.
 */
export const preflight: Step = {
  id: 'preflight',
  title: 'preflight: fingerprint, lock, free space',
  describe(ctx) {
    const p = planPaths(ctx.planId)
    const actions: PlanAction[] = [
      exec(['xm', 'list'], {note: 'facts: running domains must be those of the plan'}),
      exec([...ctx.strategy.packageQuery], {note: 'fingerprint: installed package versions'}),
      exec(['virsh', '-c', 'xen:///system', 'list', '--all', '--uuid', '--name'], {note: "fingerprint: libvirt's defined domains"}),
      {kind: 'fetch', path: hp(ctx, XEND_DOMAINS_DIR), to: '(memory)', note: `fingerprint: ${XEND_DOMAINS_DIR} and ${ETC_XEN_DIR} hashed and compared with the plan; a difference refuses the host ("plan is stale, plan again")`},
      exec(['mkdir', '-p', '-m', '0700', hp(ctx, p.stateDir)]),
      exec(['sh', '-c', 'set -C; printf "%s\\n" "$1" > "$2"', 'xenlift-lock', '{"controller":…,"runId":…,"since":…}', hp(ctx, p.lock)], {note: 'take the lock (fails if another run holds it)'}),
      exec(['df', '-Pk', hp(ctx, p.stateDir)], {note: `at least ${neededKiB(ctx)} KiB free for the backup`}),
      ...(ctx.strategy.xendServices.length ? [exec(unitStateArgv(ctx.strategy.xendServices), {note: 'record whether each of xend\'s services is enabled and running (journal): rollback restores exactly that'})] : []),
    ]
    return actions
  },
  async apply(ctx) {
    const p = planPaths(ctx.planId)
    const lock = await readLock(ctx)
    if (lock && lock.runId === ctx.options.runId) {
      // Our own lock: a resumed run. The plan check already passed before the lock was taken;
      // the host is still as planned (the lock is kept only from the shutdown step on).
      const services = await recordServices(ctx)
      return {status: 'ok', message: `lock held by this run (${lock.runId}); ${describeServices(services)}`, data: {lock, services}}
    }
    if (lock) throw lockedError(p.lock, lock)
    const facts = await collectFacts(ctx.files, {timeoutMs: ctx.options.commandTimeoutMs, ...(ctx.options.sudo ? {sudo: true} : {})})
    const planned = new Set(ctx.host.facts?.running ?? [])
    const extra = facts.running.map((r) => r.name).filter((n) => !planned.has(n))
    if (extra.length > 0) throw new StepError(`plan is stale, plan again: ${extra.join(', ')} started since planning`)
    const fp = await collectFingerprint(ctx.exec, ctx.files, ctx.strategy, {timeoutMs: ctx.options.commandTimeoutMs, ...(ctx.options.sudo ? {sudo: true} : {})})
    if (ctx.host.fingerprint && fp.sha256 !== ctx.host.fingerprint.sha256) {
      throw new StepError(`plan is stale, plan again: ${fingerprintChanges(ctx.host.fingerprint.inputs, fp.inputs).join('; ') || 'the host changed'}`)
    }
    if (ctx.host.targetLibvirtVersion === undefined) throw new StepError('the target libvirt version is unknown (no strategy claimed the host)')
    await must(ctx, ['mkdir', '-p', '-m', '0700', hp(ctx, p.stateDir)])
    const mine: LockInfo = {controller: ctx.options.controller, runId: ctx.options.runId, since: new Date().toISOString()}
    const took = await run(ctx, ['sh', '-c', 'set -C; printf "%s\\n" "$1" > "$2"', 'xenlift-lock', JSON.stringify(mine), hp(ctx, p.lock)])
    if (took.exitCode !== 0) {
      const other = await readLock(ctx)
      if (other && other.runId !== ctx.options.runId) throw lockedError(p.lock, other)
      if (!other) throw new StepError(`cannot create the lock ${p.lock}: ${took.stderr.trim()}`)
    }
    const df = await must(ctx, ['df', '-Pk', hp(ctx, p.stateDir)])
    const avail = Number(df.stdout.trim().split('\n').at(-1)?.split(/\s+/)[3])
    const need = neededKiB(ctx)
    if (Number.isFinite(avail) && avail < need) throw new StepError(`not enough free space for the backup below ${p.stateDir}: ${avail} KiB free, ${need} KiB needed`)
    const services = await recordServices(ctx)
    return {status: 'changed', message: `lock taken; ${Number.isFinite(avail) ? `${avail} KiB free` : 'free space unknown'}; target libvirt ${ctx.host.targetLibvirtVersion}; ${describeServices(services)}`, data: {lock: mine, freeKiB: avail, services}}
  },
  async verify(ctx) {
    const lock = await readLock(ctx)
    return lock?.runId === ctx.options.runId ? undefined : 'the host lock is not held by this run'
  },
}

/**
 * Remove the host lock if, and only if, this run holds it (its run id is in the file): a lock of
 * another run or controller is never touched. True when it was removed.
 */
export async function releaseLock(ctx: Pick<StepContext, 'exec' | 'planId' | 'root'> & {readonly options: Pick<ApplyOptions, 'runId' | 'commandTimeoutMs' | 'sudo'>}): Promise<boolean> {
  const lock = hp(ctx, planPaths(ctx.planId).lock)
  const mine = `"runId":${JSON.stringify(ctx.options.runId)}`
  const r = await ctx.exec.exec(['sh', '-c', 'grep -qF -e "$1" -- "$2" 2>/dev/null || exit 3; rm -f -- "$2"', 'xenlift-unlock', mine, lock], {
    env: {LC_ALL: 'C'},
    timeoutMs: ctx.options.commandTimeoutMs,
    ...(ctx.options.sudo ? {sudo: true} : {}),
  })
  return r.exitCode === 0
}

/**
 * xend's services as they are before anything changes, for the journal (preflight's data):
 * rollback enables only what was enabled and starts only what was running. One remote command.
 */
async function recordServices(ctx: StepContext): Promise<UnitState[]> {
  return queryUnitStates((argv) => run(ctx, argv), ctx.strategy.xendServices)
}

function describeServices(states: readonly UnitState[]): string {
  return states.map((s) => `${s.unit} ${s.enabled}/${s.active}`).join(', ') || 'no xend services'
}

export async function readLock(ctx: Pick<StepContext, 'files' | 'planId'>): Promise<LockInfo | undefined> {
  try {
    const text = (await ctx.files.readFile(planPaths(ctx.planId).lock)).toString('utf8')
    const o = JSON.parse(text) as Partial<LockInfo>
    return {controller: String(o.controller ?? '?'), runId: String(o.runId ?? '?'), since: String(o.since ?? '?')}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /no such file/i.test((error as Error).message)) return undefined
    if (error instanceof SyntaxError) return {controller: '?', runId: '(unreadable lock)', since: '?'}
    throw error
  }
}

function lockedError(path: string, lock: LockInfo): StepError {
  return new StepError(`host is locked by run ${lock.runId} from ${lock.controller} since ${lock.since}; a second run is refused (if that run is gone, check the host and remove ${path})`)
}
