/**
 * The `--json` contract: one named type per command's `--json` result. scripts/json-schemas.mjs
 * turns each into schemas/<command>.json (`npm run contract:update`), and
 * test/contract/json-schemas.test.ts fails when a committed schema differs from these types or a
 * real `--json` output does not validate against its schema. The compile-time checks at the end
 * tie each type to what the command's `run()` returns, so the schema cannot describe something
 * the command does not print.
 */
import type {CheckReport} from '../checks/check-report.js'
import type {ConvertRecord} from '../convert/run-convert.js'
import type {HostOutcome, RunEvent} from '../runbook/events.js'
import type {PlanDocument} from '../runbook/plan-document.js'
import type {RollbackOutcome} from '../runbook/rollback.js'
import type {HostRunStatus} from '../runbook/status.js'
import type Check from '../commands/check.js'
import type Convert from '../commands/convert.js'
import type Import from '../commands/import.js'
import type {ImportResult} from '../commands/import.js'
import type Scan from '../commands/scan.js'
import type {ScanResult} from '../commands/scan.js'
import type UpgradePlan from '../commands/upgrade/plan.js'
import type UpgradeRollback from '../commands/upgrade/rollback.js'
import type UpgradeStatus from '../commands/upgrade/status.js'

/** `xenlift convert --json`: one record per input or domain. */
export type ConvertJson = ConvertRecord[]
/** `xenlift check --json` (and `--format json`). */
export type CheckJson = CheckReport
/** `xenlift scan --json`. */
export type ScanJson = ScanResult
/** `xenlift import --json`. */
export type ImportJson = ImportResult
/** `xenlift upgrade plan --json` (and the `--out` document). */
export type UpgradePlanJson = PlanDocument
/** `xenlift upgrade status --json`. */
export interface UpgradeStatusJson {
  hosts: HostRunStatus[]
}
/** `xenlift upgrade rollback --json`. */
export interface UpgradeRollbackJson {
  hosts: RollbackOutcome[]
}

/** The last line of `upgrade apply --json`: how every host ended and the exit code. */
export interface ApplyResultLine {
  readonly type: 'result'
  readonly planId: string
  readonly hosts: HostOutcome[]
  /** Why the fleet stopped starting hosts (canary failed, failure budget spent, Ctrl-C). */
  readonly stopped?: string
  readonly exitCode: number
}

/** One line of `upgrade apply --json` (NDJSON): an engine event with its time, the result line, or a failure before any result. */
export type UpgradeApplyJsonLine = ({readonly ts: string} & RunEvent) | ApplyResultLine | ErrorJson

/**
 * What every command prints with `--json` when it fails before it has a result (a usage error,
 * an unreadable plan, a refused lock): the process exits with `exitCode`.
 */
export interface ErrorJson {
  readonly error: {
    /** The error class (`Error`, `NonExistentFlagsError`, …). */
    readonly name: string
    /** What went wrong, secrets masked. */
    readonly message: string
    /** The exit code of the process (README: Exit codes). */
    readonly exitCode: number
    /** A machine-readable code where the error has one (`ENOENT`, …). */
    readonly code?: string
  }
}

/** Command id → the type its `--json` prints (NDJSON: the type of one line). The schema file is `schemas/<id with - for spaces>.json`. */
export const JSON_CONTRACT = {
  convert: {type: 'ConvertJson'},
  check: {type: 'CheckJson'},
  scan: {type: 'ScanJson'},
  import: {type: 'ImportJson'},
  'upgrade plan': {type: 'UpgradePlanJson'},
  'upgrade apply': {type: 'UpgradeApplyJsonLine', ndjson: true},
  'upgrade status': {type: 'UpgradeStatusJson'},
  'upgrade rollback': {type: 'UpgradeRollbackJson'},
  // Not a command: what any command prints with --json when it fails without a result.
  error: {type: 'ErrorJson'},
} as const

// Compile-time: each type is exactly what the command returns (oclif prints that as --json).
// Strict identity (not mutual assignability, which lets an optional field differ).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Returns<C extends abstract new (...args: never[]) => {run(): Promise<unknown>}> = Awaited<ReturnType<InstanceType<C>['run']>>
type Ok<T extends true> = T
export type ContractCheck = [
  Ok<Same<Returns<typeof Convert>, ConvertJson>>,
  Ok<Same<Returns<typeof Check>, CheckJson>>,
  Ok<Same<Returns<typeof Scan>, ScanJson>>,
  Ok<Same<Returns<typeof Import>, ImportJson>>,
  Ok<Same<Returns<typeof UpgradePlan>, UpgradePlanJson>>,
  Ok<Same<Returns<typeof UpgradeStatus>, UpgradeStatusJson>>,
  Ok<Same<Returns<typeof UpgradeRollback>, UpgradeRollbackJson>>,
]
