/**
 * Remote figures of `npm run bench` (issue 12): the built CLI against simulated dom0s behind
 * real sshd processes on 127.0.0.x (test/helpers), timed from process start to exit.
 * - round trips: remote commands (sshd "Starting session" lines) per host for a dom0 with 100
 *   domains, and `scan`'s wall time over a link with a 50 ms round-trip time (netem when the
 *   kernel has it, else a delaying TCP relay), in round-trip times;
 * - fleet: `scan --inventory --concurrency 20` of 50 hosts over scanning one of them alone
 *   (target < 5x), beside the same ratio for a scanner made of plain `ssh` calls, one per file;
 * - memory: the controller's peak RSS (VmHWM) scanning 200 hosts (target < 200 MB).
 * Skipped (with the reason) where the sshd harness cannot run. BENCH_REMOTE=0 skips it;
 * BENCH_FLEET_HOSTS / BENCH_MEMORY_HOSTS change the fleet sizes.
 */
import {spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {startDelayRelay} from '../test/helpers/delay-relay.js'
import {createSimHost, type SimHost} from '../test/helpers/sim-host/create-sim-host.js'
import {addManagedDomains} from '../test/helpers/sim-host/many-domains.js'
import {freezeReplays, replayStandIns} from '../test/helpers/sim-host/replay.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../test/helpers/sshd.js'
import {type CliRun, median, runCliMeasured} from './measure.js'
import type {BenchContext, BenchResult, BenchSection} from './section.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
/** BENCH_CLI_ROOT: measure another (built) checkout's bin/run.js, e.g. main's before a change. */
const CLI_ROOT = process.env.BENCH_CLI_ROOT ?? REPO
const DEMO = path.join(REPO, 'fixtures/demo-host')
const FLEET = Number(process.env.BENCH_FLEET_HOSTS ?? 50)
const MEMORY_HOSTS = Number(process.env.BENCH_MEMORY_HOSTS ?? 200)
const RTT_MS = 50

type Run = CliRun

/** The built CLI (process start to exit), with its peak RSS. */
function runCli(args: readonly string[], dir: string): Promise<Run> {
  return runCliMeasured(CLI_ROOT, args, dir)
}


/** Exec and sftp sessions sshd started for one host (needs LogLevel VERBOSE). */
function sessions(lab: SshdLab, address: string): {commands: number; sftp: number} {
  const log = lab.logs(address)
  return {commands: (log.match(/Starting session: command/g) ?? []).length, sftp: (log.match(/Starting session: subsystem 'sftp'/g) ?? []).length}
}

async function fleet(dir: string, n: number, extra: (h: SimHost) => Promise<void> = async () => {}): Promise<{hosts: SimHost[]; lab: SshdLab}> {
  const hosts: SimHost[] = []
  for (let i = 0; i < n; i++) {
    const h = await createSimHost({dir, name: `dom0-${String(i).padStart(3, '0')}`, profile: 'sles11-xend', tree: DEMO})
    await extra(h)
    hosts.push(h)
  }
  const lab = await startSshd({
    hosts: hosts.map((h, i) => ({address: `127.0.0.${i + 2}`, name: h.name, root: h.root, pathPrepend: [h.binDir], extraConfig: ['LogLevel VERBOSE']})),
  })
  return {hosts, lab}
}

async function inventory(dir: string, file: string, hosts: readonly SimHost[], lab: SshdLab, address?: (i: number) => {host: string; port: number}): Promise<string> {
  const p = path.join(dir, file)
  const lines = hosts.map((h, i) => {
    const a = address?.(i) ?? {host: `127.0.0.${i + 2}`, port: lab.port}
    return `${h.name} ansible_host=${a.host} ansible_port=${a.port} ansible_user=${lab.user} xenlift_root=${h.root}`
  })
  await writeFile(p, ['[xend]', ...lines, ''].join('\n'))
  return p
}

function sshArgs(lab: SshdLab): string[] {
  return ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile]
}

