import type {Transport} from '../transport/transport.js'
import type {HostPlan, PlanAction, StepId} from './plan-document.js'
import type {UpgradeStrategy} from './strategy.js'

/** What a step's `describe` sees at planning time: the host plan so far, nothing live. */
export interface DescribeContext {
  readonly host: Omit<HostPlan, 'steps'>
  readonly strategy: UpgradeStrategy
  /** Stable id of the plan; names the backup files on the host and the controller. */
  readonly planId: string
  /** `connection.root`: the dom0 tree's place on the host. */
  readonly root?: string
}

/** Options of one `upgrade apply` run. */
export interface ApplyOptions {
  /** Start the domains that ran before (the `start` step). */
  readonly start: boolean
  /** What to do when `xm shutdown -w` times out: stop the host (`fail`) or `xm destroy` the domain. */
  readonly onTimeout: 'fail' | 'destroy'
  /** Per domain, for `xm shutdown -w` and for a started domain to be running. */
  readonly shutdownTimeoutSec: number
  /** How long to wait for libvirtd to answer after its restart. */
  readonly restartTimeoutSec: number
  /** Per remote command. */
  readonly commandTimeoutMs: number
  /** Where backups are copied on the controller. */
  readonly backupDir: string
  /** This machine's name (in the lock). */
  readonly controller: string
  readonly runId: string
  readonly sudo?: boolean
}

/** What a live step sees. */
export interface StepContext extends DescribeContext {
  readonly host: HostPlan
  /** Runs commands on the host (the per-host command log wraps it). */
  readonly exec: Transport
  /** Reads and writes the dom0 tree (below `root`). */
  readonly files: Transport
  readonly options: ApplyOptions
  readonly signal: AbortSignal
  /** Data earlier steps of this run recorded in the journal, by step id. */
  readonly results: Readonly<Partial<Record<StepId, unknown>>>
  /** A line for the host's log and the live view. */
  note(message: string): void
}

export interface StepOutcome {
  /** `changed`: it did something; `ok`: already done; `skipped`: not for this run (start without --start). */
  readonly status: 'changed' | 'ok' | 'skipped'
  readonly message: string
  /** Recorded in the journal; later steps and rollback read it. Never holds a secret. */
  readonly data?: unknown
}

/**
 * One step of the runbook (house-style §2.1). `describe` lists its remote actions for the plan;
 * `apply` performs them (throwing {@link StepError} when it fails); `verify` checks its
 * postcondition on the host (used by --resume before trusting a journal entry); `undo` reverts it
 * for rollback.
 */
export interface Step {
  readonly id: StepId
  readonly title: string
  readonly onlyWith?: string
  describe(ctx: DescribeContext): PlanAction[]
  apply(ctx: StepContext): Promise<StepOutcome>
  /** undefined = the postcondition holds; a string = why it does not. */
  verify(ctx: StepContext): Promise<string | undefined>
}

/** A step's failure, with the data gathered so far (one domain failed, the others defined). */
export class StepError extends Error {
  readonly data?: unknown
  constructor(message: string, data?: unknown) {
    super(message)
    this.name = 'StepError'
    this.data = data
  }
}
