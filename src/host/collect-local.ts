import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'
import type {HostInventory, InventoryFile} from '../checks/host-inventory.js'
import {LocalTransport} from '../transport/local.js'
import {collectHostInventory} from './check-inventory.js'

/**
 * Build `check` inventories from this machine: loose files and directories (`PATH…`, `-r`), and
 * a whole old dom0 tree (`--root DIR`) read through discovery like any other host. This is the
 * I/O edge; everything after it is pure.
 */
export interface CollectOptions {
  readonly paths: readonly string[]
  readonly recursive?: boolean
  readonly root?: string
}

export interface CollectResult {
  readonly inventories: HostInventory[]
  /** Inputs that do not exist: usage errors for the command. */
  readonly errors: string[]
}

/** Files larger than this are not domain configs (discovery uses the same limit). */
const MAX_CONFIG_BYTES = 1024 * 1024

export async function collectLocal(opts: CollectOptions): Promise<CollectResult> {
  const errors: string[] = []
  const inventories: HostInventory[] = []
  if (opts.root !== undefined) {
    const st = await stat(opts.root).catch(() => undefined)
    if (!st?.isDirectory()) errors.push(`--root ${opts.root}: not a directory`)
    else {
      const t = new LocalTransport({root: opts.root})
      try {
        inventories.push(await collectHostInventory(path.basename(path.resolve(opts.root)), t))
      } finally {
        await t.close()
      }
    }
  }
  if (opts.paths.length > 0) {
    const files: InventoryFile[] = []
    const readErrors: {path: string; message: string}[] = []
    for (const p of opts.paths) {
      const st = await stat(p).catch(() => undefined)
      if (st === undefined) {
        errors.push(`${p}: no such file or directory`)
        continue
      }
      const explicit = !st.isDirectory()
      for (const f of explicit ? [p] : await walk(p, opts.recursive === true)) {
        try {
          files.push({path: f, text: await readText(f), role: roleOf(f), ...(explicit ? {explicit} : {})})
        } catch (error) {
          readErrors.push({path: f, message: (error as Error).message})
        }
      }
    }
    inventories.push({host: 'localhost', isHostTree: false, files, otherPaths: [], autoLinks: [], networkConfigs: [], readErrors})
  }
  return {inventories, errors}
}

function roleOf(p: string): InventoryFile['role'] {
  if (/^xend-config.*\.sxp$/.test(path.basename(p))) return 'xend-config'
  if (/(^|\/)var\/lib\/xend\/domains\/[^/]+\/config\.sxp$/.test(p)) return 'managed-sxp'
  return 'loose'
}

async function readText(p: string): Promise<string> {
  const st = await stat(p)
  // A NUL makes format detection skip it as binary, so it is still listed as not a config.
  if (st.size > MAX_CONFIG_BYTES) return '\u0000'
  return readFile(p, 'utf8')
}

/** Regular files of a directory, sorted; subdirectories only with `recursive`. */
async function walk(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = []
  const entries = (await readdir(dir, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    const p = path.join(dir, e.name)
    const st = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : undefined
    if (e.isDirectory() || st?.isDirectory()) {
      if (recursive && !e.isSymbolicLink()) out.push(...(await walk(p, true)))
    } else if (e.isFile() || st?.isFile()) out.push(p)
  }
  return out
}
