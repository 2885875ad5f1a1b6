import {parse} from 'yaml'
import type {Finding, Waiver} from './finding.js'

/**
 * Waivers: `--ignore RULE` and a policy file. A waived finding stays in every report, marked
 * as waived with its reason; it only stops counting for `--fail-on`.
 *
 * Policy file (YAML):
 * ```yaml
 * waivers:
 *   - rule: DISK-SHARED        # required; `*` for every rule
 *     domain: db1              # optional; exact name or a `*` glob; absent = every domain
 *     host: dom0-3             # optional; same matching
 *     reason: OCFS2 cluster, reviewed in CHG-1234   # required
 *     by: alice                # optional
 * ```
 */
export interface PolicyWaiver {
  readonly rule: string
  readonly domain?: string
  readonly host?: string
  readonly reason: string
  readonly by?: string
}

export interface Policy {
  readonly source: string
  readonly waivers: readonly PolicyWaiver[]
}

/** Parse a policy file; problems come back as messages (the command turns them into a usage error). */
export function parsePolicy(text: string, source: string): {policy?: Policy; errors: string[]} {
  let doc: unknown
  try {
    doc = parse(text)
  } catch (error) {
    return {errors: [`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`]}
  }
  // A policy that only answers upgrade questions (`answers:`, read by `upgrade plan`) waives nothing.
  const list = (doc as {waivers?: unknown; answers?: unknown} | null)?.waivers ?? ((doc as {answers?: unknown} | null)?.answers !== undefined ? [] : undefined)
  if (!Array.isArray(list)) return {errors: [`${source}: expected a top-level "waivers:" list`]}
  const errors: string[] = []
  const waivers: PolicyWaiver[] = []
  list.forEach((w: unknown, i) => {
    const o = (w ?? {}) as Record<string, unknown>
    const where = `${source}: waivers[${i}]`
    if (typeof o.rule !== 'string' || o.rule === '') errors.push(`${where}: "rule" is required`)
    else if (UNWAIVABLE.has(o.rule)) errors.push(`${where}: ${o.rule} cannot be waived (nothing, or not everything, was checked)`)
    else if (typeof o.reason !== 'string' || o.reason.trim() === '') errors.push(`${where}: "reason" is required (a waiver must say why)`)
    else {
      for (const k of ['domain', 'host', 'by'] as const) if (o[k] !== undefined && typeof o[k] !== 'string') errors.push(`${where}: "${k}" must be a string`)
      waivers.push({
        rule: o.rule,
        reason: o.reason.trim(),
        ...(typeof o.domain === 'string' ? {domain: o.domain} : {}),
        ...(typeof o.host === 'string' ? {host: o.host} : {}),
        ...(typeof o.by === 'string' ? {by: o.by} : {}),
      })
    }
  })
  return errors.length > 0 ? {errors} : {policy: {source, waivers}, errors: []}
}

function globMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true
  if (value === undefined) return false
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
  return re.test(value)
}

/**
 * Findings no waiver can clear: a host nobody could look at, or a xenlift bug, means nothing
 * (or not everything) was checked, and a CI gate must never pass on that.
 */
export const UNWAIVABLE: ReadonlySet<string> = new Set(['HOST-UNREACHABLE', 'INTERNAL'])

/** The waiver that applies to a finding: `--ignore` first, then the first matching policy entry; never one for UNWAIVABLE ids. */
export function waiverFor(f: Finding, ignore: readonly string[], policy: Policy | undefined): Waiver | undefined {
  if (UNWAIVABLE.has(f.rule)) return undefined
  if (ignore.includes(f.rule)) return {reason: `ignored with --ignore ${f.rule}`, by: '--ignore'}
  for (const w of policy?.waivers ?? []) {
    if (!globMatch(w.rule, f.rule) || !globMatch(w.domain, f.domain) || !globMatch(w.host, f.host)) continue
    return {reason: w.reason, by: w.by !== undefined ? `${w.by} (${policy?.source})` : (policy?.source ?? 'policy')}
  }
  return undefined
}
