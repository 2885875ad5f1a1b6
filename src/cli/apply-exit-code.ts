import {EXIT, type ExitCode} from './exit-codes.js'
import type {HostOutcome} from '../runbook/events.js'

/**
 * The exit code of a fleet run (README "Exit codes"): 130 interrupted; 0 every host done; 3 some
 * hosts blocked in the plan and every other done; 1 nothing done and something failed; 4 some
 * done and some failed or skipped.
 */
export function applyExitCode(outcomes: readonly HostOutcome[], interrupted: boolean): ExitCode {
  if (interrupted || outcomes.some((o) => o.status === 'interrupted')) return EXIT.interrupted
  const n = (s: HostOutcome['status']) => outcomes.filter((o) => o.status === s).length
  const bad = n('failed') + n('skipped')
  if (bad === 0) return n('blocked') > 0 ? EXIT.blockers : EXIT.ok
  return n('done') > 0 ? EXIT.partialFleet : EXIT.failed
}
