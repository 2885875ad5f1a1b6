import * as path from 'node:path'
import {RemoteFileError, XenliftError} from './errors.js'
import type {HostSnapshot, SnapshotEntry, SnapshotErrorCode, SnapshotRequest} from './snapshot.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from './transport.js'

/**
 * A Transport that answers from a `HostSnapshot` what the snapshot holds, and passes the rest
 * to the host: the ordinary Transport calls (`readdir`, `stat`, `realpath`, `readFile`, `exec` of
 * a probe's argv) stay the way discovery and facts ask about a host, and the answers are the
 * ones the host gave in its single round trip. A path the snapshot does not cover (outside its
 * trees or below their depth), a command that was not a probe and every write go to `inner`.
 * `stat` of a snapshot entry has type and size; mode and mtime read 0 (nothing reading a host
 * through a snapshot uses them).
 */
export class SnapshotView implements Transport {
  readonly label: string
  readonly inner: Transport
  /** Operations the snapshot could not answer (each one a round trip), for --verbose and tests. */
  readonly misses: string[] = []
  readonly #entries = new Map<string, SnapshotEntry>()
  readonly #listed = new Set<string>()
  readonly #roots = new Set<string>()
  /** Glob trees: a path one of these matches and the snapshot lacks does not exist. */
  readonly #globs: RegExp[] = []
  readonly #probes = new Map<string, HostSnapshot['probes'][number]>()
  /** Directory children, by parent (only for listed directories). */
  readonly #children = new Map<string, DirEntry[]>()
  /** Symlinks whose target is a directory: a path below the target is read below the link. */
  readonly #dirLinks: [link: string, target: string][] = []

  constructor(inner: Transport, snapshot: HostSnapshot, request: SnapshotRequest) {
    this.inner = inner
    this.label = inner.label
    this.add(request, snapshot)
  }

  /** Merge a further snapshot of the same host (`xm list -l` per domain, the disk paths `check` probes). */
  add(request: SnapshotRequest, snapshot: HostSnapshot): void {
    for (const [p, e] of snapshot.entries) this.#entries.set(p, e)
    for (const p of snapshot.listed) this.#listed.add(p)
    for (const t of request.trees) {
      if (t.glob) this.#globs.push(globPattern(t.path))
      else this.#roots.add(t.path)
    }
    request.probes.forEach((p, i) => {
      const outcome = snapshot.probes[i]
      if (outcome !== undefined) this.#probes.set(JSON.stringify(p.argv), outcome)
    })
    this.#children.clear()
    this.#dirLinks.length = 0
    for (const [p, e] of this.#entries) {
      if (e.type === 'symlink' && e.target !== undefined && this.#entries.get(e.target)?.type === 'directory') this.#dirLinks.push([p, e.target])
      const parent = path.posix.dirname(p)
      if (p !== '/' && this.#listed.has(parent)) {
        const list = this.#children.get(parent) ?? []
        list.push({name: p.slice(parent === '/' ? 1 : parent.length + 1), type: e.type})
        this.#children.set(parent, list)
      }
    }
    for (const list of this.#children.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const outcome = opts?.input === undefined ? this.#probes.get(JSON.stringify(argv)) : undefined
    if (outcome === 'timeout') return Promise.reject(new XenliftError('TIMEOUT', `${this.label}: \`${argv.join(' ')}\` timed out`))
    if (outcome !== undefined) return Promise.resolve(outcome)
    this.misses.push(`exec ${argv.join(' ')}`)
    return this.inner.exec(argv, opts)
  }

  async readFile(p: string): Promise<Buffer> {
    const e = this.#find(p)
    const file = e?.type === 'symlink' ? (e.target !== undefined ? this.#find(e.target) : undefined) : e
    if (file?.readError) throw this.#error(p, 'read', file.readError)
    if (file?.content !== undefined) return file.content
    if (file?.type === 'directory') throw this.#error(p, 'read', 'EISDIR')
    if (e === undefined && this.#covered(p)) throw this.#error(p, 'read', 'ENOENT')
    if (e?.type === 'symlink' && e.target === undefined) throw this.#error(p, 'read', 'ENOENT')
    this.misses.push(`read ${p}`)
    return this.inner.readFile(p)
  }

  writeFileAtomic(p: string, data: string | Buffer, opts?: {mode?: number}): Promise<void> {
    return this.inner.writeFileAtomic(p, data, opts)
  }

  async readdir(p: string): Promise<DirEntry[]> {
    const logical = this.#logical(p)
    const e = this.#entries.get(logical)
    if (e?.listError) throw this.#error(p, 'list', e.listError)
    if (this.#listed.has(logical)) return [...(this.#children.get(logical) ?? [])]
    if (e === undefined && this.#covered(p)) throw this.#error(p, 'list', 'ENOENT')
    this.misses.push(`readdir ${p}`)
    return this.inner.readdir(p)
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const e = this.#find(p)
    if (e !== undefined) return {type: e.type, size: e.size, mtimeMs: 0, mode: 0}
    if (this.#covered(p)) return undefined
    this.misses.push(`stat ${p}`)
    return this.inner.stat(p)
  }

  async realpath(p: string): Promise<string> {
    const logical = this.#logical(p)
    const e = this.#entries.get(logical)
    if (e?.type === 'symlink') {
      if (e.target === undefined) throw this.#error(p, 'resolve', 'ENOENT')
      return e.target
    }
    if (e !== undefined) {
      // Below a symlinked directory (a tree root such as /var/lib/xend -> /srv/xend): the real path is under its target.
      for (let dir = path.posix.dirname(logical); dir !== '/'; dir = path.posix.dirname(dir)) {
        const up = this.#entries.get(dir)
        if (up?.type === 'symlink' && up.target !== undefined) return up.target + logical.slice(dir.length)
      }
      return logical
    }
    if (this.#covered(p)) throw this.#error(p, 'resolve', 'ENOENT')
    this.misses.push(`realpath ${p}`)
    return this.inner.realpath(p)
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  #find(p: string): SnapshotEntry | undefined {
    return this.#entries.get(this.#logical(p))
  }

  /** The path as the snapshot recorded it: `/srv/xend/x` is listed as `/var/lib/xend/x` when /var/lib/xend -> /srv/xend. */
  #logical(p: string): string {
    if (this.#entries.has(p)) return p
    for (const [link, target] of this.#dirLinks) if (p.startsWith(`${target}/`) && this.#entries.has(link + p.slice(target.length))) return link + p.slice(target.length)
    return p
  }

  /** The snapshot knows this path's absence: a tree root, a name in a listed directory, or a glob tree's match. */
  #covered(p: string): boolean {
    const logical = this.#logical(p)
    return this.#roots.has(logical) || this.#listed.has(path.posix.dirname(logical)) || this.#globs.some((g) => g.test(logical))
  }

  #error(p: string, op: string, code: SnapshotErrorCode | 'EISDIR'): XenliftError {
    const why = {ENOENT: 'no such file or directory', EACCES: 'permission denied', EIO: 'input/output error', EISDIR: 'is a directory'}[code]
    const message = `${this.label}: cannot ${op} ${p}: ${why}`
    return code === 'EISDIR' ? new XenliftError(code, message) : new RemoteFileError(this.label, p, code, message)
  }
}

/** A glob tree's path as sh matches it: `*` and `?` within one name, every other character itself. */
function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : `\\${c}`))
  return new RegExp(`^${body}$`)
}
