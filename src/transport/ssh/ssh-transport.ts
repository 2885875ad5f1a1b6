/**
 * `Transport` over one ssh2 connection per host (stack-notes §3): a per-connection channel
 * limiter (default 4 of OpenSSH's 10 MaxSessions), one lazily opened SFTP session, keepalive,
 * per-command timeouts, and typed errors. Once the connection drops every pending and later
 * operation fails with `ConnectError` (code `CONNECTION_LOST`); there is no silent reconnect,
 * because a half-done step must be resumed deliberately (the runbook journal's job).
 */
import {randomBytes} from 'node:crypto'
import {userInfo} from 'node:os'
import type {Client as Ssh2Client, SFTPWrapper} from 'ssh2'
import {ConnectError, type RemoteFileError} from '../errors.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from '../transport.js'
import {ChannelLimiter} from './channel-limiter.js'
import {type OpenedConnection, openConnection, type SshConnectOptions} from './connect.js'
import {type SshConnectSpec, specLabel} from './connect-spec.js'
import {ChannelOpenRefusedError, runExecChannel} from './exec-channel.js'
import {execLstat, execReaddir, execReadFile, execRealpath, execWriteFileAtomic} from './exec-file-ops.js'
import {buildRemoteCommand} from './remote-command.js'
import type {HostSnapshot, SnapshotRequest} from '../snapshot.js'
import {runSnapshotScript} from '../snapshot-script.js'
import {
  sftpChmod,
  sftpLstat,
  sftpPosixRename,
  sftpReaddir,
  sftpReadFile,
  sftpRealpath,
  sftpUnlink,
  sftpWriteFile,
} from './sftp-session.js'

export interface SshTransportOptions extends SshConnectOptions {
  /** Channels (execs + the sftp session) open at once on this connection; default 4. */
  readonly maxChannels?: number
}

/** Connect (through any ProxyJump hops), verify host keys, authenticate. */
export async function connectSsh(spec: SshConnectSpec, opts: SshTransportOptions = {}): Promise<SshTransport> {
  const opened = await openConnection(spec, opts)
  return new SshTransport(spec, opened, opts.maxChannels ?? 4, opts.onWarning)
}

const isOpenRefusal = (err: unknown): boolean => err instanceof ChannelOpenRefusedError

export class SshTransport implements Transport {
  readonly label: string
  /** The name used in messages (inventory name / ssh alias). */
  readonly host: string
  readonly #client: Ssh2Client
  readonly #jumps: readonly Ssh2Client[]
  readonly #channels: ChannelLimiter
  #sftp: Promise<SFTPWrapper> | undefined
  #lost: ConnectError | undefined
  #closing = false
  #noSftp = false
  readonly #onWarning: ((message: string) => void) | undefined
  readonly #closed: Promise<void>

