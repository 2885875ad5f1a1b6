import type {HostSpec, Inventory} from './host-spec.js'

/** A `--limit` pattern that cannot be used (an invalid `~regex`): the user must fix it. */
export class LimitPatternError extends Error {
  readonly code = 'USAGE'
}

/**
 * Select hosts with an Ansible host pattern (`--limit`): terms separated by `,` or `:`; a term
 * is `all`/`*`, a group, a host, a glob (`web*`, `db-?`), or `~regex`; `!term` excludes and
 * `&term` intersects, applied after the plain terms as Ansible does. Returns the hosts in
 * inventory order, and the terms that matched nothing (Ansible warns about those). An invalid
 * `~regex` throws LimitPatternError: silently matching nothing would run on the wrong hosts.
 */
export function applyLimit(inv: Pick<Inventory, 'hosts' | 'groups'>, pattern: string): {hosts: HostSpec[]; unmatched: string[]} {
  const terms = splitTerms(pattern)
  const unmatched: string[] = []
  const plus = new Set<string>()
  const and: Set<string>[] = []
  const minus = new Set<string>()
  for (const raw of terms) {
    const op = raw[0] === '!' || raw[0] === '&' ? raw[0] : ''
    const term = op ? raw.slice(1) : raw
    const matched = matchTerm(inv, term)
    if (matched.size === 0) unmatched.push(raw)
    if (op === '!') for (const h of matched) minus.add(h)
    else if (op === '&') and.push(matched)
    else for (const h of matched) plus.add(h)
  }
  // Only exclusions/intersections: they apply to all hosts (Ansible's `!x` alone means all but x).
  if (plus.size === 0 && terms.every((t) => t[0] === '!' || t[0] === '&')) for (const h of inv.hosts) plus.add(h.name)
  const hosts = inv.hosts.filter((h) => plus.has(h.name) && !minus.has(h.name) && and.every((s) => s.has(h.name)))
  return {hosts, unmatched}
}

function splitTerms(pattern: string): string[] {
  // `:` separates too, except inside a ~regex term or an IPv6 address (Ansible prefers `,`).
  const parts = pattern.includes(',') ? pattern.split(',') : pattern.split(/:(?![^[]*\])/)
  return parts.map((t) => t.trim()).filter(Boolean)
}

function matchTerm(inv: Pick<Inventory, 'hosts' | 'groups'>, term: string): Set<string> {
  if (term === 'all' || term === '*') return new Set(inv.hosts.map((h) => h.name))
  const group = inv.groups[term]
  if (group) return new Set(group)
  let re: RegExp
  if (term.startsWith('~')) {
    try {
      re = new RegExp(term.slice(1))
    } catch (error) {
      throw new LimitPatternError(`--limit ${term}: not a valid regular expression (${(error as Error).message})`)
    }
  } else {
    re = globToRegExp(term)
  }
  const out = new Set<string>()
  for (const h of inv.hosts) if (re.test(h.name) || (h.hostname !== h.name && re.test(h.hostname))) out.add(h.name)
  if (!term.startsWith('~') && /[*?]/.test(term)) for (const [g, members] of Object.entries(inv.groups)) if (re.test(g)) for (const m of members) out.add(m)
  return out
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}
