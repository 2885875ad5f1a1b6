/** Wall-clock measurement of whole processes, as users run them (process start to exit). */
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/**
 * CPU time (user + system, ms) of this process's reaped children, from /proc/self/stat
 * (cutime + cstime, clock ticks of 10 ms); undefined off Linux. Unlike wall time it is barely
 * inflated when other processes compete for the CPU.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return undefined
  }
}

export interface Run {
  readonly ms: number
  /** CPU time of the process (user + system), when the platform tells. */
  readonly cpuMs?: number
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
    const c0 = childrenCpuMs()
    const t0 = performance.now()
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', out, 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    })
    const ms = performance.now() - t0
    const c1 = childrenCpuMs()
    return {ms, ...(c0 !== undefined && c1 !== undefined ? {cpuMs: c1 - c0} : {}), status: r.status, stderr: r.stderr ?? ''}
  } finally {
    if (typeof out === 'number') closeSync(out)
  }
}

/** One run of the built CLI as a user runs it: wall time, exit code, stderr, and its peak RSS. */
export interface CliRun {
  readonly ms: number
  readonly code: number | null
  readonly stderr: string
  /** Peak RSS of the CLI process, KiB (VmHWM read at its exit). */
  readonly peakKiB?: number
}

/** Run `<cliRoot>/bin/run.js ARGS` (process start to exit) with a preload that records its VmHWM at exit; `tmp` holds the preload. */
export async function runCliMeasured(cliRoot: string, args: readonly string[], tmp: string): Promise<CliRun> {
  const hwm = path.join(tmp, `hwm-${Math.random().toString(36).slice(2)}`)
  const preload = path.join(tmp, 'hwm.mjs')
  await writeFile(
    preload,
    "import {readFileSync, writeFileSync} from 'node:fs'\nprocess.on('exit', () => { const m = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8')); if (m && process.env.XENLIFT_BENCH_HWM) writeFileSync(process.env.XENLIFT_BENCH_HWM, m[1]) })\n",
  )
  const t0 = performance.now()
  const r = await new Promise<{code: number | null; stderr: string}>((resolve) => {
    const child = spawn(process.execPath, ['--import', preload, path.join(cliRoot, 'bin/run.js'), ...args], {
      env: {...process.env, XENLIFT_BENCH_HWM: hwm, NO_COLOR: '1'},
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => resolve({code, stderr}))
  })
  const ms = performance.now() - t0
  const peak = await readFile(hwm, 'utf8').then(Number).catch(() => undefined)
  return {ms, ...r, ...(peak !== undefined ? {peakKiB: peak} : {})}
}
