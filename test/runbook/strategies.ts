import {Config} from '@oclif/core'
import {strategiesFromHook} from '../../src/runbook/load-strategies.js'
import {STRATEGY_HOOK, type ProvidedStrategy} from '../../src/runbook/strategy.js'
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
