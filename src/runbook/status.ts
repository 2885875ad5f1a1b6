import {journalState, type JournalEntry, type RecordedRun} from './journal.js'
import {STEP_IDS, type StepId} from './plan-document.js'

/** What `upgrade status` says about one host. */
export interface HostRunStatus {
  readonly host: string
  readonly planId: string
  readonly runId: string
  /** `done`, `failed`, `interrupted`, `running` (no end recorded: in progress, or the controller died), `rolled-back`, `rollback-refused`. */
  readonly state: 'done' | 'failed' | 'interrupted' | 'running' | 'rolled-back' | 'rollback-refused'
  /** Completed steps, in order. */
  readonly completed: readonly StepId[]
  /** The step it stopped at and why. */
  readonly stoppedAt?: {readonly step: StepId; readonly why: string}
  /** The plan's point of no return, if any, and whether the host is past it. */
  readonly pointOfNoReturn?: {readonly step: StepId; readonly reason: string; readonly passed: boolean}
  readonly lastUpdate?: string
  readonly journal: string
}

/** Is the host past its point of no return (that step completed in this run)? */
export function pastPointOfNoReturn(run: RecordedRun): boolean {
  const p = run.host.pointOfNoReturn
  if (!p) return false
  const st = journalState(run.entries)
  // A step that started is past the point too: its remote actions may have run in part.
  return st.completed.has(p.step) || run.entries.some((e) => e.type === 'step-start' && e.step === p.step)
}

export function hostRunStatus(run: RecordedRun): HostRunStatus {
  const st = journalState(run.entries)
  const last = [...run.entries].reverse().find((e: JournalEntry) => e.type === 'run-end' || e.type === 'rollback-end')
  const state: HostRunStatus['state'] =
    last?.type === 'rollback-end'
      ? last.status === 'done'
        ? 'rolled-back'
        : 'rollback-refused'
      : last?.status === 'done'
        ? 'done'
        : last?.status === 'interrupted'
          ? 'interrupted'
          : last?.status === 'failed'
            ? 'failed'
            : 'running'
  const completed = STEP_IDS.filter((s) => st.completed.has(s))
  const fail = st.lastFailure
  const p = run.host.pointOfNoReturn
  return {
    host: run.host.host,
    planId: run.planId,
    runId: run.runId,
    state,
    completed,
    ...(fail?.step && state !== 'done' ? {stoppedAt: {step: fail.step, why: fail.message ?? fail.status ?? ''}} : last?.step && state !== 'done' ? {stoppedAt: {step: last.step, why: last.message ?? ''}} : {}),
    ...(p ? {pointOfNoReturn: {step: p.step, reason: p.reason, passed: pastPointOfNoReturn(run)}} : {}),
    ...(run.entries.at(-1) ? {lastUpdate: run.entries.at(-1)?.ts as string} : {}),
    journal: run.file,
  }
}
