import {createRequire} from 'node:module'
import pLimit from 'p-limit'
import type {Policy} from '../checks/policy.js'
import {gatherHost} from '../host/gather.js'
import {openHost, type HostTarget, type OpenedHost} from '../host/open-host.js'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import type {HostProgress} from '../ui/host-progress.js'
import {PLAN_FORMAT, PLAN_VERSION, type HostPlan, type PlanConnection, type PlanDocument} from './plan-document.js'
import {newPlanId, planHost} from './plan-host.js'
import type {PolicyAnswer} from './questions.js'
import type {ProvidedStrategy} from './strategy.js'

export interface PlanFleetOptions {
  readonly strategies: readonly ProvidedStrategy[]
  readonly ssh?: SshTransportOptions
  readonly concurrency?: number
  readonly timeoutMs?: number
  readonly sudo?: boolean
  readonly policy?: Policy & {readonly sha256?: string}
  readonly answers?: readonly PolicyAnswer[]
  readonly ignore?: readonly string[]
  readonly progress?: HostProgress
  /** Fixed plan id (tests); default random. */
  readonly planId?: string
}

/** How apply reaches a host again. */
export function connectionOf(t: HostTarget): PlanConnection {
  if (t.kind === 'local') return {kind: 'local', ...(t.root !== undefined ? {root: t.root} : {})}
  return {
    kind: 'ssh',
    hostname: t.spec.hostname,
    ...(t.spec.port !== undefined ? {port: t.spec.port} : {}),
    ...(t.spec.user !== undefined ? {user: t.spec.user} : {}),
    ...(t.root !== undefined ? {root: t.root} : {}),
  }
}

/**
 * Plan every host, `concurrency` at a time (read-only). A host that cannot be reached is in the
 * plan as `unreachable` with why; one host never stops the others.
 */
export async function planFleet(targets: readonly HostTarget[], opts: PlanFleetOptions): Promise<PlanDocument> {
  const planId = opts.planId ?? newPlanId()
  const limit = pLimit(Math.max(1, opts.concurrency ?? 10))
  const hosts = await Promise.all(targets.map((t) => limit(() => planOne(t, planId, opts))))
  hosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
  const n = (s: HostPlan['status']) => hosts.filter((h) => h.status === s).length
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    planId,
    createdAt: new Date().toISOString(),
    xenliftVersion: xenliftVersion(),
    ...(opts.policy?.sha256 !== undefined ? {policy: {source: opts.policy.source, sha256: opts.policy.sha256}} : {}),
    hosts,
    summary: {hosts: hosts.length, ready: n('ready'), blocked: n('blocked'), unreachable: n('unreachable')},
  }
}

async function planOne(t: HostTarget, planId: string, opts: PlanFleetOptions): Promise<HostPlan> {
  const p = opts.progress
  const connection = connectionOf(t)
  p?.start(t.name, 'connecting')
  let opened: OpenedHost | undefined
  try {
    opened = await openHost(t, opts.ssh ?? {})
    if (opened.offline) throw new Error('a mounted root cannot be upgraded; plan on the host itself (--host)')
    p?.update(t.name, 'planning')
    const probeOpts = {...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
    // Facts, configs and the fingerprinted trees in one round trip (gather.ts), not one SFTP call
    // per file; what the snapshot does not hold (a file past its size cap) is read as before.
    const files = await gatherHost(opened.files, probeOpts)
    const plan = await planHost(t.name, connection, opened.transport, files, {
      strategies: opts.strategies,
      planId,
      ...(opts.policy ? {policy: opts.policy} : {}),
      ...(opts.answers ? {answers: opts.answers} : {}),
      ...(opts.ignore ? {ignore: opts.ignore} : {}),
      ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
      ...(opts.sudo ? {sudo: true} : {}),
    })
    if (plan.status === 'ready') p?.done(t.name, `ready, ${plan.domains.length} domains`)
    else p?.fail(t.name, `blocked: ${plan.blockers.filter((b) => !b.waived).length} blockers, ${plan.questions.filter((q) => q.answer === undefined).length} open questions`)
    return plan
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    p?.fail(t.name, message)
    return {host: t.name, connection, status: 'unreachable', error: message, blockers: [{rule: 'HOST-UNREACHABLE', message}], resolvedBlockers: [], questions: [], domains: [], steps: []}
  } finally {
    await opened?.transport.close().catch(() => undefined)
  }
}

function xenliftVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as {version: string}).version
  } catch {
    return 'unknown'
  }
}
