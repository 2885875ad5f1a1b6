import {readConfig} from '../convert/convert.js'
import type {SxpList} from '../formats/sxp/sxp-node.js'
import {diskSpecs} from './disk-specs.js'
import type {InventoryFile} from './host-inventory.js'
import type {DomainContext} from './rule.js'
import {detectionName} from './run-checks.js'

/**
 * The file-backed disk sources a host's configs name, for the collector to probe (pure: the
 * collector does the `stat`). Block devices under /dev are left out: a mounted old root does not
 * carry the running host's device nodes, so their absence would mean nothing.
 */
export function diskSourcesToProbe(files: readonly InventoryFile[]): string[] {
  const out = new Set<string>()
  for (const file of files) {
    if (file.role === 'xend-config') continue
    let read: ReturnType<typeof readConfig>
    try {
      read = readConfig(file.text, {file: file.path, ...detectionName(file)})
    } catch {
      continue
    }
    if ('skip' in read) continue
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
