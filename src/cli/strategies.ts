import type {Config} from '@oclif/core'
import {strategiesFromHook} from '../runbook/load-strategies.js'
import {STRATEGY_HOOK, type ProvidedStrategy} from '../runbook/strategy.js'

/** Every upgrade strategy the installed plugins offer (custom oclif hook `xenlift:upgrade-strategy`). */
export async function loadStrategies(config: Config, warn: (m: string) => void): Promise<ProvidedStrategy[]> {
  const results = await config.runHook(STRATEGY_HOOK, {})
  const {strategies, warnings} = strategiesFromHook(results as never)
  for (const w of warnings) warn(w)
  return strategies
}
