import {RootedTransport} from '../../src/host/rooted-transport.js'
import {LoggingTransport} from '../../src/runbook/command-log.js'
import type {RunEvent} from '../../src/runbook/events.js'
import type {FleetOptions} from '../../src/runbook/fleet.js'
import type {HostRunDeps, RunHost} from '../../src/runbook/host-runner.js'
import {PLAN_FORMAT, PLAN_VERSION, type HostPlan, type PlanDocument} from '../../src/runbook/plan-document.js'
import {LocalTransport} from '../../src/transport/local.js'
import type {Transport} from '../../src/transport/transport.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {planSimHost, repoStrategies} from './strategies.js'

/** Plan simulated hosts headless (LocalTransport with the stand-ins; the tree below each root). */
export async function planSim(hosts: readonly SimHost[], planId = 'p1'): Promise<PlanDocument> {
  const plans: HostPlan[] = []
  for (const h of hosts) plans.push(await planSimHost(h, {planId}))
  const n = (s: string) => plans.filter((p) => p.status === s).length
  return {format: PLAN_FORMAT, version: PLAN_VERSION, planId, createdAt: new Date().toISOString(), xenliftVersion: 'test', hosts: plans, summary: {hosts: plans.length, ready: n('ready'), blocked: n('blocked'), unreachable: n('unreachable')}}
}

/**
 * Engine dependencies for simulated hosts: each host's commands run locally with its stand-ins
 * (logged like the CLI's), files below its root. `wrap` lets a test put a fault-injecting
 * transport in between (see FaultTransport).
 */
export async function simDeps(hosts: readonly SimHost[], opts: {signal?: AbortSignal; wrap?: (host: string, t: Transport) => Transport} = {}): Promise<HostRunDeps & {events: RunEvent[]}> {
  const events: RunEvent[] = []
  const byName = new Map(hosts.map((h) => [h.name, h]))
  return {
    events,
    strategies: await repoStrategies(),
    emit: (e) => events.push(e),
    signal: opts.signal ?? new AbortController().signal,
    async open(host, logFile): Promise<RunHost> {
      const h = byName.get(host.host)
      if (!h) throw new Error(`no simulated host ${host.host}`)
      const raw = opts.wrap ? opts.wrap(h.name, new LocalTransport({env: h.env})) : new LocalTransport({env: h.env})
      const exec = new LoggingTransport(raw, logFile)
      return {exec, files: new RootedTransport(exec, h.root), close: () => exec.close()}
    },
  }
}

export function applyOptions(dir: string, extra: Partial<FleetOptions> = {}): FleetOptions {
  return {
    start: true,
    onTimeout: 'fail',
    shutdownTimeoutSec: 20,
    restartTimeoutSec: 10,
    commandTimeoutMs: 60_000,
    backupDir: `${dir}/backups`,
    stateDir: `${dir}/state`,
    controller: 'test-controller',
    runId: 'run1',
    resume: false,
    concurrency: 5,
    ...extra,
  }
}
