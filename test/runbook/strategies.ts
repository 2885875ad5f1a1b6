import {Config} from '@oclif/core'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {strategiesFromHook} from '../../src/runbook/load-strategies.js'
import type {HostPlan} from '../../src/runbook/plan-document.js'
import {planHost, type PlanHostOptions} from '../../src/runbook/plan-host.js'
import {STRATEGY_HOOK, type ProvidedStrategy} from '../../src/runbook/strategy.js'
import {LocalTransport} from '../../src/transport/local.js'
import {REPO_ROOT} from '../helpers/cli.js'

let loaded: Promise<ProvidedStrategy[]> | undefined

/** The strategies the in-repo plugins offer, found the way the CLI finds them: oclif's hook. */
export function repoStrategies(): Promise<ProvidedStrategy[]> {
  loaded ??= (async () => {
    const config = await Config.load(REPO_ROOT)
    const {strategies, warnings} = strategiesFromHook((await config.runHook(STRATEGY_HOOK, {})) as never)
    if (warnings.length) throw new Error(warnings.join('\n'))
    return strategies
  })()
  return loaded
}

/**
 * Plan one simulated host headless: its stand-ins run locally, its tree is read below its root.
 * Default: the repo's strategies, plan id `p1`.
 */
export async function planSimHost(h: {name: string; root: string; env: Record<string, string>}, opts: Partial<PlanHostOptions> = {}): Promise<HostPlan> {
  const exec = new LocalTransport({env: h.env})
  return planHost(h.name, {kind: 'local', root: h.root}, exec, new RootedTransport(exec, h.root), {strategies: await repoStrategies(), planId: 'p1', ...opts})
}
