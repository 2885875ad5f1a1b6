import type {ExecResult} from './transport.js'

/**
 * Typed operational errors of the transport layer (house-style §2.5): each has a stable `code`,
 * wraps what went wrong underneath in `cause`, and a message that names the host and the next
 * action. Bad *input* is never an exception; these are for hosts that cannot be reached, keys
 * that do not match, commands that fail or hang.
 */
export type TransportErrorCode =
  | 'CONNECT_FAILED'
  | 'AUTH_FAILED'
  | 'CONNECTION_LOST'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_CHANGED'
  | 'HOST_KEY_REVOKED'
  | 'REMOTE_COMMAND_FAILED'
  | 'TIMEOUT'
  | 'SFTP_FAILED'

/** Base of xenlift's operational errors. */
export class XenliftError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** Cannot reach / log in to / stay connected to a host. */
export class ConnectError extends XenliftError {
  readonly host: string
  constructor(
    host: string,
    message: string,
    options?: {cause?: unknown; code?: 'CONNECT_FAILED' | 'AUTH_FAILED' | 'CONNECTION_LOST' | 'SFTP_FAILED'},
  ) {
    super(options?.code ?? 'CONNECT_FAILED', message, options)
    this.host = host
  }
}

/** The host key is unknown, changed or revoked; carries what the user needs to decide. */
export class HostKeyError extends XenliftError {
  readonly host: string
  /** `SHA256:…` of the key the server presented, as OpenSSH prints it. */
  readonly fingerprint: string
  readonly keyType: string
  /** The known_hosts file and 1-based line that holds the conflicting / revoking entry. */
  readonly knownHostsFile?: string
  readonly knownHostsLine?: number
  constructor(
    code: 'HOST_KEY_UNKNOWN' | 'HOST_KEY_CHANGED' | 'HOST_KEY_REVOKED',
    init: {host: string; fingerprint: string; keyType: string; file?: string; line?: number; message: string},
  ) {
    super(code, init.message)
    this.host = init.host
    this.fingerprint = init.fingerprint
    this.keyType = init.keyType
    if (init.file !== undefined) this.knownHostsFile = init.file
    if (init.line !== undefined) this.knownHostsLine = init.line
  }
}

/** A remote command ran and failed (non-zero exit, killed by a signal, or no exit status). */
export class RemoteCommandError extends XenliftError {
  readonly host: string
  readonly argv: readonly string[]
  readonly exitCode: number | null
  readonly signal: string | undefined
  /** The last ~2 KiB of stderr. */
  readonly stderrTail: string
  constructor(init: {host: string; argv: readonly string[]; exitCode: number | null; signal?: string; stderr: string; cause?: unknown}) {
    const how = init.exitCode !== null ? `exited ${init.exitCode}` : init.signal ? `was killed by ${init.signal}` : 'ended without an exit status'
    const tail = init.stderr.length > 2048 ? init.stderr.slice(-2048) : init.stderr
    const firstLine = tail.trim().split('\n').at(-1) ?? ''
    super('REMOTE_COMMAND_FAILED', `${init.host}: \`${init.argv.join(' ')}\` ${how}${firstLine ? `: ${firstLine}` : ''}`, {cause: init.cause})
    this.host = init.host
    this.argv = init.argv
    this.exitCode = init.exitCode
    this.signal = init.signal
    this.stderrTail = tail
  }
}

/** Something took longer than allowed (connect, a command); the channel has been closed. */
export class TimeoutError extends XenliftError {
  readonly host: string
  readonly timeoutMs: number
  constructor(host: string, timeoutMs: number, message: string, options?: {cause?: unknown}) {
    super('TIMEOUT', message, options)
    this.host = host
    this.timeoutMs = timeoutMs
  }
}

/**
 * A remote file operation failed. `code` uses Node's errno names (`ENOENT`, `EACCES`, `EIO`) so
 * callers treat the local and the SSH transport alike (`err.code === 'ENOENT'`).
 */
export class RemoteFileError extends XenliftError {
  readonly host: string
  readonly path: string
  constructor(host: string, path: string, code: 'ENOENT' | 'EACCES' | 'EIO', message: string, options?: {cause?: unknown}) {
    super(code, message, options)
    this.host = host
    this.path = path
  }
}

/**
 * For commands that must succeed: the result when the exit code is 0, otherwise a
 * `RemoteCommandError` (non-zero exit, signal, or no exit status at all, which is never success).
 */
export function assertCommandOk(host: string, argv: readonly string[], result: ExecResult): ExecResult {
  if (result.exitCode === 0) return result
  throw new RemoteCommandError({host, argv, exitCode: result.exitCode, ...(result.signal ? {signal: result.signal} : {}), stderr: result.stderr})
}
