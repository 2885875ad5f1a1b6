import type {HostImport} from '../host/import-fleet.js'
import {formatDiagnostic} from '../model/diagnostic.js'

/**
 * `import`'s text result: one line per domain (`host  domain  status  message`), blockers under
 * it, and the unified diff when dry-running or when a definition differs.
 */
export function renderImport(hosts: readonly HostImport[], opts: {showDiff: boolean}): string {
  let out = ''
  for (const h of hosts) {
    if (!h.ok) {
      out += `${h.host}: FAILED: ${h.error ?? 'unknown error'}\n`
      continue
    }
    for (const f of h.fileErrors) for (const d of f.diagnostics.filter((x) => x.severity === 'error')) out += `${h.host}: ${formatDiagnostic(d, f.path)}\n`
    for (const d of h.domains) {
      out += `${h.host}: ${d.name}: ${d.status}${d.dryRun && d.status === 'changed' ? ' (dry run)' : ''}: ${d.message}${d.forced ? ' (blockers overridden by --force)' : ''}${d.autostart ? '; marked autostart' : ''}${d.started ? '; started' : ''}\n`
      if (d.action === 'blocked' || d.forced) for (const b of d.blockers) out += `    blocker: ${formatDiagnostic(b, d.source)}\n`
      if (d.diff && (opts.showDiff || d.action === 'differs')) out += indentDiff(d.diff)
    }
  }
  const all = hosts.flatMap((h) => h.domains)
  const n = (s: string) => all.filter((d) => d.status === s).length
  out += `${all.length} domains: ${n('changed')} changed, ${n('ok')} ok, ${n('skipped')} skipped, ${n('failed')} failed; ${hosts.filter((h) => !h.ok).length} of ${hosts.length} hosts failed\n`
  return out
}

function indentDiff(diff: string): string {
  // Drop the "===" banner line the diff package prints; keep the ---/+++ headers and hunks.
  return `${diff
    .split('\n')
    .filter((l) => !/^={5,}$/.test(l) && l !== '')
    .map((l) => `    ${l}`)
    .join('\n')}\n`
}
