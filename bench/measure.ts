/** Wall-clock measurement of whole processes, as users run them (process start to exit). */
import {spawnSync} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

export interface Run {
  readonly ms: number
  readonly status: number | null
  readonly stderr: string
}

/**
 * Run argv once and time it. `stdoutFile`: stdout goes to that file (the shell's `> out.json`),
 * otherwise to /dev/null. stderr is collected (a user's terminal would show it).
 */
export function timeProcess(argv: readonly string[], opts: {cwd?: string; stdoutFile?: string; env?: NodeJS.ProcessEnv} = {}): Run {
  const out = opts.stdoutFile !== undefined ? openSync(opts.stdoutFile, 'w') : 'ignore'
  try {
    const t0 = performance.now()
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', out, 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    })
    const ms = performance.now() - t0
    return {ms, status: r.status, stderr: r.stderr ?? ''}
  } finally {
    if (typeof out === 'number') closeSync(out)
  }
}