/** The big dom0: 100 domains, scanned plainly and through a 50 ms round-trip link. */
async function roundTrips(dir: string): Promise<Record<string, unknown>> {
  const {hosts, lab} = await fleet(path.join(dir, 'big'), 1, async (h) => void (await addManagedDomains(h.root, 100)))
  const relay = await startDelayRelay({listen: '127.0.0.1', target: {host: '127.0.0.2', port: lab.port}, delayMs: RTT_MS / 2})
  try {
    const fast = await runCli(['scan', '--inventory', await inventory(dir, 'big.ini', hosts, lab), '--json', ...sshArgs(lab)], dir)
    const count = sessions(lab, '127.0.0.2')
    // The relay answers for 127.0.0.1; known_hosts names the host by the address we dial.
    await writeFile(path.join(dir, 'relay_known_hosts'), `[127.0.0.1]:${relay.port} ${lab.host('127.0.0.2').publicKey}\n`)
    const slowInv = await inventory(dir, 'big-slow.ini', hosts, lab, () => ({host: '127.0.0.1', port: relay.port}))
    const slow = await runCli(['scan', '--inventory', slowInv, '--json', '--identity', lab.clientKeyFile, '--known-hosts', path.join(dir, 'relay_known_hosts')], dir)
    return {
      domains: 100,
      remoteCommands: count.commands,
      sftpSessions: count.sftp,
      localLinkMs: Math.round(fast.ms),
      rttMs: RTT_MS,
      delay: 'TCP relay on 127.0.0.1 holding each chunk 25 ms each way (no sch_netem here)',
      slowLinkMs: Math.round(slow.ms),
      slowLinkExtraRtts: Number(((slow.ms - fast.ms) / RTT_MS).toFixed(1)),
      // Waits for the far side counted by the relay (+1 for the TCP handshake it cannot see).
      slowLinkRoundTrips: relay.roundTrips + relay.connections,
      ok: fast.code === 0 && slow.code === 0,
    }
  } finally {
    await relay.close()
    await lab.stop()
  }
}

