import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {constants as fsc} from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import type {HostSnapshot, SnapshotRequest} from './snapshot.js'
import {runSnapshotScript} from './snapshot-script.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from './transport.js'

/** A command ran longer than its `timeoutMs`; its whole process group was killed. */
export class CommandTimeoutError extends Error {
  readonly code = 'TIMEOUT'
  readonly argv: readonly string[]
  readonly timeoutMs: number
  constructor(argv: readonly string[], timeoutMs: number, label: string) {
    super(`${label}: \`${argv.join(' ')}\` timed out after ${timeoutMs} ms`)
    this.name = 'CommandTimeoutError'
    this.argv = argv
    this.timeoutMs = timeoutMs
  }
}

export interface LocalTransportOptions {
  /**
   * A mounted old dom0 root (`/mnt/old`): every file path is read below it, and absolute
   * symlinks inside it are resolved against it (as a chroot would), so `/etc/xen/auto/vm1 ->
   * /etc/xen/vm1` points into the old root, not into this machine's /etc. Commands still run
   * on this machine.
   */
  readonly root?: string
  /** Base environment for commands (default: this process's). `ExecOptions.env` is added on top. */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly label?: string
}

/** Stop collecting output beyond this (a runaway command must not exhaust memory). */
const MAX_OUTPUT = 64 * 1024 * 1024
const MAX_SYMLINKS = 40

/**
 * The Transport for this machine: `child_process.spawn` with argv arrays (a shell only to give
 * a command with input a real pipe as stdin, and then the argv is "$@", never parsed), fs for
 * files. Each command gets its own process group so that a timeout kills the command and all
 * its children (a `virsh` stuck behind a dead libvirtd, a `sh -c` pipeline), like timeout(1).
 */
export class LocalTransport implements Transport {
  readonly label: string
  readonly root: string | undefined
  private readonly env: Readonly<Record<string, string | undefined>>

