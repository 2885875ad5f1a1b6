import {readFile} from 'node:fs/promises'
import {applyLimit, LimitPatternError} from '../inventory/limit.js'
import {readInventory} from '../inventory/read-inventory.js'
import {hostTargetFor, hostTargetFromSpec, type HostTarget} from './open-host.js'

export interface HostSelection {
  readonly hosts?: readonly string[]
  readonly inventory?: string
  readonly limit?: string
  readonly root?: string
}

/** A selection the user must fix (bad host text, empty --limit result): a usage error. */
export class HostSelectionError extends Error {
  readonly code = 'USAGE'
}

/**
 * `--limit @FILE`: a retry file (one host name per line, as Ansible's `.retry` files and our
 * "failed hosts" hint) becomes the pattern `h1,h2`.
 */
async function expandLimitFile(limit: string): Promise<string> {
  if (!limit.startsWith('@')) return limit
  const file = limit.slice(1)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new HostSelectionError(`--limit ${limit}: cannot read ${file}: ${(error as Error).message}`)
  }
  const names = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean)
  if (names.length === 0) throw new HostSelectionError(`--limit ${limit}: ${file} lists no hosts`)
  return names.join(',')
}

/**
 * The hosts a fleet command works on: `--host` values and `--inventory` hosts (filtered by
 * `--limit`), or, with neither, this machine (below `--root` when given). Duplicates by name
 * are dropped; order is by name.
 */
export async function selectHosts(sel: HostSelection): Promise<{targets: HostTarget[]; warnings: string[]}> {
  const warnings: string[] = []
  const targets: HostTarget[] = []
  for (const h of sel.hosts ?? []) {
    const t = hostTargetFor(h, sel.root)
    if (!t) throw new HostSelectionError(`--host ${h}: not a host (expected [user@]host[:port] or "local")`)
    targets.push(t)
  }
  if (sel.inventory !== undefined) {
    const inv = await readInventory(sel.inventory)
    let hosts = inv.hosts
    if (sel.limit !== undefined) {
      let r: ReturnType<typeof applyLimit>
      try {
        r = applyLimit(inv, await expandLimitFile(sel.limit))
      } catch (error) {
        if (error instanceof LimitPatternError) throw new HostSelectionError(error.message)
        throw error
      }
      hosts = r.hosts
      for (const u of r.unmatched) warnings.push(`--limit: "${u}" matched no host in ${sel.inventory}`)
      if (hosts.length === 0) throw new HostSelectionError(`--limit ${sel.limit} selects no host of ${sel.inventory}`)
    }
    for (const h of hosts) targets.push(hostTargetFromSpec(h, sel.root))
  } else if (sel.limit !== undefined) {
    throw new HostSelectionError('--limit needs --inventory')
  }
  if (targets.length === 0) targets.push({kind: 'local', name: sel.root ?? 'local', ...(sel.root !== undefined ? {root: sel.root} : {})})
  const seen = new Set<string>()
  const unique = targets.filter((t) => {
    if (seen.has(t.name)) return false
    seen.add(t.name)
    return true
  })
  return {targets: unique.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), warnings}
}
