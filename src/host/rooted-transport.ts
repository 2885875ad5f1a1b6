import * as path from 'node:path'
import type {HostSnapshot, SnapshotEntry, SnapshotRequest} from '../transport/snapshot.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from '../transport/transport.js'

/**
 * A Transport whose file paths live below `root` on the host: the old dom0 root mounted at
 * `/mnt/old` on an upgraded host, or a simulated host tree. Commands are not affected. realpath
 * is the host's, with the root prefix taken off again; an absolute symlink inside the tree
 * that escapes it resolves on the host (only LocalTransport's own `root` resolves it
 * chroot-like, because the Transport interface has no readlink).
 */
export class RootedTransport implements Transport {
  readonly label: string
  readonly root: string
  private readonly inner: Transport

  constructor(inner: Transport, root: string) {
    this.inner = inner
    this.root = path.posix.resolve('/', root)
    this.label = `${inner.label}:${this.root}`
  }

  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return this.inner.exec(argv, opts)
  }

  readFile(p: string): Promise<Buffer> {
    return this.inner.readFile(this.under(p))
  }

  writeFileAtomic(p: string, data: string | Buffer, opts?: {mode?: number}): Promise<void> {
    return this.inner.writeFileAtomic(this.under(p), data, opts)
  }

  readdir(p: string): Promise<DirEntry[]> {
    return this.inner.readdir(this.under(p))
  }

  stat(p: string): Promise<FileStat | undefined> {
    return this.inner.stat(this.under(p))
  }

  async realpath(p: string): Promise<string> {
    const real = await this.inner.realpath(this.under(p))
    return this.inside(real) ?? real
  }

  /** The inner host's snapshot of the trees below the root, with paths read back as `realpath` reads them. */
  async snapshot(request: SnapshotRequest): Promise<HostSnapshot | undefined> {
    if (!this.inner.snapshot) return undefined
    // A glob tree's root prefix is quoted for sh (`[*]`), so only the pattern's own `*`/`?` match.
    const trees = request.trees.map((t) => ({
      ...t,
      path: t.glob ? this.under(t.path).replace(this.root, this.root.replace(/[*?[]/g, '[$&]')) : this.under(t.path),
      ...(t.skip ? {skip: t.skip.map((s) => this.under(s))} : {}),
    }))
    const snap = await this.inner.snapshot({...request, trees})
    if (!snap) return undefined
    // Entries outside the root are dropped: every file call of this transport reads below it.
    const entries = new Map<string, SnapshotEntry>()
    for (const [p, e] of snap.entries) {
      const inside = this.inside(p)
      if (inside === undefined) continue
      entries.set(inside, e.target !== undefined ? {...e, target: this.inside(e.target) ?? e.target} : e)
    }
    const listed = new Set([...snap.listed].flatMap((p) => this.inside(p) ?? []))
    return {entries, listed, probes: snap.probes}
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  /** A host path below the root as seen from inside it, or undefined when it is not below the root. */
  private inside(p: string): string | undefined {
    if (this.root === '/' || p === this.root) return p === this.root ? '/' : p
    return p.startsWith(`${this.root}/`) ? p.slice(this.root.length) : undefined
  }

  private under(p: string): string {
    return path.posix.join(this.root, path.posix.resolve('/', p))
  }
}