  constructor(spec: SshConnectSpec, opened: OpenedConnection, maxChannels: number, onWarning?: (message: string) => void) {
    this.host = spec.host
    this.#onWarning = onWarning
    this.label = specLabel(spec, userInfo().username)
    this.#client = opened.client
    this.#jumps = opened.jumps
    this.#channels = new ChannelLimiter(maxChannels)
    this.#closed = new Promise((resolve) => this.#client.once('close', () => resolve()))
    const onLost = (why: string) => (): void => {
      if (this.#lost) return
      this.#lost = new ConnectError(
        this.host,
        this.#closing
          ? `host ${this.host}: the SSH connection was closed`
          : `host ${this.host}: SSH connection lost (${why}); check the host is up, then rerun (completed steps are skipped)`,
        {code: 'CONNECTION_LOST'},
      )
      this.#sftp = undefined
    }
    this.#client.on('close', onLost('closed by the remote side'))
    this.#client.on('end', onLost('closed by the remote side'))
    this.#client.on('error', (err: Error) => onLost(err.message)())
    for (const jump of this.#jumps) jump.on('close', onLost('the jump host connection closed'))
  }

  /** Channels the limiter currently allows (drops when the server refuses more: MaxSessions). */
  get channelLimit(): number {
    return this.#channels.limit
  }

  get connected(): boolean {
    return this.#lost === undefined
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = buildRemoteCommand(argv, {
      ...(opts.sudo ? {sudo: true} : {}),
      ...(opts.env ? {env: opts.env} : {}),
      ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
      ...(opts.selfLimited ? {selfLimited: true} : {}),
    })
    const run = (): Promise<ExecResult> =>
      runExecChannel(this.#client, {
        host: this.host,
        argv,
        command,
        ...(opts.input !== undefined ? {input: opts.input} : {}),
        ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
        connectionLost: () => this.#lost,
      })
    return this.#channels.run(run, isOpenRefusal).catch(async (err: unknown) => {
      if (!isOpenRefusal(err)) throw err
      // Only the idle sftp session holds a channel (MaxSessions 1): give it back and retry once.
      if (this.#sftp && this.#channels.active === 0) {
        await this.#endSftp()
        return this.#channels.run(run, () => false)
      }
      throw new ConnectError(
        this.host,
        `${(err as Error).message}; the server allows no more sessions on this connection (sshd MaxSessions) or refuses sessions for this account`,
        {cause: err},
      )
    })
  }

  async readFile(path: string): Promise<Buffer> {
    const sftp = await this.#sftpOrExec()
    return sftp ? sftpReadFile(sftp, this.host, path) : execReadFile(this.#run, this.host, path)
  }

  async writeFileAtomic(path: string, data: string | Buffer, opts: {mode?: number} = {}): Promise<void> {
    const sftp = await this.#sftpOrExec()
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    const existing = opts.mode === undefined ? await this.stat(path) : undefined
    const mode = opts.mode ?? existing?.mode ?? 0o644
    const tmp = `${path}.tmp-xenlift-${randomBytes(4).toString('hex')}`
    if (!sftp) return execWriteFileAtomic(this.#run, this.host, path, tmp, bytes, mode)
    try {
      await sftpWriteFile(sftp, this.host, tmp, bytes, mode)
      // The open mode is filtered by sftp-server's umask; set it exactly.
      await sftpChmod(sftp, this.host, tmp, mode)
      await this.#rename(sftp, tmp, path)
    } catch (err) {
      await sftpUnlink(sftp, this.host, tmp).catch(() => {})
      throw err
    }
  }

  async readdir(path: string): Promise<DirEntry[]> {
    const sftp = await this.#sftpOrExec()
    return sftp ? sftpReaddir(sftp, this.host, path) : execReaddir(this.#run, this.host, path)
  }

  /** lstat semantics: a symlink is reported as `symlink` (use `realpath` to follow it). */
  async stat(path: string): Promise<FileStat | undefined> {
    const sftp = await this.#sftpOrExec()
    return sftp ? sftpLstat(sftp, this.host, path) : execLstat(this.#run, this.host, path)
  }

  async realpath(path: string): Promise<string> {
    const sftp = await this.#sftpOrExec()
    return sftp ? sftpRealpath(sftp, this.host, path) : execRealpath(this.#run, this.host, path)
  }

  /** One exec of the snapshot script: a whole dom0's configs and facts in one round trip. */
  snapshot(request: SnapshotRequest): Promise<HostSnapshot | undefined> {
    return runSnapshotScript(this.#run, request)
  }

  async close(): Promise<void> {
    if (this.#closing) return this.#closed
    this.#closing = true
    await this.#endSftp()
    this.#client.end()
    for (const jump of [...this.#jumps].reverse()) jump.end()
    await Promise.race([this.#closed, new Promise((r) => setTimeout(r, 2000).unref())])
  }

  /** posix-rename@openssh.com when offered (OpenSSH ≥ 4.8), else rename(2) via `mv -f`. */
  async #rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await sftpPosixRename(sftp, this.host, from, to)
      return
    } catch (err) {
      if (!/not support/i.test(String((err as RemoteFileError).cause))) throw err
    }
    const r = await this.exec(['mv', '-f', '--', from, to])
    if (r.exitCode !== 0) throw new ConnectError(this.host, `host ${this.host}: cannot rename ${from} onto ${to}: ${r.stderr.trim()}`, {code: 'SFTP_FAILED'})
  }

  readonly #run = (argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> => this.exec(argv, opts)

  /**
   * The SFTP session, or undefined once we know the host has no SFTP server: then file calls
   * run as commands (exec-file-ops.ts) and we say so once.
   */
  async #sftpOrExec(): Promise<SFTPWrapper | undefined> {
    if (this.#noSftp) return undefined
    try {
      return await this.#session()
    } catch (err) {
      if (!(err instanceof ConnectError && err.code === 'SFTP_FAILED')) throw err
      this.#noSftp = true
      this.#onWarning?.(`${err.message}; using shell commands (base64, stat, find) for file access instead`)
      return undefined
    }
  }

  /** End the sftp session (if any) and wait until its channel is closed. */
  async #endSftp(): Promise<void> {
    const opening = this.#sftp
    this.#sftp = undefined
    if (!opening) return
    const sftp = await opening.catch(() => undefined)
    if (!sftp) return
    const closed = new Promise<void>((resolve) => sftp.once('close', () => resolve()))
    sftp.end()
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())])
    this.#channels.reserve(0)
  }

  /** One SFTP session per connection, opened on first use; it holds one channel while open. */
  #session(): Promise<SFTPWrapper> {
    if (this.#lost) return Promise.reject(this.#lost)
    if (this.#sftp) return this.#sftp
    const opening: Promise<SFTPWrapper> = this.#channels
      .run(() => this.#openSftp(), isOpenRefusal)
      .then((sftp) => {
        this.#channels.reserve(1)
        sftp.on('close', () => {
          this.#channels.reserve(0)
          if (this.#sftp === opening) this.#sftp = undefined
        })
        return sftp
      })
      .catch((err: unknown) => {
        if (this.#sftp === opening) this.#sftp = undefined
        if (!isOpenRefusal(err)) throw err
        throw new ConnectError(this.host, `${(err as Error).message}; the server allows no more sessions on this connection (sshd MaxSessions)`, {cause: err})
      })
    this.#sftp = opening
    return opening
  }

  #openSftp(): Promise<SFTPWrapper> {
    return new Promise<SFTPWrapper>((resolve, reject) => {
      this.#client.sftp((err, sftp) => {
        if (!err) return resolve(sftp)
        if (this.#lost) return reject(this.#lost)
        // "Channel open failure" is the MaxSessions case the limiter handles; anything else
        // (e.g. "Unable to start subsystem: sftp") means the host has no SFTP server.
        if (/channel open failure/i.test(err.message)) {
          return reject(new ChannelOpenRefusedError(`host ${this.host}: cannot open an SFTP session: ${err.message}`, {cause: err}))
        }
        reject(
          new ConnectError(this.host, `host ${this.host}: cannot start SFTP (${err.message}); enable \`Subsystem sftp\` in the host's sshd_config`, {
            cause: err,
            code: 'SFTP_FAILED',
          }),
        )
      })
    })
  }
}
