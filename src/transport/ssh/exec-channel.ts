/**
 * One `exec` over one SSH channel (stack-notes §3): stdout from `data`, stderr from
 * `stream.stderr`, the exit code from the `exit` event, and the result only on `close` (the exit
 * status may arrive before the last data). A channel that closes without an exit status is a
 * failure (ssh2 issues #260, #637): `exitCode: null`, or a `ConnectError` when the connection
 * itself went away.
 */
import type {Client as Ssh2Client, ClientChannel} from 'ssh2'
import type {ExecResult} from '../transport.js'
import {TimeoutError} from '../errors.js'

export interface ExecChannelInit {
  readonly host: string
  readonly argv: readonly string[]
  readonly command: string
  readonly input?: string
  readonly timeoutMs?: number
  /** Returns the error to report when the connection is gone, else undefined. */
  readonly connectionLost: () => Error | undefined
}

/** Marks a refused channel open (MaxSessions reached), so the limiter can adapt. */
export class ChannelOpenRefusedError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'ChannelOpenRefusedError'
  }
}

/** After the local timer fires, how long we wait for the server to confirm the channel close. */
const CLOSE_GRACE_MS = 2000

export function runExecChannel(client: Ssh2Client, init: ExecChannelInit): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const lost = init.connectionLost()
    if (lost) return reject(lost)
    let opened = false
    try {
      client.exec(init.command, (err, stream) => {
        opened = true
        if (err) {
          const gone = init.connectionLost()
          return reject(gone ?? new ChannelOpenRefusedError(`${init.host}: cannot open an SSH channel: ${err.message}`, {cause: err}))
        }
        collect(stream, init, resolve, reject)
      })
    } catch (err) {
      // ssh2 throws synchronously when the connection is no longer writable.
      if (!opened) reject(init.connectionLost() ?? err)
    }
  })
}

function collect(stream: ClientChannel, init: ExecChannelInit, resolve: (r: ExecResult) => void, reject: (e: Error) => void): void {
  const out: Buffer[] = []
  const err: Buffer[] = []
  let exitCode: number | null = null
  let signal: string | undefined
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  let graceTimer: NodeJS.Timeout | undefined
  let settled = false

  const settle = (fn: () => void): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    clearTimeout(graceTimer)
    fn()
  }
  const timeoutError = (): TimeoutError =>
    new TimeoutError(
      init.host,
      init.timeoutMs ?? 0,
      `host ${init.host}: \`${init.argv.join(' ')}\` did not finish within ${init.timeoutMs} ms and was stopped; rerun with a longer --timeout if the host is just slow`,
    )

  stream.on('data', (b: Buffer) => out.push(b))
  stream.stderr.on('data', (b: Buffer) => err.push(b))
  stream.on('exit', (code: number | null, sig?: string) => {
    if (typeof code === 'number') exitCode = code
    else if (sig) signal = sig
  })
  stream.on('error', () => {
    // A channel error is followed by 'close'; the outcome is decided there.
  })
  stream.on('close', () => {
    if (timedOut) return settle(() => reject(timeoutError()))
    const result: ExecResult = {
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      exitCode,
      ...(signal ? {signal} : {}),
    }
    if (exitCode !== null || signal !== undefined) return settle(() => resolve(result))
    // No exit status: if the whole connection dropped, say so (the 'close' of the client can
    // arrive just after the channel's), otherwise report the failed command.
    setTimeout(() => {
      const lost = init.connectionLost()
      settle(() => (lost ? reject(lost) : resolve(result)))
    }, 50)
  })

  if (init.timeoutMs !== undefined && init.timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true
      // Best effort: sshd versions that honour "signal" requests deliver it to the session's
      // process, which is `timeout(1)` when we wrapped the command, and TERM (not KILL) lets it
      // pass the signal on to the command's whole process group. OpenSSH 9.2 ignores the request
      // (seen in the harness), so the remote `timeout(1)` (remote-command.ts) is the real guard.
      try {
        stream.signal('TERM')
      } catch {
        // channel already closing
      }
      stream.close()
      graceTimer = setTimeout(() => settle(() => reject(timeoutError())), CLOSE_GRACE_MS)
    }, init.timeoutMs)
  }

  if (init.input !== undefined) stream.end(init.input)
  else stream.end()
}
