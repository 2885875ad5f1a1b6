import type {StepId} from './plan-document.js'

/** How one host ended. */
export interface HostOutcome {
  readonly host: string
  /**
   * `done`: every step completed; `failed`: stopped at `step` with `message`; `blocked`: not
   * ready in the plan, untouched; `skipped`: not started (canary failed, failure budget spent,
   * interrupted before it started); `interrupted`: Ctrl-C stopped it at a safe point.
   */
  readonly status: 'done' | 'failed' | 'blocked' | 'skipped' | 'interrupted'
  readonly step?: StepId
  readonly message?: string
  readonly runId?: string
  /** The journal file on the controller. */
  readonly journal?: string
  /** The per-host log of remote commands. */
  readonly log?: string
}

/**
 * What the engine reports while it runs: the listr2 view, the `--json` NDJSON stream and tests
 * read these; none of them drives the work.
 */
export type RunEvent =
  | {readonly type: 'batch-start'; readonly batch: number; readonly hosts: readonly string[]; readonly canary: boolean}
  | {readonly type: 'host-start'; readonly host: string; readonly runId: string; readonly resume: boolean}
  | {readonly type: 'step-start'; readonly host: string; readonly step: StepId; readonly title: string}
  | {readonly type: 'step-end'; readonly host: string; readonly step: StepId; readonly status: 'changed' | 'ok' | 'skipped' | 'failed' | 'interrupted'; readonly message: string; readonly durationMs: number}
  | {readonly type: 'note'; readonly host: string; readonly message: string}
  | {readonly type: 'host-end'; readonly outcome: HostOutcome}
  | {readonly type: 'fleet-stop'; readonly reason: string}

export type EventSink = (event: RunEvent) => void
