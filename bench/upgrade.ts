
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../test/helpers/sshd.js'
import type {SimHost} from '../test/helpers/sim-host/create-sim-host.js'
import {freezeReplays, replayStandIns} from '../test/helpers/sim-host/replay.js'
import {cleanXendHost} from '../test/runbook/upgrade-hosts.js'
import {type CliRun, median, runCliMeasured} from './measure.js'
import {type BenchContext, type BenchResult, type BenchSection, verdict} from './section.js'

const HOSTS = Number(process.env.BENCH_UPGRADE_HOSTS ?? 100)
const CONCURRENCY = Number(process.env.BENCH_UPGRADE_CONCURRENCY ?? 20)
const RATIO_TARGET = 8
const MEMORY_TARGET_MB = 200

type Run = CliRun

/** `upgrade plan ARGS` with the built CLI, with its peak RSS. */
function plan(ctx: BenchContext, args: readonly string[]): Promise<Run> {
  return runCliMeasured(ctx.repoRoot, ['upgrade', 'plan', ...args], ctx.tmp)
}

async function inventory(ctx: BenchContext, file: string, hosts: readonly SimHost[], lab: SshdLab): Promise<string> {
  const p = path.join(ctx.tmp, file)
  const lines = hosts.map((h, i) => `${h.name} ansible_host=127.0.0.${i + 2} ansible_port=${lab.port} ansible_user=${lab.user} xenlift_root=${h.root}`)
  await writeFile(p, ['[xend]', ...lines, ''].join('\n'))
  return p
}

/** The last stderr line of a failed run, for the report. */
function why(r: Run): string {
  return r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`
}

export const upgradeSection: BenchSection = {
  name: 'upgrade',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const skip = sshdUnavailableReason()
    if (skip !== undefined) return {data: {skipped: skip}, lines: [`upgrade: skipped: ${skip}`]}
    const hosts: SimHost[] = []
    // Every fourth host also runs its HVM domain (one more shutdown in its plan).
    for (let i = 0; i < HOSTS; i++) hosts.push(await cleanXendHost(ctx.tmp, `dom0-${String(i).padStart(3, '0')}`, {dbRunning: i % 4 === 0}))
    const lab = await startSshd({hosts: hosts.map((h, i) => ({address: `127.0.0.${i + 2}`, name: h.name, root: h.root, pathPrepend: [h.binDir]}))})
    try {
      const ssh = ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '120']
      const inv = await inventory(ctx, 'fleet.ini', hosts, lab)
      // Planning changes no host, so each host's stand-ins (Node, ~0.1 s of CPU each, five per
      // host) answer from a recording after a first unmeasured plan of the whole fleet: their CPU
      // is a real host's own, not the controller's (test/helpers/sim-host/replay.ts).
      for (const h of hosts) await replayStandIns(h)
      await plan(ctx, ['--inventory', inv, '--concurrency', String(CONCURRENCY), ...ssh, '--out', path.join(ctx.tmp, 'warm.json')])
      for (const h of hosts) await freezeReplays(h)
      // Then one host alone: median of 3.
      const alone: Run[] = []
      for (let i = 0; i < 3; i++) alone.push(await plan(ctx, ['--inventory', inv, '--limit', 'dom0-001', ...ssh, '--out', path.join(ctx.tmp, 'one.json')]))
      const fleetOut = path.join(ctx.tmp, 'fleet.json')
      const fleet = await plan(ctx, ['--inventory', inv, '--concurrency', String(CONCURRENCY), ...ssh, '--out', fleetOut])
      const doc = JSON.parse(await readFile(fleetOut, 'utf8').catch(() => '{}')) as {summary?: {ready?: number}}
      const oneMs = median(alone.map((r) => r.ms))
      const ratio = fleet.ms / oneMs
      const peakMB = (fleet.peakKiB ?? Number.NaN) / 1024
      const ok = alone.every((r) => r.code === 0) && fleet.code === 0 && doc.summary?.ready === HOSTS
      const data = {
        hosts: HOSTS,
        concurrency: CONCURRENCY,
        oneHostMs: Math.round(oneMs),
        fleetMs: Math.round(fleet.ms),
        ratio: Number(ratio.toFixed(2)),
        ratioTarget: RATIO_TARGET,
        peakRssMB: Number(peakMB.toFixed(1)),
        memoryTargetMB: MEMORY_TARGET_MB,
        readyHosts: doc.summary?.ready ?? 0,
        standIns: 'replayed with shell built-ins after a first unmeasured plan (test/helpers/sim-host/replay.ts)',
        ok,
      }
      const lines = [
        `upgrade: plan ${HOSTS} hosts --concurrency ${CONCURRENCY}: ${data.fleetMs} ms, one host alone ${data.oneHostMs} ms: ${data.ratio}x (target < ${RATIO_TARGET}x): ${verdict(ratio, RATIO_TARGET)}`,
        `upgrade: controller peak RSS planning ${HOSTS} hosts: ${data.peakRssMB} MB (target < ${MEMORY_TARGET_MB} MB): ${verdict(peakMB, MEMORY_TARGET_MB)}`,
      ]
      if (!ok) lines.push(`upgrade: WARNING: not every plan succeeded (${data.readyHosts}/${HOSTS} ready; ${why(fleet.code === 0 ? (alone.find((r) => r.code !== 0) ?? fleet) : fleet)})`)
      return {data, lines}
    } finally {
      await lab.stop()
    }
  },
}
