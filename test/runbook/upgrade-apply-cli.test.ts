import {readFile, stat} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'
import {useSshFleet} from './ssh-fleet.js'
import {APP01_UUID, cleanXendHost, DB01_UUID, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const noSshd = sshdUnavailableReason()

describe.skipIf(noSshd !== undefined)('xenlift upgrade apply over SSH (simulated dom0s)', () => {
  const f = useSshFleet('upgrade-apply', async (dir) => [
    await cleanXendHost(dir, 'deb-a', {dbRunning: true}),
    await cleanXendHost(dir, 'sles-b', {profile: 'sles11-xend'}),
    await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO}),
  ], {gone: true, setupMs: 120_000})

  it('plan then apply --start: Debian and SUSE hosts upgraded, the blocked host untouched (exit 3), NDJSON events, journals and logs', async () => {
    const planFile = path.join(f.dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', f.inventory, '--limit', '!gone', ...f.ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(3)
    const stateDir = path.join(f.dir, 'state')
    const r = await runCli(['upgrade', 'apply', planFile, '--start', '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    expect(r.code, r.stderr).toBe(3)
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; host?: string; step?: string; status?: string; hosts?: {host: string; status: string}[]})
    const result = events.at(-1)
    expect(result?.type).toBe('result')
    expect(result?.hosts?.map((h) => [h.host, h.status])).toEqual([
      ['deb-a', 'done'],
      ['sles-b', 'done'],
      ['sles-demo', 'blocked'],
    ])
    const steps = (host: string, type: string) => events.filter((e) => e.type === type && e.host === host).map((e) => e.step)
    expect(steps('deb-a', 'step-start')).toEqual(['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify'])
    expect(steps('deb-a', 'step-end')).toHaveLength(9)
    for (const h of f.hosts.slice(0, 2)) expect(await h?.libvirtDomains()).toEqual({app01: APP01_UUID, db01: DB01_UUID})
    // SUSE: zypper, no toolstack file written; Debian: TOOLSTACK=xl
    expect((await f.hosts[1]?.commandLog())?.some((l) => l.includes('begin zypper --non-interactive install libvirt-daemon-driver-libxl'))).toBe(true)
    expect(await readFile(path.join(f.hosts[0]?.root as string, 'etc/default/xen'), 'utf8')).toContain('TOOLSTACK=xl')
    const backups = path.join(stateDir, 'backups')
    const doc = JSON.parse(await readFile(planFile, 'utf8')) as {planId: string}
    expect((await stat(path.join(backups, `deb-a-${doc.planId}.tar.gz`))).mode & 0o777).toBe(0o600)
    expect(r.stdout).not.toContain(VNC_PASSWORD)
    expect((await f.hosts[2]?.commandLog())?.filter((l) => / begin (xm shutdown|systemctl stop|zypper)/.test(l))).toEqual([])

    // a second apply of the same plan: the hosts changed (plan is stale), nothing is done
    const again = await runCli(['upgrade', 'apply', planFile, '--yes', '--state-dir', stateDir, ...f.ssh])
    expect(again.code).toBe(1)
    expect(again.stdout).toMatch(/deb-a +failed +preflight +plan is stale, plan again/)
    expect(again.stderr).toMatch(/deb-a: preflight: failed/)
  }, 400_000)
})
