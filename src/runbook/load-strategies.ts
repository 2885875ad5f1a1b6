import {isUpgradeStrategy, type ProvidedStrategy} from './strategy.js'

/** A hook run's results as oclif's `config.runHook` returns them. */
export interface HookResults {
  readonly successes: readonly {readonly result: unknown; readonly plugin: {readonly name: string}}[]
  readonly failures: readonly {readonly error: Error; readonly plugin: {readonly name: string}}[]
}

/**
 * The strategies plugins offered through the `xenlift:upgrade-strategy` hook, in plugin order.
 * A plugin that failed or answered something that is not a strategy is reported, not fatal.
 */
export function strategiesFromHook(results: HookResults): {strategies: ProvidedStrategy[]; warnings: string[]} {
  const strategies: ProvidedStrategy[] = []
  const warnings: string[] = []
  for (const f of results.failures) warnings.push(`strategy plugin ${f.plugin.name} failed: ${f.error.message}`)
  for (const s of results.successes) {
    if (s.result === undefined) continue
    for (const r of Array.isArray(s.result) ? s.result : [s.result]) {
      if (isUpgradeStrategy(r)) strategies.push({strategy: r, plugin: s.plugin.name})
      else warnings.push(`plugin ${s.plugin.name} answered the strategy hook with something that is not a strategy`)
    }
  }
  return {strategies, warnings}
}
