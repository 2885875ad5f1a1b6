/**
 * Core figures of `npm run bench`: the speed targets of the converter (issue #2), as numbers and ratios.
 * - throughput: configs converted per second in one process over thousands of generated SXP, xm
 *   and xl configs (target >= 20,000/s);
 * - start-up: wall time of `xenlift convert FILE` (built CLI) against plain `node` reading the
 *   same file and `node -e 0` (target <= 2.5x `node -e 0`); and of `xenlift --version` and
 *   `xenlift scan --help`, which load oclif and every command module (no manifest in a checkout)
 *   but no command's core: ratios to `node -e 0`, no target (oclif's own loading is most of it).
 * Timing lives here, never in tests.
 */
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {generateConfigs} from './generate.js'
import {median} from './measure.js'
import type {BenchContext, BenchResult, BenchSection} from './section.js'

type ConvertText = typeof import('../src/convert/convert.js').convertText
type TargetFor = typeof import('../src/formats/libvirt/target.js').targetFor

const N = Number(process.env.BENCH_CONFIGS ?? 6000)
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15)
/** Timed passes over the configs after the warm-up pass. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

/** CPU time of this process in ms (user + system): unlike wall time, barely inflated by other load. */
function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

interface FormatThroughput {
  configs: number
  /** Wall clock. */
  perSecond: number
  /**
   * By this process's CPU time, all threads: V8's GC and compiler helpers count too, so this is
   * the conservative figure on an idle multi-core machine, and the fair one on a loaded machine
   * (where wall time includes waiting for the CPU).
   */
  perSecondCpu: number
  /** CPU time per config divided by CPU time of one reference round trip (machine-independent). */
  ratioToReference: number
}

/**
 * A fixed reference workload, timed in the same process between the conversions: a JSON round
 * trip of a converted domain model (a comparable object graph). Its ratio to a conversion
 * stays meaningful on a loaded machine, where absolute numbers are not.
 */
function referenceMs(graph: unknown, n: number): number {
  const t0 = cpuMs()
  let sink = 0
  for (let i = 0; i < n; i++) sink += (JSON.parse(JSON.stringify(graph)) as unknown[] | null) === null ? 1 : 0
  if (sink < 0) process.stderr.write('')
  return cpuMs() - t0
}

function throughput(convertText: ConvertText, targetFor: TargetFor): {configs: number; seconds: number; perSecond: number; perSecondCpu: number; failed: number; byFormat: Record<string, FormatThroughput>; referenceUs: number} {
  const configs = generateConfigs(N, 20261123)
  const target = targetFor('9.0.0')
  // Warm-up: JIT, lazy module init (one full pass, so every path is compiled).
  let failed = 0
  for (const c of configs) {
    const r = convertText(c.text, {from: c.format, target})
    if (r.domains.length === 0 || r.domains.some((d) => d.output === undefined)) failed++
  }
  const graph = convertText(configs[0]!.text, {from: configs[0]!.format, target}).domains[0]?.domain
  referenceMs(graph, 2000)
  const groups = new Map<string, (typeof configs)[number][]>()
  for (const c of configs) {
    const g = groups.get(c.format)
    if (g) g.push(c)
    else groups.set(c.format, [c])
  }
  // Rounds interleave each format with the reference workload, so a burst of load from other
  // processes hits both sides of the ratio.
  const sums = new Map<string, {wall: number; cpu: number; ref: number; n: number}>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const [format, group] of groups) {
      const c0 = cpuMs()
      const t0 = performance.now()
      for (const c of group) convertText(c.text, {from: c.format, target})
      const wall = performance.now() - t0
      const cpu = cpuMs() - c0
      const ref = referenceMs(graph, group.length)
      const s = sums.get(format) ?? {wall: 0, cpu: 0, ref: 0, n: 0}
      s.wall += wall
      s.cpu += cpu
      s.ref += ref
      s.n += group.length
      sums.set(format, s)
    }
  }
  const byFormat: Record<string, FormatThroughput> = {}
  let wallMs = 0
  let cpuTotalMs = 0
  let refTotalMs = 0
  let converted = 0
  for (const [format, s] of sums) {
    wallMs += s.wall
    cpuTotalMs += s.cpu
    refTotalMs += s.ref
    converted += s.n
    byFormat[format] = {configs: s.n / ROUNDS, perSecond: (s.n / s.wall) * 1000, perSecondCpu: (s.n / s.cpu) * 1000, ratioToReference: s.cpu / s.ref}
  }
  const seconds = wallMs / 1000
  return {
    configs: converted,
    seconds,
    perSecond: converted / seconds,
    perSecondCpu: (converted / cpuTotalMs) * 1000,
    failed,
    byFormat,
    referenceUs: (refTotalMs / converted) * 1000,
  }
}

