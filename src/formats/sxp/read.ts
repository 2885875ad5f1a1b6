/**
 * `readSxp`: xend SXP text (config.sxp, `xm list -l` output with one `(domain …)` per domain,
 * `xm create -n` `(vm …)` dumps) → domains, skipped entries and located diagnostics.
 * Pure; never throws for bad input (xen-formats.md §1-§4).
 */
import {diag, type Diagnostic} from '../../model/diagnostic.js'
import type {ReadDomain, ReadOptions, ReadResult} from '../../model/read-result.js'
import {parseSxp} from './parser.js'
import {headOf} from './sxp-lookup.js'
import {oneLine} from './sxp-context.js'
import {sxpToDomain} from './to-domain.js'
import {located} from '../../model/location.js'

/** Read every domain of an SXP text. */
export function readSxp(text: string, opts: ReadOptions = {}): ReadResult {
  const file = opts.file
  const parsed = parseSxp(text, file !== undefined ? {file} : {})
  const diagnostics: Diagnostic[] = [...parsed.diagnostics]
  const domains: ReadDomain[] = []
  const skipped: {name?: string; reason: string}[] = []
  const base = {format: 'sxp' as const, ...(file !== undefined ? {file} : {})}
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return {...base, domains, skipped, diagnostics}
  let otherHeads = 0
  for (const node of parsed.nodes) {
    if (node.kind !== 'list') continue
    const head = headOf(node)
    if (head !== 'domain' && head !== 'vm') {
      otherHeads++
      continue
    }
    const r = sxpToDomain(node, {...(file !== undefined ? {file} : {}), ...(opts.target !== undefined ? {profile: opts.target.profile} : {})})
    if (r.kind === 'domain') domains.push({domain: r.domain, diagnostics: r.diagnostics, sxp: node})
    else if (r.kind === 'skip') skipped.push({...(r.name !== undefined ? {name: r.name} : {}), reason: r.reason})
    else diagnostics.push(...r.diagnostics)
  }
  if (domains.length === 0 && skipped.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    if (otherHeads > 0) {
      // xend-config.sxp and friends: daemon settings, not a domain.
      const first = parsed.nodes.find((n) => n.kind === 'list')
      const what = oneLine(headOf(first) ?? '…', 60)
      skipped.push({reason: `not a domain config: top-level (${what} …) lists, no (domain …)`})
      diagnostics.push(diag('NOT-A-CONFIG', 'info', `no (domain …) in this SXP file (first list is (${what} …)); skipped`, first?.loc))
    } else {
      diagnostics.push(diag('SYNTAX', 'error', 'no (domain …) expression found', located(file, 1, 1)))
    }
  }
  return {...base, domains, skipped, diagnostics}
}
