import {readdirSync, statSync} from 'node:fs'
import {basename, join} from 'node:path'
import {isNonConfigName} from '../formats/detect.js'

export interface InputFile {
  /** Path as the user will see it in messages. */
  readonly path: string
  /** True when the user named this file explicitly (a non-config is then an error, not a skip). */
  readonly explicit: boolean
}

export interface CollectResult {
  readonly files: InputFile[]
  /** Paths passed over on purpose during a walk, with why. */
  readonly skipped: {readonly path: string; readonly reason: string}[]
  /** Paths that could not be read at all. */
  readonly errors: {readonly path: string; readonly message: string}[]
}

const SKIP_DIRS = new Set(['scripts', 'auto', '.git', 'node_modules'])
/** A walk never reads files bigger than this as configs (a real config is a few KiB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024

/**
 * Expand the PATH arguments of `convert`/`check` on the local machine. Directories need
 * `recursive`; during a walk: xend domain dirs contribute their `config.sxp` only (never
 * `checkpoint.chk`), `/etc/xen/auto` and `scripts` are not entered (auto holds links to configs
 * found elsewhere), and known non-configs (xend-config.sxp, xl.conf, backups) are skipped.
 * Synchronous system calls underneath: a local walk gains nothing from the thread pool and
 * paid a round trip per directory for it.
 */
export async function collectInputs(paths: readonly string[], recursive: boolean): Promise<CollectResult> {
  const files: InputFile[] = []
  const skipped: {path: string; reason: string}[] = []
  const errors: {path: string; message: string}[] = []
  for (const p of paths) {
    let st
    try {
      st = statSync(p)
    } catch (error) {
      errors.push({path: p, message: ioMessage(error)})
      continue
    }
    if (st.isDirectory()) {
      if (!recursive) {
        errors.push({path: p, message: 'is a directory (use -r/--recursive to walk it)'})
        continue
      }
      walk(p, files, skipped, errors)
    } else {
      files.push({path: p, explicit: true})
    }
  }
  // xend-managed domains first: when an /etc/xen file has the same name, config.sxp is what xend
  // actually ran (xen-formats.md §9), so it must win the output file name.
  const managedFirst = [...files].sort((a, b) => Number(!a.path.endsWith('/config.sxp')) - Number(!b.path.endsWith('/config.sxp')))
  return {files: managedFirst, skipped, errors}
}

function walk(dir: string, files: InputFile[], skipped: {path: string; reason: string}[], errors: {path: string; message: string}[]): void {
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch (error) {
    errors.push({path: dir, message: ioMessage(error)})
    return
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const names = new Set(entries.map((e) => e.name))
  // A xend domain directory: only config.sxp is configuration.
  if (names.has('config.sxp')) {
    files.push({path: join(dir, 'config.sxp'), explicit: false})
    for (const e of entries) if (e.name !== 'config.sxp') skipped.push({path: join(dir, e.name), reason: 'xend domain state, not configuration'})
    return
  }
  for (const e of entries) {
    const full = join(dir, e.name)
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name)) {
        skipped.push({path: full, reason: e.name === 'auto' ? 'autostart links to configs read elsewhere' : 'not a config directory'})
        continue
      }
      walk(full, files, skipped, errors)
    } else if (e.isFile()) {
      const reason = isNonConfigName(basename(full))
      if (reason) skipped.push({path: full, reason})
      else files.push({path: full, explicit: false})
    } else if (e.isSymbolicLink()) {
      skipped.push({path: full, reason: 'symbolic link (its target is read where it lives)'})
    }
  }
}

export function ioMessage(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
      return 'permission denied'
    case 'EISDIR':
    case 'ERR_FS_EISDIR':
      return 'is a directory'
    default:
      return e.message ?? String(error)
  }
}
