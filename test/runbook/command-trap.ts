/**
 * A tripwire on one command of a simulated host, for faults that must strike during a chosen
 * step over a REAL sshd connection: a wrapper script, first on the session's PATH, that on the
 * Nth invocation matching a pattern runs the real command (`after`) or not (`before`), writes its
 * pid to `<dir>/fired` and waits. The test sees `fired`, then drops the connection for real
 * (`SshdLab.killSessions`) or interrupts the CLI, and `release()` lets the wrapper go: it exits
 * 255 when the connection was dropped (nobody reads it any more), else runs on.
 */
import {execFileSync} from 'node:child_process'
import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import * as path from 'node:path'

export interface TrapSpec {
  /** The command name to wrap (`apt-get`, `virsh`, `xm`, `df`, …). */
  readonly command: string
  /** Extended regex on the whole command line (`virsh -c xen:///system define .*`). */
  readonly match: string
  /** Which matching invocation fires (1-based). */
  readonly nth?: number
  /** `after`: the real command has run (its effect happened, its result is lost); `before`: it never ran. */
  readonly when: 'before' | 'after'
}

export interface Trap {
  /** Put first on the host session's PATH. */
  readonly binDir: string
  /** Has it fired (the wrapper is waiting now)? */
  fired(): boolean
  /** Let the waiting wrapper go: `dropped` = exit 255 without more (the connection is gone). */
  release(dropped: boolean): void
}

/** Create a trap in `dir` for `spec`; `realDir` is where the wrapped command is found first (the host's stand-ins), else the system PATH. */
export async function createTrap(dir: string, spec: TrapSpec, realDir: string): Promise<Trap> {
  const binDir = path.join(dir, 'bin')
  await mkdir(binDir, {recursive: true})
  const inStandIns = path.join(realDir, spec.command)
  const real = existsSync(inStandIns) ? inStandIns : execFileSync('sh', ['-c', `command -v ${spec.command}`], {encoding: 'utf8'}).trim()
  const script = [
    '#!/bin/sh',
    `T='${dir}'`,
    `line="${spec.command} $*"`,
    `if [ ! -e "$T/fired" ] && printf '%s\\n' "$line" | grep -Eq -- '${spec.match.replace(/'/g, `'\\''`)}'; then`,
    '  n=$(( $(cat "$T/count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$T/count"',
    `  if [ "$n" -eq ${spec.nth ?? 1} ]; then`,
    spec.when === 'after' ? `    '${real}' "$@"; rc=$?` : '    rc=0',
    '    echo $$ > "$T/fired"',
    '    while [ ! -e "$T/release" ]; do sleep 0.1; done',
    '    [ "$(cat "$T/release")" = dropped ] && exit 255',
    spec.when === 'after' ? '    exit $rc' : `    exec '${real}' "$@"`,
    '  fi',
    'fi',
    `exec '${real}' "$@"`,
    '',
  ].join('\n')
  await writeFile(path.join(binDir, spec.command), script)
  await chmod(path.join(binDir, spec.command), 0o755)
  return {
    binDir,
    fired: () => existsSync(path.join(dir, 'fired')),
    release: (dropped) => writeFileSync(path.join(dir, 'release'), dropped ? 'dropped' : 'go'),
  }
}

/** Poll until `cond` holds (every 100 ms), or fail after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The pid the fired trap recorded (for diagnostics). */
export function firedPid(dir: string): number {
  return Number(readFileSync(path.join(dir, 'fired'), 'utf8'))
}
