import * as path from 'node:path'
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
    if (real === this.root) return '/'
    return real.startsWith(`${this.root}/`) ? real.slice(this.root.length) : real
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  private under(p: string): string {
    return path.posix.join(this.root, path.posix.resolve('/', p))
  }
}
