import type {StepId} from '../plan-document.js'
import type {Step} from '../step.js'
import {backup} from './backup.js'
import {define} from './define.js'
import {dump} from './dump.js'
import {preflight} from './preflight.js'
import {restart} from './restart.js'
import {shutdown} from './shutdown.js'
import {start} from './start.js'
import {switchToolstack} from './switch.js'
import {verify} from './verify.js'

/** The runbook's steps in order (plan-document's STEP_IDS). */
export const STEPS: readonly Step[] = [preflight, backup, shutdown, dump, switchToolstack, restart, define, start, verify]

export function stepById(id: StepId): Step {
  const s = STEPS.find((x) => x.id === id)
  if (!s) throw new Error(`unknown step ${id}`)
  return s
}
