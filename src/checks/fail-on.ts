import type {CheckReport} from './check-report.js'
import {atOrAbove, type FindingSeverity} from './finding.js'

export type FailOn = FindingSeverity | 'never'

/** `--fail-on`: true when an unwaived finding at or above the threshold exists. */
export function failsAt(report: CheckReport, failOn: FailOn): boolean {
  if (failOn === 'never') return false
  return report.findings.some((f) => f.waived === undefined && atOrAbove(f.severity, failOn))
}
