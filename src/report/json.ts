import type {CheckReport} from '../checks/check-report.js'

/** The schema-versioned JSON report (`schemaVersion: 1`), the same object `--json` prints. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
