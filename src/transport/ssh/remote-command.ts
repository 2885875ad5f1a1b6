/**
 * The one shell line sent for an `exec(argv)`. sshd runs it with the login shell (`$SHELL -c`),
 * so every argument is single-quoted by us (`shell-quote.ts`), never joined raw.
 *
 *   exec [sudo -n --] env LC_ALL=C [K=V…] argv…
 *   exec sh -c 'export LC_ALL=C [K=V…]; if command -v timeout …; then exec timeout -k 5 N argv…; else exec argv…; fi'
 *   exec sh -c 'if command -v timeout …; then exec sudo -n -- timeout -k 5 N env …; else …; fi'
 *   exec argv…                                       (selfLimited: the snapshot script, `sh -s`)
 *
 * - Any login shell: sh, bash, dash, ash, and csh/tcsh (still the root shell on some old hosts).
 *   The line is a plain `exec` with single-quoted words, which all of them read alike; what needs
 *   sh syntax goes through `sh -c`. A newline in an argument is the one thing csh cannot take.
 * - `LC_ALL=C`: output we parse (xm, virsh, rpm) must not be translated. Under `sudo` it is passed
 *   through `env`, because sudo resets the environment (env_reset) and would drop an export; where
 *   `sh -c` runs anyway (a timeout), sh exports it; the plain line keeps `env` (csh has no export).
 * - `sudo -n`: never a password prompt; a user without NOPASSWD gets a clear failure instead of a
 *   hang.
 * - Timeouts (decision): ssh2 has no per-command timeout and closing the channel does not stop a
 *   non-pty remote command (it only loses its pipes). So when `timeoutMs` is set the command runs
 *   under coreutils `timeout(1)` (TERM, then KILL 5 s later) with one second more than the local
 *   timer, so the local timer reports first and the remote process dies too. `timeout` is inside
 *   `sudo` so it can kill root processes. Dom0s without `timeout` (coreutils < 7, i.e. before
 *   2008) run the command plainly, and only the local timer applies.
 * - `selfLimited` (the snapshot script): the command puts `timeout(1)` around each of its own
 *   commands that can wait (xm, xl, virsh connecting to a daemon) and exports LC_ALL=C itself, so
 *   the `sh -c`, `env` and `timeout` layers would only cost the host processes (three execs per
 *   scan). The rest of it is shell built-ins and reads of local files, and once the local timer
 *   closes the channel its next write ends it (SIGPIPE), so the remote side still stops.
 */
import {quoteArg, quoteArgv} from '../shell-quote.js'

export interface RemoteCommandOptions {
  readonly sudo?: boolean
  readonly env?: Readonly<Record<string, string>>
  readonly timeoutMs?: number
  readonly selfLimited?: boolean
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function buildRemoteCommand(argv: readonly string[], opts: RemoteCommandOptions = {}): string {
  if (argv.length === 0) throw new TypeError('exec: empty argv')
  if (opts.selfLimited) {
    // Both need a layer (sudo, env) that this form exists to leave out.
    if (opts.sudo || Object.keys(opts.env ?? {}).length > 0) throw new TypeError('exec: selfLimited takes neither sudo nor env')
    return `exec ${quoteArgv(argv)}`
  }
  // LC_ALL=C first; a caller's own value for a name replaces it (as env's last assignment would).
  const env = new Map<string, string>([['LC_ALL', 'C']])
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new TypeError(`exec: invalid environment variable name ${JSON.stringify(k)}`)
    env.set(k, v)
  }
  const envWords = [...env].map(([k, v]) => quoteArg(`${k}=${v}`))
  const sudo = opts.sudo ? 'sudo -n -- ' : ''
  const command = `env ${envWords.join(' ')} ${quoteArgv(argv)}`
  if (opts.timeoutMs === undefined || opts.timeoutMs <= 0) return `exec ${sudo}${command}`
  const seconds = Math.ceil(opts.timeoutMs / 1000) + 1
  // `if` is sh syntax: csh/tcsh login shells get it through `sh -c` (`exec sh -c '…'` reads alike in both).
  // Without sudo, sh exports the variables itself: one process fewer than `env` on every command.
  const [prefix, run] = opts.sudo ? ['', command] : [`export ${envWords.join(' ')}; `, quoteArgv(argv)]
  return `exec sh -c ${quoteArg(`${prefix}if command -v timeout >/dev/null 2>&1; then exec ${sudo}timeout -k 5 ${seconds} ${run}; else exec ${sudo}${run}; fi`)}`
}
