/**
 * End-to-end figures of `npm run bench` (issue 12): the commands as users run them, one process
 * from start to exit, on inputs made at run time from libvirt's vectors (bench/corpus.ts):
 * - `convert -r IN -o OUT` and `convert -r IN --json > out.json` on BENCH_E2E_CONFIGS (3,000)
 *   configs, each as a ratio to bench/baseline-io.mjs doing the same reads and writes, measured
 *   interleaved in the same run (target <= 1.5x);
 * - `check --root` and `scan --root` of an old dom0 tree with BENCH_TREE_DOMAINS (1,000) domains,
 *   as a ratio to the baseline reading that tree.
 * Each figure is the median of BENCH_E2E_RUNS (3) runs. BENCH_CLI_ROOT: measure the bin/run.js
 * of another (built) checkout, e.g. main's, against the same inputs and baseline.
 */
import {mkdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {findCorpus, readVectors, writeCorpusTree} from './corpus.js'
import {median, type Run, timeProcess} from './measure.js'
import {type BenchContext, type BenchResult, type BenchSection, verdict} from './section.js'

const CONFIGS = Number(process.env.BENCH_E2E_CONFIGS ?? 3000)
const TREE_DOMAINS = Number(process.env.BENCH_TREE_DOMAINS ?? 1000)
const RUNS = Number(process.env.BENCH_E2E_RUNS ?? 3)
const TARGET = 1.5

interface Figure {
  readonly ms: number
  readonly baselineMs: number
  /** Wall time (process start to exit) over the baseline's: the target's figure. */
  readonly ratio: number
  /** CPU time over the baseline's: what the ratio would be on an otherwise idle machine, roughly. */
  readonly cpuMs?: number
  readonly baselineCpuMs?: number
  readonly cpuRatio?: number
  readonly target?: number
  readonly met?: boolean
  readonly exitCodes: (number | null)[]
}

export const commandsSection: BenchSection = {
  name: 'commands',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const corpus = findCorpus()
    if (corpus === undefined) return {data: {skipped: 'no ../shared/corpus (set BENCH_CORPUS)'}, lines: ['commands: skipped: no ../shared/corpus (set BENCH_CORPUS)']}
    const vectors = readVectors(corpus)
    const flat = join(ctx.tmp, 'configs')
    const tree = join(ctx.tmp, 'dom0')
    writeCorpusTree(flat, vectors, CONFIGS, 'flat')
    writeCorpusTree(tree, vectors, TREE_DOMAINS, 'dom0')
    const node = process.execPath
    const cliRoot = process.env.BENCH_CLI_ROOT ?? ctx.repoRoot
    const cli = (...args: string[]) => [node, join(cliRoot, 'bin/run.js'), ...args]
    const baseline = (...args: string[]) => [node, join(ctx.repoRoot, 'bench/baseline-io.mjs'), ...args]
    const outDir = join(ctx.tmp, 'out')
    const jsonFile = join(ctx.tmp, 'out.json')
    const fresh = () => rmSync(outDir, {recursive: true, force: true})
    const runs: Record<string, Run[]> = {}
    const record = (key: string, r: Run) => {
      if (r.status !== 0 && (runs[key] ?? []).length === 0 && key !== 'check') process.stderr.write(`warning: ${key} exited ${r.status}: ${r.stderr.slice(-500)}\n`)
      runs[key] = [...(runs[key] ?? []), r]
    }
    mkdirSync(ctx.tmp, {recursive: true})
    // Interleaved, so a burst of load from other processes hits a command and its baseline alike.
    for (let i = 0; i < RUNS; i++) {
      fresh()
      record('baselineOutput', timeProcess(baseline(flat, outDir)))
      fresh()
      record('convertOutput', timeProcess(cli('convert', '-r', flat, '-o', outDir)))
      fresh()
      record('baselineJson', timeProcess(baseline(flat), {stdoutFile: jsonFile}))
      record('convertJson', timeProcess(cli('convert', '-r', flat, '--json'), {stdoutFile: jsonFile}))
      record('baselineTree', timeProcess(baseline(tree), {stdoutFile: jsonFile}))
      record('check', timeProcess(cli('check', '--root', tree)))
      record('scan', timeProcess(cli('scan', '--root', tree)))
    }
    fresh()
    const ms = (key: string) => median((runs[key] ?? []).map((r) => r.ms))
    const cpu = (key: string) => median((runs[key] ?? []).map((r) => r.cpuMs ?? Number.NaN))
    const figure = (key: string, base: string, target?: number): Figure => {
      const ratio = ms(key) / ms(base)
      return {
        ms: ms(key),
        baselineMs: ms(base),
        ratio,
        ...(Number.isFinite(cpu(key)) ? {cpuMs: cpu(key), baselineCpuMs: cpu(base), cpuRatio: cpu(key) / cpu(base)} : {}),
        ...(target !== undefined ? {target, met: ratio <= target} : {}),
        exitCodes: [...new Set((runs[key] ?? []).map((r) => r.status))],
      }
    }
    const data = {
      configs: CONFIGS,
      treeDomains: TREE_DOMAINS,
      runs: RUNS,
      convertOutput: figure('convertOutput', 'baselineOutput', TARGET),
      convertJson: figure('convertJson', 'baselineJson', TARGET),
      check: figure('check', 'baselineTree'),
      scan: figure('scan', 'baselineTree'),
    }
    const line = (label: string, f: Figure, base: string) =>
      `${label}: ${f.ms.toFixed(0)} ms, ${base} ${f.baselineMs.toFixed(0)} ms: ${f.ratio.toFixed(2)}x` +
      (f.target !== undefined ? ` (target <= ${f.target}x): ${verdict(f.ratio, f.target)}` : ' (no target)') +
      (f.cpuRatio !== undefined ? `; CPU ${f.cpuMs!.toFixed(0)} ms vs ${f.baselineCpuMs!.toFixed(0)} ms: ${f.cpuRatio.toFixed(2)}x` : '') +
      (f.exitCodes.some((c) => c !== 0) ? ` [exit ${f.exitCodes.join(',')}]` : '')
    const lines = [
      `end to end (${RUNS} runs each, median; ${CONFIGS} configs from libvirt's vectors, a dom0 tree of ${TREE_DOMAINS} domains):`,
      line(`  convert -r IN -o OUT`, data.convertOutput, 'baseline (read, write one file each, one sync)'),
      line(`  convert -r IN --json > out.json`, data.convertJson, 'baseline (read, one JSON on stdout)'),
      line(`  check --root TREE`, data.check, 'baseline reading the tree'),
      line(`  scan --root TREE`, data.scan, 'baseline reading the tree'),
    ]
    return {data, lines}
  },
}
