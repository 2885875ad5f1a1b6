import type {Finding} from '../checks/finding.js'
import type {HostInventory, InventoryFile} from '../checks/host-inventory.js'
import type {ReadFile} from '../checks/rule.js'
import {runChecks, sharedReads} from '../checks/run-checks.js'
import {type ConvertOptions, convertRead, convertText} from '../convert/convert.js'
import type {LibvirtTarget} from '../formats/libvirt/target.js'
import {diag, type Diagnostic} from '../model/diagnostic.js'
import type {DiscoveredConfig} from './discover.js'
import type {ImportItem} from './import-domains.js'

/** A config text to import, with what discovery knew about it. */
export interface ImportSource {
  readonly path: string
  readonly text: string
  readonly role?: DiscoveredConfig['role']
  /** An /etc/xen/auto link points at it. */
  readonly autostart?: boolean
}

/** A blocker finding of `xenlift check`, as a located diagnostic, with the file and domain it is about. */
interface CheckBlocker {
  readonly file?: string
  readonly domain: string
  readonly diagnostic: Diagnostic
}

/**
 * Blocker findings of `xenlift check` (no policy: nothing waived) that name a domain. `findings`:
 * the inventory's findings already computed, whatever their waivers, instead of checking again.
 */
export function checkBlockers(inv: HostInventory, findings?: readonly Finding[]): CheckBlocker[] {
  return (findings ?? runChecks([inv]).findings)
    .filter((f) => f.severity === 'blocker' && (findings !== undefined || !f.waived) && f.domain !== undefined)
    .map((f) => ({...(f.file !== undefined ? {file: f.file} : {}), domain: f.domain as string, diagnostic: findingDiagnostic(f)}))
}

function findingDiagnostic(f: Finding): Diagnostic {
  // The finding's own severity: a blocker reads "blocker" in import as in check.
  return diag(
    f.rule,
    f.severity,
    f.message,
    {...(f.file !== undefined ? {file: f.file} : {}), ...(f.line !== undefined ? {line: f.line} : {}), ...(f.column !== undefined ? {column: f.column} : {}), ...(f.path !== undefined ? {path: f.path} : {})},
    f.remediation,
  )
}

/** A `check` inventory for configs given as loose files (no host tree around them). */
export function looseInventory(sources: readonly ImportSource[]): HostInventory {
  return {host: 'local', isHostTree: false, files: sources.map((s) => ({path: s.path, text: s.text, role: 'loose' as const})), otherPaths: [], autoLinks: [], networkConfigs: []}
}

/** What a caller that already checked the inventory passes on, so that nothing is read or checked twice. */
export interface ImportItemsOptions extends Pick<ConvertOptions, 'amend'> {
  /** The inventory's files as `check` read them (`readInventory`): converted without reading them again where that read is the same. */
  readonly reads?: ReadonlyMap<InventoryFile, ReadFile>
  /** The inventory's check findings (`runChecks`), waived or not: the blockers come from them. */
  readonly findings?: readonly Finding[]
}

/**
 * Convert configs into import items (pure). When two configs describe the same domain (same
 * uuid, or same name), one is imported and the other skipped with why: xend's config.sxp wins,
 * because it is what xend actually ran (xen-formats.md §9); otherwise the first path in order.
 * `opts.amend` changes each read domain before it is written (the upgrade's answers).
 */
export function importItemsFrom(
  sources: readonly ImportSource[],
  target: LibvirtTarget,
  inventory: HostInventory = looseInventory(sources),
  opts: ImportItemsOptions = {},
): {items: ImportItem[]; fileErrors: {path: string; diagnostics: Diagnostic[]}[]} {
  // What stops a domain in import is exactly what check calls a blocker: findings on its config,
  // and host findings about it in other files (its checkpoint.chk, an /etc/xen/auto link).
  const found = checkBlockers(inventory, opts.findings)
  const readOf = sharedReads(opts.reads, target)
  const configPaths = new Set(sources.map((s) => s.path))
  const blockersOf = (path: string, name: string) =>
    found.filter((b) => b.domain === name && (b.file === path || b.file === undefined || !configPaths.has(b.file))).map((b) => b.diagnostic)
  const fileErrors: {path: string; diagnostics: Diagnostic[]}[] = []
  const candidates: {item: ImportItem; managed: boolean}[] = []
  for (const src of sources) {
    const base = src.path.slice(src.path.lastIndexOf('/') + 1)
    // securityInfo: a guest that had a VNC/SPICE password keeps it in libvirt.
    const co = {file: src.path, baseName: base, target, securityInfo: true, ...(opts.amend ? {amend: opts.amend} : {})}
    const read = readOf(src)
    const r = read !== undefined ? convertRead(read, co) : convertText(src.text, co)
    if (r.domains.length === 0) {
      if (r.diagnostics.some((d) => d.severity === 'error')) fileErrors.push({path: src.path, diagnostics: r.diagnostics})
      continue
    }
    for (const d of r.domains) {
      const ds: Diagnostic[] = [...r.diagnostics, ...d.diagnostics]
      candidates.push({
        item: {
          name: d.name,
          ...(d.uuid !== undefined ? {uuid: d.uuid} : {}),
          ...(d.output !== undefined ? {xml: d.output} : {}),
          source: src.path,
          diagnostics: ds,
          ...(src.autostart || d.domain.autostart ? {autostart: true} : {}),
          blockers: blockersOf(src.path, d.name),
        },
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