function timeCommand(argv: string[], cwd: string): number {
  const times: number[] = []
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const t0 = performance.now()
    const r = spawnSync(argv[0]!, argv.slice(1), {cwd, stdio: ['ignore', 'ignore', 'pipe']})
    times.push(performance.now() - t0)
    if (r.status !== 0 && i === 0) process.stderr.write(`warning: ${argv.join(' ')} exited ${r.status}: ${r.stderr}\n`)
  }
  return median(times)
}

interface Startup {
  nodeZeroMs: number
  nodeReadMs: number
  convertMs: number
  ratioToNodeZero: number
  ratioToNodeRead: number
  /** Through oclif (every command but convert's fast path): `xenlift --version` and `xenlift scan --help`. */
  oclif: {versionMs: number; scanHelpMs: number; versionRatioToNodeZero: number; scanHelpRatioToNodeZero: number}
}

function startup(ctx: BenchContext): Startup {
  const file = join(ctx.tmp, 'guest.cfg')
  writeFileSync(file, generateConfigs(1, 7).find(() => true)!.text)
  const nodeZero = timeCommand([process.execPath, '-e', '0'], ctx.repoRoot)
  const nodeRead = timeCommand([process.execPath, '-e', `require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')`], ctx.repoRoot)
  const cli = timeCommand([process.execPath, 'bin/run.js', 'convert', '--libvirt-version', '9.0.0', file], ctx.repoRoot)
  const version = timeCommand([process.execPath, 'bin/run.js', '--version'], ctx.repoRoot)
  const scanHelp = timeCommand([process.execPath, 'bin/run.js', 'scan', '--help'], ctx.repoRoot)
  return {
    nodeZeroMs: nodeZero,
    nodeReadMs: nodeRead,
    convertMs: cli,
    ratioToNodeZero: cli / nodeZero,
    ratioToNodeRead: cli / nodeRead,
    oclif: {versionMs: version, scanHelpMs: scanHelp, versionRatioToNodeZero: version / nodeZero, scanHelpRatioToNodeZero: scanHelp / nodeZero},
  }
}

/** Throughput of the conversion core in one process, and start-up of `xenlift convert FILE`. */
export const coreSection: BenchSection = {
  name: 'core',
  async run(ctx: BenchContext): Promise<BenchResult> {
    // Measure the built code (`npm run bench` builds first), not tsx's on-the-fly transpile.
    const {convertText} = (await import(new URL('convert/convert.js', ctx.dist).href)) as typeof import('../src/convert/convert.js')
    const {targetFor} = (await import(new URL('formats/libvirt/target.js', ctx.dist).href)) as typeof import('../src/formats/libvirt/target.js')
    const tp = throughput(convertText, targetFor)
    const st = startup(ctx)
    const data = {
      throughput: {...tp, target: 20000, met: tp.perSecond >= 20000, metByCpu: tp.perSecondCpu >= 20000},
      startup: {...st, target: 2.5, met: st.ratioToNodeZero <= 2.5},
    }
    const lines = [
      `throughput: ${tp.perSecond.toFixed(0)} configs/s (${tp.configs} conversions in ${tp.seconds.toFixed(2)} s, ${tp.failed} of ${N} configs failed) target >= 20000: ${data.throughput.met ? 'MET' : 'NOT MET'}`,
      `  by CPU time: ${tp.perSecondCpu.toFixed(0)} configs/s (${data.throughput.metByCpu ? 'MET' : 'NOT MET'}; includes V8's helper threads; wall time is inflated when other processes compete for the CPU)`,
      ...Object.entries(tp.byFormat).map(
        ([f, x]) =>
          `  ${f}: ${x.perSecond.toFixed(0)}/s wall, ${x.perSecondCpu.toFixed(0)}/s CPU, ${x.ratioToReference.toFixed(2)}x a JSON round trip of a domain model (${tp.referenceUs.toFixed(1)} µs CPU here)`,
      ),
      `start-up: convert ${st.convertMs.toFixed(0)} ms, node -e 0 ${st.nodeZeroMs.toFixed(0)} ms, node read ${st.nodeReadMs.toFixed(0)} ms: ${st.ratioToNodeZero.toFixed(2)}x node -e 0 (target <= 2.5x): ${data.startup.met ? 'MET' : 'NOT MET'}`,
      `start-up through oclif: --version ${st.oclif.versionMs.toFixed(0)} ms (${st.oclif.versionRatioToNodeZero.toFixed(2)}x node -e 0), scan --help ${st.oclif.scanHelpMs.toFixed(0)} ms (${st.oclif.scanHelpRatioToNodeZero.toFixed(2)}x); no target`,
    ]
    return {data, lines}
  },
}