  constructor(opts: LocalTransportOptions = {}) {
    this.root = opts.root !== undefined ? path.resolve(opts.root) : undefined
    this.env = opts.env ?? process.env
    this.label = opts.label ?? (this.root !== undefined ? `local:${this.root}` : 'local')
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0 || argv[0] === '') return Promise.reject(new TypeError('exec: empty argv'))
    const asked = opts.sudo && process.getuid?.() !== 0 ? ['sudo', '-n', ...argv] : [...argv]
    // Node gives a child a socket as stdin, and open("/dev/stdin") on a socket fails (ENXIO):
    // `virsh define /dev/stdin`, how a password-holding XML is handed over, failed on this
    // machine while it works over SSH (sshd gives pipes). With input, `cat` copies it into a
    // real pipe; the argv still reaches the command as "$@", never parsed by the shell.
    const full = opts.input !== undefined ? ['/bin/sh', '-c', 'cat | exec "$@"', 'xenlift-stdin', ...asked] : asked
    const [cmd, ...args] = full as [string, ...string[]]
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        env: {...this.env, ...opts.env},
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      let size = 0
      const collect = (into: Buffer[]) => (b: Buffer) => {
        size += b.length
        if (size <= MAX_OUTPUT) into.push(b)
      }
      child.stdout.on('data', collect(out))
      child.stderr.on('data', collect(err))
      let timedOut = false
      const timer =
        opts.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true
              killGroup(child.pid, 'SIGKILL')
            }, opts.timeoutMs)
          : undefined
      child.on('error', (e) => {
        if (timer) clearTimeout(timer)
        // ENOENT: the program does not exist here. Report it like a shell would (127), as data:
        // facts probing `xm`/`xl`/`virsh` must not need try/catch around every probe.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve({stdout: '', stderr: `${cmd}: command not found\n`, exitCode: 127})
        } else {
          reject(e)
        }
      })
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        if (timedOut) {
          reject(new CommandTimeoutError(argv, opts.timeoutMs ?? 0, this.label))
          return
        }
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code,
          ...(signal ? {signal} : {}),
        })
      })
      child.stdin.on('error', () => {
        // The command exited without reading its input (EPIPE): its exit status says enough.
      })
      child.stdin.end(opts.input ?? '')
    })
  }

  readFile(p: string): Promise<Buffer> {
    return this.resolvedPath(p).then((rp) => fs.readFile(rp))
  }

  async writeFileAtomic(p: string, data: string | Buffer, opts: {mode?: number} = {}): Promise<void> {
    const target = this.hostPath(p)
    const dir = path.dirname(target)
    const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
    const fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, opts.mode ?? 0o644)
    try {
      await fh.writeFile(data)
      await fh.sync()
    } catch (e) {
      await fh.close()
      await fs.rm(tmp, {force: true})
      throw e
    }
    await fh.close()
    if (opts.mode !== undefined) await fs.chmod(tmp, opts.mode)
    try {
      await fs.rename(tmp, target)
    } catch (e) {
      await fs.rm(tmp, {force: true})
      throw e
    }
    // fsync the directory so the rename itself survives a crash.
    const dh = await fs.open(dir, 'r')
    try {
      await dh.sync()
    } finally {
      await dh.close()
    }
  }

  async readdir(p: string): Promise<DirEntry[]> {
    const entries = await fs.readdir(await this.resolvedPath(p), {withFileTypes: true})
    return entries
      .map((e) => ({name: e.name, type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other'}) as DirEntry)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** Like lstat for the last component (a symlink reports `symlink`); undefined when missing. */
  async stat(p: string): Promise<FileStat | undefined> {
    let hp: string
    try {
      hp = path.join(await this.resolvedPath(path.posix.dirname(p)), path.posix.basename(p))
    } catch (e) {
      if (isMissing(e)) return undefined
      throw e
    }
    try {
      const s = await fs.lstat(hp)
      const type = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other'
      return {type, size: s.size, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777}
    } catch (e) {
      if (isMissing(e)) return undefined
      throw e
    }
  }

  /** The host path with every symlink resolved (below `root` when one is set). */
  async realpath(p: string): Promise<string> {
    if (this.root === undefined) return fs.realpath(p)
    return this.chrootRealpath(p)
  }

  /**
   * The snapshot script, run here: the same single pass as on a remote host. Not for a mounted
   * root, whose absolute symlinks resolve chroot-like (see `root`), which a shell's `readlink`
   * cannot do: there the caller reads file by file, which costs no round trips locally.
   */
  async snapshot(request: SnapshotRequest): Promise<HostSnapshot | undefined> {
    if (this.root !== undefined) return undefined
    return runSnapshotScript((argv, opts) => this.exec(argv, opts), request)
  }

  async close(): Promise<void> {}

  /** The path on this machine for a host path (no symlink resolution). */
  hostPath(p: string): string {
    if (this.root === undefined) return p
    return path.join(this.root, path.posix.resolve('/', p))
  }

  private async resolvedPath(p: string): Promise<string> {
    if (this.root === undefined) return p
    return this.hostPath(await this.chrootRealpath(p))
  }

  /** realpath(3) as seen from inside `root`: absolute link targets restart at the root. */
  private async chrootRealpath(p: string): Promise<string> {
    const pending = path.posix.resolve('/', p).split('/').filter(Boolean)
    const done: string[] = []
    let links = 0
    while (pending.length > 0) {
      const part = pending.shift() as string
      if (part === '.') continue
      if (part === '..') {
        done.pop()
        continue
      }
      const candidate = [...done, part]
      const onDisk = path.join(this.root as string, ...candidate)
      let target: string | undefined
      try {
        target = await fs.readlink(onDisk)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'EINVAL') target = undefined
        else if (code === 'ENOENT' && pending.length === 0) {
          // Like realpath(3): the last component must exist.
          throw e
        } else throw e
      }
      if (target === undefined) {
        done.push(part)
        continue
      }
      if (++links > MAX_SYMLINKS) {
        const e = new Error(`ELOOP: too many symbolic links, realpath '${p}'`) as NodeJS.ErrnoException
        e.code = 'ELOOP'
        throw e
      }
      const parts = target.split('/').filter(Boolean)
      if (target.startsWith('/')) done.length = 0
      pending.unshift(...parts)
    }
    return `/${done.join('/')}`
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // Already gone.
    }
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
