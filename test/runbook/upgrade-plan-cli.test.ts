import {readFile, stat} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {PLAN_FORMAT, PLAN_VERSION, type PlanDocument} from '../../src/runbook/plan-document.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'
import {useSshFleet} from './ssh-fleet.js'
import {cleanXendHost, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const noSshd = sshdUnavailableReason()

describe.skipIf(noSshd !== undefined)('xenlift upgrade plan over SSH (simulated dom0s)', () => {
  const f = useSshFleet('upgrade-plan', async (dir) => [await cleanXendHost(dir, 'deb-a', {dbRunning: true}), await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO})], {gone: true, timeoutSec: 20, setupMs: 120_000})

  it('writes the versioned plan document; ready, blocked and unreachable hosts; exit 4 with an unreachable host', async () => {
    const out = path.join(f.dir, 'plan.json')
    const r = await runCli(['upgrade', 'plan', '--inventory', f.inventory, ...f.ssh, '--out', out])
    expect(r.code, r.stderr).toBe(4)
    const doc = JSON.parse(await readFile(out, 'utf8')) as PlanDocument
    expect(doc).toMatchObject({format: PLAN_FORMAT, version: PLAN_VERSION, summary: {hosts: 3, ready: 1, blocked: 1, unreachable: 1}})
    expect(doc.hosts.map((h) => [h.host, h.status])).toEqual([
      ['deb-a', 'ready'],
      ['gone', 'unreachable'],
      ['sles-demo', 'blocked'],
    ])
    const deb = doc.hosts[0]
    expect(deb?.connection).toMatchObject({kind: 'ssh', hostname: '127.0.0.2', port: f.lab.port, root: f.hosts[0]?.root})
    // host paths in commands are below the host's root (xenlift_root)
    const tar = deb?.steps.find((s) => s.id === 'backup')?.actions.find((a) => a.kind === 'exec' && a.argv[0] === 'tar')
    expect(tar?.kind === 'exec' && tar.argv.includes(`${f.hosts[0]?.root}/var/lib/xenlift/backup-${doc.planId}.tar.gz`)).toBe(true)
    expect(await readFile(out, 'utf8')).not.toContain(VNC_PASSWORD)
    // the text view on stdout names each host's state
    expect(r.stdout).toContain('== deb-a: READY')
    expect(r.stdout).toContain('== sles-demo: BLOCKED')
    expect(r.stdout).toMatch(/== gone: UNREACHABLE/)
    expect(r.stdout).toContain('$ xm shutdown -w db01')
    expect((await stat(out)).mode & 0o777).toBe(0o644)
  }, 180_000)

  it('--json prints the document; a blocked host alone exits 3; nothing on the hosts changed', async () => {
    const before = await f.hosts[1]?.commandLog()
    const r = await runCli(['upgrade', 'plan', '--inventory', f.inventory, ...f.ssh, '--limit', 'sles-demo', '--json'])
    expect(r.code, r.stderr).toBe(3)
    const doc = JSON.parse(r.stdout) as PlanDocument
    expect(doc.hosts.map((h) => h.status)).toEqual(['blocked'])
    expect(doc.hosts[0]?.blockers.length).toBeGreaterThan(0)
    const ran = (await f.hosts[1]?.commandLog())?.slice(before?.length).filter((l) => l.includes(' begin ')).map((l) => l.split(' begin ')[1]?.split(' ').slice(0, 2).join(' '))
    // read-only: only probes and listings ran
    for (const c of ran ?? []) expect(c).toMatch(/^(xm (list|info)|xl (list|info)|virsh (--version|-c)|systemctl is-active|rpm -qa)/)
  }, 180_000)
})
