/**
 * A finding of `xenlift check`: one located, actionable statement about a domain or a host.
 * Field names are part of the public JSON contract (schemaVersion 1).
 */
export type FindingSeverity = 'blocker' | 'warning' | 'info'

/** Ordered from most to least severe; used for sorting and `--fail-on`. */
export const SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = {blocker: 0, warning: 1, info: 2}

/** A waiver from `--ignore` or a policy file. Waived findings are shown as waived, never hidden. */
export interface Waiver {
  readonly reason: string
  /** Who waived it: `--ignore`, or the policy file and its `by:` field. */
  readonly by: string
}

export interface Finding {
  /** Stable rule id of checklist.md (`PY-IMPORT`), or a reader code (`SYNTAX`) for unreadable input. */
  readonly rule: string
  readonly severity: FindingSeverity
  /** The host (inventory name) the input belongs to. */
  readonly host: string
  /** Domain name; absent for host-level findings about a file that holds no domain. */
  readonly domain?: string
  readonly file?: string
  /** 1-based; absent when the finding is not tied to a line (SXP path given instead). */
  readonly line?: number
  readonly column?: number
  /** Config key or SXP path (`domain/device/vbd/mode`). */
  readonly path?: string
  /** One line. */
  readonly message: string
  /** What a person does about it. */
  readonly remediation: string
  /** The offending text, secrets already redacted. */
  readonly evidence?: string
  /** `rule`: found by a check rule; `reader`: a conversion loss or parse problem the reader reported. */
  readonly origin: 'rule' | 'reader'
  readonly waived?: Waiver
}

/** Is this finding at or above the given severity? */
export function atOrAbove(sev: FindingSeverity, threshold: FindingSeverity): boolean {
  return SEVERITY_RANK[sev] <= SEVERITY_RANK[threshold]
}
