import {convertText} from '../convert/convert.js'
import type {LibvirtTarget} from '../formats/libvirt/target.js'
import {diag, type Diagnostic} from '../model/diagnostic.js'
import type {DiscoveredConfig} from './discover.js'
import type {ImportItem} from './import-domains.js'

/** A config text to import, with what discovery knew about it. */
export interface ImportSource {
  readonly path: string
  readonly text: string
  readonly role?: DiscoveredConfig['role']
  readonly checkpoint?: string
}

/**
 * Convert configs into import items (pure). When two configs describe the same domain (same
 * uuid, or same name), one is imported and the other skipped with why: xend's config.sxp wins,
 * because it is what xend actually ran (xen-formats.md §9); otherwise the first path in order.
 */
export function importItemsFrom(sources: readonly ImportSource[], target: LibvirtTarget): {items: ImportItem[]; fileErrors: {path: string; diagnostics: Diagnostic[]}[]} {
  const fileErrors: {path: string; diagnostics: Diagnostic[]}[] = []
  const candidates: {item: ImportItem; managed: boolean}[] = []
  for (const src of sources) {
    const base = src.path.slice(src.path.lastIndexOf('/') + 1)
    const r = convertText(src.text, {file: src.path, baseName: base, target})
    if (r.domains.length === 0) {
      if (r.diagnostics.some((d) => d.severity === 'error')) fileErrors.push({path: src.path, diagnostics: r.diagnostics})
      continue
    }
    for (const d of r.domains) {
      const ds: Diagnostic[] = [...r.diagnostics, ...d.diagnostics]
      if (src.checkpoint !== undefined) {
        ds.push(
          diag('XL-STATE-001', 'warning', `saved state ${src.checkpoint} cannot be restored by libxl`, {file: src.path}, 'restore it under xend and shut the domain down cleanly first'),
        )
      }
      candidates.push({
        item: {name: d.name, ...(d.uuid !== undefined ? {uuid: d.uuid} : {}), ...(d.output !== undefined ? {xml: d.output} : {}), source: src.path, diagnostics: ds},
        // A local copy of a dom0 tree has no role: its xend domain dirs are recognised by path.
        managed: src.role === 'managed-sxp' || (src.role === undefined && /(^|\/)var\/lib\/xend\/domains\/[^/]+\/config\.sxp$/.test(src.path)),
      })
    }
  }
  // Managed configs first, then by path: the first of a group is the one imported.
  const ordered = [...candidates].sort((a, b) => Number(b.managed) - Number(a.managed) || (a.item.source < b.item.source ? -1 : a.item.source > b.item.source ? 1 : 0))
  const byUuid = new Map<string, ImportItem>()
  const byName = new Map<string, ImportItem>()
  const items: ImportItem[] = []
  for (const {item} of ordered) {
    const same = (item.uuid !== undefined ? byUuid.get(item.uuid) : undefined) ?? byName.get(item.name)
    if (same) {
      const why =
        same.uuid === item.uuid
          ? `duplicate of ${same.source} (same uuid${same.name !== item.name ? `, named '${same.name}' there` : ''}); that one is imported`
          : `name '${item.name}' is also used by ${same.source} with another uuid (DUP-NAME); that one is imported`
      items.push({...item, skip: why})
      continue
    }
    if (item.uuid !== undefined) byUuid.set(item.uuid, item)
    byName.set(item.name, item)
    items.push(item)
  }
  return {items: items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.source < b.source ? -1 : 1)), fileErrors}
}
