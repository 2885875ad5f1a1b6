import pLimit from 'p-limit'
import type {HostOutcome} from './events.js'
import {type HostRunDeps, type HostRunOptions, runHost} from './host-runner.js'
import type {HostPlan, PlanDocument} from './plan-document.js'

export interface FleetOptions extends HostRunOptions {
  /** Hosts worked on at once (default 5). */
  readonly concurrency: number
  /** Hosts per batch: a count, or a percentage of the ready hosts (`{percent: 25}`). Absent: one batch. */
  readonly batch?: {readonly count: number} | {readonly percent: number}
  /** The first N ready hosts run alone; nothing else starts unless all of them succeed. */
  readonly canary?: number
  /**
   * Stop starting new batches when MORE THAN this percentage of the hosts attempted so far failed
   * (Ansible's max_fail_percentage semantics: 2 of 4 failed is 50%, which does not exceed 50).
   */
  readonly maxFailPercent?: number
}

export interface FleetResult {
  /** Every host of the plan, in plan order. */
  readonly outcomes: HostOutcome[]
  /** Why no further batch was started, if one was not. */
  readonly stopped?: string
}

/** Split the ready hosts into batches: the canary first, then batches of the --batch size. */
export function batches(hosts: readonly HostPlan[], opts: Pick<FleetOptions, 'batch' | 'canary'>): {hosts: HostPlan[]; canary: boolean}[] {
  const out: {hosts: HostPlan[]; canary: boolean}[] = []
  let rest = [...hosts]
  if (opts.canary !== undefined && opts.canary > 0) {
    out.push({hosts: rest.slice(0, opts.canary), canary: true})
    rest = rest.slice(opts.canary)
  }
  const size = opts.batch === undefined ? rest.length : 'count' in opts.batch ? opts.batch.count : Math.ceil((hosts.length * opts.batch.percent) / 100)
  const n = Math.max(1, size)
  for (let i = 0; i < rest.length; i += n) out.push({hosts: rest.slice(i, i + n), canary: false})
  return out
}

/** Has the failure budget been spent? Strictly more than `max` percent of the attempted hosts failed. */
export function overFailBudget(failed: number, attempted: number, maxPercent: number | undefined): boolean {
  if (maxPercent === undefined || attempted === 0) return false
  return (failed * 100) / attempted > maxPercent
}

/**
 * Apply a plan to its fleet: blocked and unreachable hosts are reported untouched; ready hosts run
 * batch after batch, `concurrency` at a time within a batch. A host's failure stops that host
 * only. After a failed canary, a spent failure budget (--max-fail-percent) or Ctrl-C, no further
 * batch starts and its hosts are `skipped`.
 */
export async function applyFleet(plan: PlanDocument, deps: HostRunDeps, opts: FleetOptions): Promise<FleetResult> {
  const outcomes = new Map<string, HostOutcome>()
  const ready = plan.hosts.filter((h) => h.status === 'ready')
  for (const h of plan.hosts.filter((x) => x.status !== 'ready')) {
    const o: HostOutcome = {host: h.host, status: 'blocked', message: h.status === 'unreachable' ? `unreachable when planned: ${h.error ?? ''}` : `blocked: ${h.blockers.filter((b) => !b.waived).map((b) => b.rule).join(', ') || 'open questions'}`}
    outcomes.set(h.host, o)
    deps.emit({type: 'host-end', outcome: o})
  }
  const limit = pLimit(Math.max(1, opts.concurrency))
  let stopped: string | undefined
  let attempted = 0
  let failed = 0
  const list = batches(ready, opts)
  for (const [i, b] of list.entries()) {
    if (stopped === undefined && deps.signal.aborted) stopped = 'interrupted (Ctrl-C)'
    if (stopped !== undefined) {
      for (const h of b.hosts) {
        const o: HostOutcome = {host: h.host, status: 'skipped', message: stopped}
        outcomes.set(h.host, o)
        deps.emit({type: 'host-end', outcome: o})
      }
      continue
    }
    deps.emit({type: 'batch-start', batch: i + 1, hosts: b.hosts.map((h) => h.host), canary: b.canary})
    const results = await Promise.all(
      b.hosts.map((h) =>
        limit(async () => {
          if (deps.signal.aborted) return {host: h.host, status: 'skipped', message: 'interrupted (Ctrl-C) before it started'} as HostOutcome
          try {
            return await runHost(plan, h, deps, opts)
          } catch (error) {
            // A journal write failing (disk full on the controller) ends this host, not the fleet.
            return {host: h.host, status: 'failed', message: (error as Error).message} as HostOutcome
          }
        }),
      ),
    )
    for (const o of results) {
      outcomes.set(o.host, o)
      deps.emit({type: 'host-end', outcome: o})
    }
    attempted += results.filter((o) => o.status !== 'skipped').length
    failed += results.filter((o) => o.status === 'failed').length
    if (b.canary && results.some((o) => o.status !== 'done')) stopped = `canary failed (${results.filter((o) => o.status !== 'done').map((o) => o.host).join(', ')}); no other host started`
    else if (overFailBudget(failed, attempted, opts.maxFailPercent)) stopped = `more than ${opts.maxFailPercent}% of the hosts failed (${failed} of ${attempted}); no further batch started`
    else if (results.some((o) => o.status === 'interrupted') || deps.signal.aborted) stopped = 'interrupted (Ctrl-C)'
    if (stopped !== undefined && i < list.length - 1) deps.emit({type: 'fleet-stop', reason: stopped})
  }
  return {outcomes: plan.hosts.map((h) => outcomes.get(h.host) as HostOutcome), ...(stopped !== undefined ? {stopped} : {})}
}
