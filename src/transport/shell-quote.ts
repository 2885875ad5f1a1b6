/**
 * POSIX shell quoting for argv sent over SSH. sshd hands the command line to the login shell
 * (`$SHELL -c "…"`), so every argument must survive exactly one round of shell parsing. Single
 * quotes preserve every byte except `'` itself, which becomes `'\''` (close, escaped quote,
 * reopen): the approach of Python's `shlex.quote` and OpenSSH users' folklore alike. `!` is
 * written the same way (`'\!'`): csh and tcsh, a login shell some admins keep, expand history
 * on `!` even inside single quotes, and a backslash outside quotes means the same to both
 * families. (A newline has no form both read alike: the snapshot script, the one multi-line text we send, goes on stdin.)
 * Words made only of safe characters stay bare so logs and plans read naturally.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quote one argument so a POSIX shell reads it back as exactly `arg`. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('shell arguments cannot contain NUL bytes')
  if (arg !== '' && SAFE_WORD.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`).replaceAll('!', `'\\!'`)}'`
}

/**
 * Quote and join an argv into one shell command line. A bare first word with `=` would be read
 * as a variable assignment, so the program name is always quoted when it has one.
 */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((arg, i) => (i === 0 && arg.includes('=') ? `'${arg.replaceAll("'", `'\\''`).replaceAll('!', `'\\!'`)}'` : quoteArg(arg))).join(' ')
}
