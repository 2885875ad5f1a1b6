import type {Finding, FindingSeverity} from './finding.js'
import type {CheckTarget} from './rule.js'

/** The result of `xenlift check`: the JSON contract (`schemaVersion` 1) every renderer reads. */
export interface CheckReport {
  readonly schemaVersion: 1
  readonly target: CheckTarget
  readonly summary: CheckSummary
  readonly hosts: readonly HostSummary[]
  /** Sorted: host, domain, severity (blockers first), file, line. */
  readonly findings: readonly Finding[]
}

export interface SeverityCounts {
  readonly blocker: number
  readonly warning: number
  readonly info: number
  /** Waived findings (any severity); not included in the three counts above. */
  readonly waived: number
}

export interface CheckSummary extends SeverityCounts {
  readonly hosts: number
  readonly files: number
  readonly domains: number
  /** Domains with at least one unwaived blocker: the upgrade must not proceed for them. */
  readonly blockedDomains: number
}

export interface DomainSummary extends SeverityCounts {
  readonly name: string
  readonly uuid?: string
  readonly file: string
  readonly format: string
  /** Worst unwaived severity, absent when clean. */
  readonly worst?: FindingSeverity
}

export interface FileSummary {
  readonly path: string
  readonly format?: string
  readonly skipped?: string
  readonly domains: number
}

export interface HostSummary extends SeverityCounts {
  readonly name: string
  readonly files: readonly FileSummary[]
  readonly domains: readonly DomainSummary[]
}

export function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const c = {blocker: 0, warning: 0, info: 0, waived: 0}
  for (const f of findings) {
    if (f.waived) c.waived++
    else c[f.severity]++
  }
  return c
}
