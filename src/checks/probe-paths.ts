import type {SxpList} from '../formats/sxp/sxp-node.js'
import {diskSpecs} from './disk-specs.js'
import type {InventoryFile} from './host-inventory.js'
import type {DomainContext, ReadFile} from './rule.js'
import {readInventoryFile} from './run-checks.js'

/**
 * The file-backed disk sources a host's configs name, for the collector to probe (pure: the
 * collector does the `stat`). Block devices under /dev are left out: a mounted old root does not
 * carry the running host's device nodes, so their absence would mean nothing. `reads`: the files
 * already read (`readInventory`), not parsed again.
 */
export function diskSourcesToProbe(files: readonly InventoryFile[], reads?: ReadonlyMap<InventoryFile, ReadFile>): string[] {
  const out = new Set<string>()
  for (const file of files) {
    if (file.role === 'xend-config') continue
    // The same read `check` makes (a reader crash reads as no domains).
    const read = (reads?.get(file) ?? readInventoryFile(file)).read
    if (read === undefined) continue
    for (const entry of read.domains) {
      const sxp = entry.sxp?.kind === 'list' ? (entry.sxp as SxpList) : undefined
      const ctx: DomainContext = {host: '', target: 'libvirt', file, read, entry, domain: entry.domain, ...(read.native ? {native: read.native} : {}), ...(sxp ? {sxp} : {})}
      for (const d of diskSpecs(ctx)) {
        const p = d.path
        if (p.startsWith('/') && !p.startsWith('/dev/')) out.add(p)
      }
    }
  }
  return [...out].sort()
}
