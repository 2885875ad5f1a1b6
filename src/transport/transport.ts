import type {HostSnapshot, SnapshotRequest} from './snapshot.js'

/**
 * The one door to a host: run a command, read/write/list/stat files. Two implementations:
 * `LocalTransport` (child_process/fs; optionally under a mounted old root) and `SshTransport`
 * (ssh2). Everything that touches a host (scan, import, upgrade) goes through this.
 */
export interface ExecOptions {
  /** Kill the command (and fail with a timeout error) after this many ms. */
  readonly timeoutMs?: number
  /** Run under `sudo -n` (when the login user is not root and the user asked for it). */
  readonly sudo?: boolean
  /** Text fed to the command's stdin. */
  readonly input?: string
  readonly env?: Readonly<Record<string, string>>
  /**
   * The command bounds its own run time and sets its own locale (the snapshot script: every probe
   * under `timeout(1)`, `LC_ALL=C` exported first). Over SSH it is then sent as a bare `exec argv`:
   * no `sh -c`, `env` or remote `timeout(1)` around it, up to three processes fewer on the host;
   * `timeoutMs` is the local timer only. Not with `sudo` or `env`.
   */
  readonly selfLimited?: boolean
}

export interface ExecResult {
  readonly stdout: string
  readonly stderr: string
  /** Exit code; null when killed by a signal or the channel closed without a status. */
  readonly exitCode: number | null
  readonly signal?: string
}

export interface FileStat {
  readonly type: 'file' | 'directory' | 'symlink' | 'other'
  readonly size: number
  readonly mtimeMs: number
  readonly mode: number
}

export interface DirEntry {
  readonly name: string
  readonly type: 'file' | 'directory' | 'symlink' | 'other'
}

export interface Transport {
  /** `local`, or `ssh://user@host:port`: for messages. */
  readonly label: string
  /** argv[0] is the program; arguments are quoted by the transport, never joined raw. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>
  readFile(path: string): Promise<Buffer>
  /** Write to `path.tmp-…` then rename over `path`, so a reader never sees half a file. */
  writeFileAtomic(path: string, data: string | Buffer, opts?: {mode?: number}): Promise<void>
  readdir(path: string): Promise<DirEntry[]>
  /** Undefined when the path does not exist. */
  stat(path: string): Promise<FileStat | undefined>
  /** Resolve symlinks (for /etc/xen/auto de-duplication). */
  realpath(path: string): Promise<string>
  close(): Promise<void>
  /**
   * Gather file trees and command outputs in one round trip (snapshot.ts). Optional; undefined
   * when this transport or host cannot (then read file by file: same answers, more round trips).
   */
  snapshot?(request: SnapshotRequest): Promise<HostSnapshot | undefined>
}
