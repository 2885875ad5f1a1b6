/**
 * `npm run bench`: the speed targets of the converter (issue #2), printed as numbers and ratios.
 * - throughput: configs converted per second in one process over thousands of generated SXP, xm
 *   and xl configs (target >= 20,000/s);
 * - start-up: wall time of `xenlift convert FILE` (built CLI) against plain `node` reading the
 *   same file and `node -e 0` (target <= 2.5x `node -e 0`).
 * Timing lives here, never in tests. Exit code 0 always: the numbers are the result.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {generateConfigs} from './generate.js'

// Measure the built code (`npm run bench` builds first), not tsx's on-the-fly transpile.
const {convertText} = (await import(new URL('../dist/convert/convert.js', import.meta.url).href)) as typeof import('../src/convert/convert.js')
const {targetFor} = (await import(new URL('../dist/formats/libvirt/target.js', import.meta.url).href)) as typeof import('../src/formats/libvirt/target.js')

const N = Number(process.env.BENCH_CONFIGS ?? 6000)
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

function throughput(): {configs: number; seconds: number; perSecond: number; failed: number; byFormat: Record<string, number>} {
  const configs = generateConfigs(N, 20261123)
  const target = targetFor('9.0.0')
  // Warm-up: JIT, lazy module init.
  for (const c of configs.slice(0, 500)) convertText(c.text, {from: c.format, target})
  let failed = 0
  const byFormat: Record<string, number> = {}
  const t0 = performance.now()
  for (const c of configs) {
    const r = convertText(c.text, {from: c.format, target})
    if (r.domains.length === 0 || r.domains.some((d) => d.output === undefined)) failed++
    byFormat[c.format] = (byFormat[c.format] ?? 0) + 1
  }
  const seconds = (performance.now() - t0) / 1000
  return {configs: configs.length, seconds, perSecond: configs.length / seconds, failed, byFormat}
}

function timeCommand(argv: string[]): number {
  const times: number[] = []
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const t0 = performance.now()
    const r = spawnSync(argv[0]!, argv.slice(1), {stdio: ['ignore', 'ignore', 'pipe']})
    times.push(performance.now() - t0)
    if (r.status !== 0 && i === 0) process.stderr.write(`warning: ${argv.join(' ')} exited ${r.status}: ${r.stderr}\n`)
  }
  return median(times)
}

function startup(): {nodeZeroMs: number; nodeReadMs: number; convertMs: number; ratioToNodeZero: number; ratioToNodeRead: number} {
  const dir = mkdtempSync(join(tmpdir(), 'xenlift-bench-'))
  const file = join(dir, 'guest.cfg')
  writeFileSync(file, generateConfigs(1, 7).find(() => true)!.text)
  const nodeZero = timeCommand([process.execPath, '-e', '0'])
  const nodeRead = timeCommand([process.execPath, '-e', `require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')`])
  const cli = timeCommand([process.execPath, 'bin/run.js', 'convert', '--libvirt-version', '9.0.0', file])
  return {nodeZeroMs: nodeZero, nodeReadMs: nodeRead, convertMs: cli, ratioToNodeZero: cli / nodeZero, ratioToNodeRead: cli / nodeRead}
}

const tp = throughput()
const st = startup()
const report = {
  node: process.version,
  throughput: {...tp, target: 20000, met: tp.perSecond >= 20000},
  startup: {...st, target: 2.5, met: st.ratioToNodeZero <= 2.5},
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
process.stdout.write(
  [
    '',
    `throughput: ${tp.perSecond.toFixed(0)} configs/s (${tp.configs} configs in ${tp.seconds.toFixed(2)} s, ${tp.failed} failed) target >= 20000: ${report.throughput.met ? 'MET' : 'NOT MET'}`,
    `start-up: convert ${st.convertMs.toFixed(0)} ms, node -e 0 ${st.nodeZeroMs.toFixed(0)} ms, node read ${st.nodeReadMs.toFixed(0)} ms: ${st.ratioToNodeZero.toFixed(2)}x node -e 0 (target <= 2.5x): ${report.startup.met ? 'MET' : 'NOT MET'}`,
    '',
  ].join('\n'),
)