/** Plain OpenSSH client calls, one per file (and per probe): the reference scanner. */
async function plainSshScan(lab: SshdLab, address: string, root: string): Promise<void> {
  const ssh = (cmd: string) =>
    new Promise<string>((resolve) => {
      const child = spawn('ssh', ['-p', String(lab.port), '-i', lab.clientKeyFile, '-o', `UserKnownHostsFile=${lab.knownHostsFile}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', `${lab.user}@${address}`, cmd], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      child.on('close', () => resolve(out))
    })
  for (const probe of ['xm list', 'xl info', 'virsh --version', 'virsh -c xen:///system uri']) await ssh(probe)
  const files = (await ssh(`find ${root}/etc/xen ${root}/var/lib/xend/domains -type f`)).split('\n').filter(Boolean)
  for (const f of files) await ssh(`cat '${f}'`)
}

async function fleetRatio(dir: string): Promise<Record<string, unknown>> {
  const {hosts, lab} = await fleet(path.join(dir, 'fleet'), FLEET)
  try {
    const all = await inventory(dir, 'fleet.ini', hosts, lab)
    const one = await inventory(dir, 'one.ini', hosts.slice(0, 1), lab)
    // A scan changes no host, so the stand-ins (Node, ~0.1 s of CPU each) answer from a
    // recording after one unmeasured scan of the fleet (which also warms the page cache): their
    // CPU is a real host's own, not the controller's (test/helpers/sim-host/replay.ts).
    for (const h of hosts) await replayStandIns(h)
    await runCli(['scan', '--inventory', all, '--concurrency', '20', '--json', ...sshArgs(lab)], dir)
    for (const h of hosts) await freezeReplays(h)
    const single = median(await sequential(3, async () => (await runCli(['scan', '--inventory', one, '--json', ...sshArgs(lab)], dir)).ms))
    const before = sessions(lab, '127.0.0.3')
    const run = await runCli(['scan', '--inventory', all, '--concurrency', '20', '--json', ...sshArgs(lab)], dir)
    const after = sessions(lab, '127.0.0.3')
    const plainOne = median(await sequential(3, async () => time(() => plainSshScan(lab, '127.0.0.2', hosts[0]!.root))))
    const plainAll = await time(() => pool(hosts.map((h, i) => () => plainSshScan(lab, `127.0.0.${i + 2}`, h.root)), 20))
    return {
      hosts: FLEET,
      singleMs: Math.round(single),
      fleetMs: Math.round(run.ms),
      ratio: Number((run.ms / single).toFixed(2)),
      target: 5,
      met: run.ms / single < 5,
      remoteCommandsPerHost: after.commands - before.commands,
      sftpSessionsPerHost: after.sftp - before.sftp,
      standIns: 'replayed with shell built-ins after a first unmeasured scan (test/helpers/sim-host/replay.ts)',
      plainSsh: {singleMs: Math.round(plainOne), fleetMs: Math.round(plainAll), ratio: Number((plainAll / plainOne).toFixed(2))},
      ok: run.code === 0,
    }
  } finally {
    await lab.stop()
  }
}

async function memory(dir: string): Promise<Record<string, unknown>> {
  const {hosts, lab} = await fleet(path.join(dir, 'memory'), MEMORY_HOSTS)
  try {
    const r = await runCli(['scan', '--inventory', await inventory(dir, 'memory.ini', hosts, lab), '--json', ...sshArgs(lab)], dir)
    const mb = (r.peakKiB ?? Number.NaN) / 1024
    return {hosts: MEMORY_HOSTS, peakRssMB: Number(mb.toFixed(1)), ms: Math.round(r.ms), target: 200, met: mb < 200, ok: r.code === 0}
  } finally {
    await lab.stop()
  }
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

async function sequential(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push(await fn())
  return out
}

async function pool(jobs: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0
  await Promise.all(Array.from({length: width}, async () => {
    while (next < jobs.length) await jobs[next++]!()
  }))
}

/** The `remote` section of `npm run bench` (bench/section.ts). */
export const remoteSection: BenchSection = {
  name: 'remote',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const reason = process.env.BENCH_REMOTE === '0' ? 'BENCH_REMOTE=0' : sshdUnavailableReason()
    if (reason !== undefined) return {data: {skipped: reason}, lines: [`remote: skipped: ${reason}`]}
    const dir = ctx.tmp
    // The machine may be shared: the load average says how far the timings can be trusted.
    const load = () => loadavg().map((l) => Number(l.toFixed(2)))
    const data: Record<string, unknown> = {loadAverageAtStart: load()}
    const lines: string[] = []
    // A part that fails (e.g. 200 sshd processes on a loaded machine) does not hide the others.
    const part = async <T>(name: string, fn: () => Promise<T>, show: (r: T) => string[]): Promise<void> => {
      try {
        const r = await fn()
        data[name] = r
        lines.push(...show(r))
      } catch (error) {
        data[name] = {error: (error as Error).message}
        lines.push(`remote: ${name} failed: ${(error as Error).message.split('\n')[0]}`)
      }
      process.stderr.write(`${lines.at(-1) ?? ''}\n`)
    }
    await part('roundTrips', () => roundTrips(dir), (rt) => [
      `remote: a dom0 with 100 domains: ${rt.remoteCommands} remote commands + ${rt.sftpSessions} sftp sessions; scan ${rt.localLinkMs} ms on loopback, ${rt.slowLinkMs} ms over a ${RTT_MS} ms RTT link (+${rt.slowLinkExtraRtts} RTTs, ${rt.slowLinkRoundTrips} round trips on the wire; ${rt.delay})`,
    ])
    await part('fleet', () => fleetRatio(dir), (fl) => {
      const plain = fl.plainSsh as {ratio: number; singleMs: number; fleetMs: number}
      return [
        `remote: fleet of ${fl.hosts}, --concurrency 20: ${fl.fleetMs} ms vs ${fl.singleMs} ms for one host alone = ${fl.ratio}x (target < 5x): ${fl.met ? 'MET' : 'NOT MET'}; ${fl.remoteCommandsPerHost} remote commands + ${fl.sftpSessionsPerHost} sftp sessions per host`,
        `  reference, plain ssh one call per file: ${plain.fleetMs} ms vs ${plain.singleMs} ms = ${plain.ratio}x`,
      ]
    })
    await part('memory', () => memory(dir), (mem) => [
      `remote: memory scanning ${mem.hosts} hosts: controller peak RSS ${mem.peakRssMB} MB (target < 200 MB): ${mem.met ? 'MET' : 'NOT MET'} (${mem.ms} ms)`,
    ])
    data.loadAverageAtEnd = load()
    lines.push(`remote: load average ${(data.loadAverageAtStart as number[]).join(' ')} at start, ${(data.loadAverageAtEnd as number[]).join(' ')} at end (${cpus().length} CPUs)`)
    return {data, lines}
  },
}

// `node --import tsx bench/remote.ts` runs this section alone.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const tmp = await mkdtemp(path.join(tmpdir(), 'xenlift-bench-remote-'))
  try {
    const r = await remoteSection.run({dist: new URL('../dist/', import.meta.url), repoRoot: REPO, tmp})
    process.stdout.write(`${JSON.stringify(r.data, null, 2)}\n\n${r.lines.join('\n')}\n`)
  } finally {
    await rm(tmp, {recursive: true, force: true})
  }
}
