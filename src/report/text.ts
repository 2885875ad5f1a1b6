import type {CheckReport} from '../checks/check-report.js'
import type {Finding} from '../checks/finding.js'
import {countsLine, groupFindings, locationOf, verdict, type RenderOptions} from './findings.js'

/**
 * Plain-text report for a terminal or a runbook log: one table per domain (blockers first),
 * each finding followed by its evidence and fix, then the summary line and the next command.
 * No colour codes: it must survive copy-paste into a ticket.
 */
export function renderText(report: CheckReport, opts: RenderOptions = {}): string {
  const out: string[] = []
  for (const h of groupFindings(report)) {
    const hs = report.hosts.find((x) => x.name === h.host)
    out.push(`Host ${h.host}: ${hs ? countsLine(hs) : ''}`, '')
    for (const g of h.groups) {
      const title = g.domain === undefined ? `(host ${h.host})` : g.domain
      const status = g.worst === 'blocker' ? 'BLOCKED' : g.worst === 'warning' ? 'warnings' : g.worst === 'info' ? 'ok (info only)' : 'ok'
      out.push(`${title}  [${status}]${g.files.length > 0 ? `  ${g.files.join(', ')}` : ''}`)
      if (g.findings.length === 0) {
        out.push('  no findings', '')
        continue
      }
      out.push(...table(g.findings, shortNames([...g.files, ...g.findings.map((f) => f.file).filter((x) => x !== undefined)])), '')
    }
  }
  const v = verdict(report, opts)
  out.push(`Summary: ${v.summary}`, v.next)
  return `${out.join('\n')}\n`
}

function sevLabel(f: Finding): string {
  return f.waived ? `${f.severity}*` : f.severity
}

function table(fs: readonly Finding[], names: ReadonlyMap<string, string>): string[] {
  const rows = fs.map((f) => [sevLabel(f), f.rule, shortLoc(f, names), f.message])
  const head = ['SEVERITY', 'RULE', 'WHERE', 'MESSAGE']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  widths[3] = 0
  const fmt = (r: string[]): string => `  ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')}`.trimEnd()
  const lines = [fmt(head)]
  const indent = ' '.repeat(2 + (widths[0] ?? 0) + 2)
  fs.forEach((f, i) => {
    lines.push(fmt(rows[i] ?? []))
    if (f.evidence !== undefined) lines.push(`${indent}evidence: ${f.evidence}`)
    lines.push(`${indent}fix: ${f.remediation}`)
    if (f.waived) lines.push(`${indent}waived by ${f.waived.by}: ${f.waived.reason}`)
  })
  return lines
}

/**
 * Within one domain's table, a file is named by its base name when that is unambiguous there
 * (the group header gives the full paths); otherwise by its full path.
 */
function shortNames(files: readonly string[]): Map<string, string> {
  const byBase = new Map<string, Set<string>>()
  for (const f of files) {
    const base = f.split('/').pop() ?? f
    byBase.set(base, (byBase.get(base) ?? new Set()).add(f))
  }
  const out = new Map<string, string>()
  for (const f of files) {
    const base = f.split('/').pop() ?? f
    out.set(f, byBase.get(base)?.size === 1 ? base : f)
  }
  return out
}

function shortLoc(f: Finding, names: ReadonlyMap<string, string>): string {
  const file = f.file !== undefined ? (names.get(f.file) ?? f.file) : undefined
  const where = locationOf(file !== undefined ? {...f, file} : f)
  return where === '' ? '-' : where
}
