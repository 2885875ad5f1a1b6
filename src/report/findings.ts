import type {CheckReport, DomainSummary} from '../checks/check-report.js'
import {SEVERITY_RANK, type Finding, type FindingSeverity} from '../checks/finding.js'

/** Findings of one domain (or of the host itself when `domain` is undefined), worst first. */
export interface FindingGroup {
  readonly domain?: string
  readonly files: readonly string[]
  readonly worst?: FindingSeverity
  readonly findings: readonly Finding[]
}

export interface HostGroups {
  readonly host: string
  readonly groups: readonly FindingGroup[]
}

/**
 * The order every human-readable format shares: per host, domains with blockers first (then
 * warnings, info, clean), by name; host-level findings last. Clean domains are listed too, so a
 * reader sees they were checked.
 */
export function groupFindings(report: CheckReport): HostGroups[] {
  return report.hosts.map((h) => {
    const mine = report.findings.filter((f) => f.host === h.name)
    const names = [...new Set([...h.domains.map((d) => d.name), ...mine.map((f) => f.domain).filter((d) => d !== undefined)])]
    // Bucketed once, in order: a filter per domain was quadratic (seconds for a 1,000-domain tree).
    const byDomain = bucket(mine, (f) => f.domain)
    const summaries = bucket(h.domains, (d) => d.name)
    const groups: FindingGroup[] = names.map((name) => {
      const fs = byDomain.get(name) ?? []
      return {domain: name, files: filesOf(summaries.get(name) ?? [], fs), ...worstOf(fs), findings: fs}
    })
    groups.sort((a, b) => rank(a) - rank(b) || (a.domain ?? '').localeCompare(b.domain ?? ''))
    const hostLevel = mine.filter((f) => f.domain === undefined)
    if (hostLevel.length > 0) groups.push({files: [...new Set(hostLevel.map((f) => f.file).filter((x) => x !== undefined))], ...worstOf(hostLevel), findings: hostLevel})
    return {host: h.name, groups}
  })
}

/** The items by key, each list in the items' order (what a filter per key gives). */
function bucket<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

/** The files of one domain: its summaries' (`mine`, already that domain's), else its findings'. */
function filesOf(mine: readonly DomainSummary[], fs: readonly Finding[]): string[] {
  const fromSummary = mine.map((d) => d.file)
  return fromSummary.length > 0 ? [...new Set(fromSummary)] : [...new Set(fs.map((f) => f.file).filter((x) => x !== undefined))]
}

function worstOf(fs: readonly Finding[]): {worst?: FindingSeverity} {
  let worst: FindingSeverity | undefined
  for (const f of fs) if (!f.waived && (worst === undefined || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst])) worst = f.severity
  return worst ? {worst} : {}
}

function rank(g: FindingGroup): number {
  return g.worst === undefined ? 3 : SEVERITY_RANK[g.worst]
}

/** `file:line:col` (parts that are unknown are left out), or the SXP path. */
export function locationOf(f: Finding): string {
  const place = [f.file, f.line, f.line !== undefined ? f.column : undefined].filter((p) => p !== undefined).join(':')
  if (f.line === undefined && f.path !== undefined) return place ? `${place} (${f.path})` : f.path
  return place
}

/** `3 blockers, 10 warnings, 5 info, 1 waived` */
export function countsLine(c: {blocker: number; warning: number; info: number; waived: number}): string {
  return `${c.blocker} blocker${c.blocker === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.info} info, ${c.waived} waived`
}

export interface RenderOptions {
  /** How the user named the inputs (`--root /mnt/old`), for the "run check again" hint. */
  readonly inputs?: string
  /** The command to run next when nothing blocks (default `xenlift convert <inputs>`). */
  readonly nextWhenClear?: string
}

/** The one-line verdict plus the next command to run. */
export function verdict(report: CheckReport, opts: RenderOptions = {}): {summary: string; next: string} {
  const s = report.summary
  const summary = `${s.domains} domain${s.domains === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'} on ${s.hosts} host${s.hosts === 1 ? '' : 's'}: ${countsLine(s)}; ${s.blockedDomains} domain${s.blockedDomains === 1 ? '' : 's'} blocked`
  const inputs = opts.inputs ?? '<same inputs>'
  const next =
    s.blocker > 0
      ? `Fix or waive (--policy) the blockers, then run: xenlift check ${inputs}`
      : `No blockers. Next: ${opts.nextWhenClear ?? `xenlift convert ${inputs}`}`
  return {summary, next}
}
