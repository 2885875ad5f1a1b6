import type {CheckReport} from '../checks/check-report.js'
import type {Finding} from '../checks/finding.js'
import {countsLine, groupFindings, locationOf, verdict, type RenderOptions} from './findings.js'

/** Markdown for tickets and change requests (GitHub/GitLab/Jira-markdown tables). */
export function renderMarkdown(report: CheckReport, opts: RenderOptions = {}): string {
  const v = verdict(report, opts)
  const s = report.summary
  const out: string[] = [
    '# xenlift check report',
    '',
    `**Summary:** ${v.summary}.`,
    '',
    `**Next:** ${v.next}`,
    '',
    '| Host | Domains | Blocked | Blockers | Warnings | Info | Waived |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...report.hosts.map((h) => `| ${cell(h.name)} | ${h.domains.length} | ${h.domains.filter((d) => d.blocker > 0).length} | ${h.blocker} | ${h.warning} | ${h.info} | ${h.waived} |`),
    `| **total** | ${s.domains} | ${s.blockedDomains} | ${s.blocker} | ${s.warning} | ${s.info} | ${s.waived} |`,
    '',
  ]
  for (const h of groupFindings(report)) {
    out.push(`## Host ${cell(h.host)}`, '', '| Status | Domain | Blockers | Warnings | Info | Waived |', '|---|---|---:|---:|---:|---:|')
    for (const g of h.groups) {
      const c = countOf(g.findings)
      const status = g.worst === 'blocker' ? '**BLOCKED**' : (g.worst ?? 'ok')
      out.push(`| ${status} | ${g.domain === undefined ? '(host)' : `\`${g.domain}\``} | ${c.blocker} | ${c.warning} | ${c.info} | ${c.waived} |`)
    }
    out.push('')
    for (const g of h.groups) {
      const title = g.domain === undefined ? 'Host-level findings' : `Domain \`${g.domain}\``
      const badge = g.worst === 'blocker' ? ' — **BLOCKED**' : ''
      out.push(`### ${title}${badge}`, '')
      if (g.files.length > 0) out.push(`Source: ${g.files.map((f) => `\`${f}\``).join(', ')}`, '')
      if (g.findings.length === 0) {
        out.push('No findings.', '')
        continue
      }
      out.push(`${countsLine(countOf(g.findings))}`, '', '| Severity | Rule | Location | Finding | Remediation |', '|---|---|---|---|---|')
      for (const f of g.findings) out.push(row(f))
      out.push('')
    }
  }
  return `${out.join('\n').trimEnd()}\n`
}

function countOf(fs: readonly Finding[]): {blocker: number; warning: number; info: number; waived: number} {
  const c = {blocker: 0, warning: 0, info: 0, waived: 0}
  for (const f of fs) {
    if (f.waived) c.waived++
    else c[f.severity]++
  }
  return c
}

function row(f: Finding): string {
  const sev = f.waived ? `~~${f.severity}~~ waived` : f.severity === 'blocker' ? '**blocker**' : f.severity
  const msg = f.evidence !== undefined ? `${cell(f.message)}<br>\`${code(f.evidence)}\`` : cell(f.message)
  const fix = f.waived ? `${cell(f.remediation)}<br>*Waived by ${cell(f.waived.by)}: ${cell(f.waived.reason)}*` : cell(f.remediation)
  return `| ${sev} | \`${f.rule}\` | ${cell(locationOf(f) || '-')} | ${msg} | ${fix} |`
}

/**
 * Table cells: no pipes or newlines; outside code spans, HTML-ish characters are escaped so
 * trackers do not render them (inside a code span they are shown literally anyway).
 */
function cell(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : part.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
}

/** Inside backticks: pipes still split tables, and backticks would end the span. */
function code(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ')
}
