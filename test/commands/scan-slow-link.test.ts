import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ScanResult} from '../../src/commands/scan.js'
import {REPO_ROOT} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {addManagedDomains} from '../helpers/sim-host/many-domains.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const RTT_MS = 50
const NETNS = `xenlift-rt-${process.pid}`

/**
 * A network namespace of our own whose loopback delays every packet 25 ms (netem), so a round
 * trip takes 50 ms; sshd and the CLI both run inside it. Undefined when it can be made, else why
 * not (not root, no iproute2, a kernel without netns or sch_netem).
 */
function makeSlowNamespace(): string | undefined {
  const ssh = sshdUnavailableReason()
  if (ssh !== undefined) return ssh
  if (spawnSync('ip', ['-V']).error) return 'iproute2 (`ip`, `tc`) not installed'
  const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), {encoding: 'utf8'})
  const add = run(['ip', 'netns', 'add', NETNS])
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`
  process.once('exit', () => run(['ip', 'netns', 'del', NETNS]))
  run(['modprobe', 'sch_netem']) // may be built in, or modprobe absent: the tc call below decides
  const lo = run(['ip', 'netns', 'exec', NETNS, 'ip', 'link', 'set', 'lo', 'up'])
  const tc = lo.status === 0 ? run(['ip', 'netns', 'exec', NETNS, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', `${RTT_MS / 2}ms`]) : lo
  if (tc.status !== 0) {
    run(['ip', 'netns', 'del', NETNS])
    return `no netem delay in a network namespace (kernel without sch_netem?): ${tc.stderr.trim()}`
  }
  return undefined
}

const unavailable = makeSlowNamespace()

describe.skipIf(unavailable !== undefined)(`scan over a ${RTT_MS} ms round-trip link (netns + netem)${unavailable ? `: skipped, ${unavailable}` : ''}`, () => {
  let dir: string
  let lab: SshdLab
  let host: SimHost
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-slow-link-'))
    host = await createSimHost({dir, name: 'big', profile: 'sles11-xend', tree: DEMO})
    await addManagedDomains(host.root, 100)
    lab = await startSshd({netns: NETNS, hosts: [{address: '127.0.0.2', name: host.name, root: host.root, pathPrepend: [host.binDir], extraConfig: ['LogLevel VERBOSE']}]})
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
    spawnSync('ip', ['netns', 'del', NETNS])
    await rm(dir, {recursive: true, force: true})
  })

  it('a dom0 with 100 domains costs a constant number of remote commands, not one per file', async () => {
    const inv = path.join(dir, 'big.ini')
    await writeFile(inv, `[xend]\nbig ansible_host=127.0.0.2 ansible_port=${lab.port} ansible_user=${lab.user} xenlift_root=${host.root}\n`)
    // The delay is really there: one TCP round trip inside the namespace takes >= RTT.
    const probe = execFileSync('ip', ['netns', 'exec', NETNS, process.execPath, '-e', `const t=Date.now();require('net').connect(${lab.port},'127.0.0.2').on('connect',function(){console.log(Date.now()-t);this.destroy()})`]).toString()
    expect(Number(probe)).toBeGreaterThanOrEqual(RTT_MS - 5)
    const t0 = Date.now()
    const r = await new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
      const child = spawn('ip', ['netns', 'exec', NETNS, process.execPath, `${REPO_ROOT}/bin/dev.js`, 'scan', '--inventory', inv, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--json'], {
        env: {...process.env, NO_COLOR: '1'},
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      child.on('close', (code) => resolve({code, stdout, stderr}))
    })
    const wall = Date.now() - t0
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.hosts[0]?.domains.filter((d) => d.name.startsWith('bulk'))).toHaveLength(100)
    await new Promise((res) => setTimeout(res, 200))
    const log = lab.logs('127.0.0.2')
    const commands = (log.match(/Starting session: command/g) ?? []).length
    const sftp = (log.match(/Starting session: subsystem/g) ?? []).length
    // Timing is the bench's business (npm run bench); here it is printed, and the count is asserted.
    process.stdout.write(`scan of 100 domains over a ${RTT_MS} ms RTT: ${wall} ms wall (${(wall / RTT_MS).toFixed(1)} RTTs, CLI start-up and SSH handshake included), ${commands} remote commands, ${sftp} sftp sessions\n`)
    expect({commands, sftp}).toEqual({commands: 1, sftp: 0})
  }, 180_000)
})
