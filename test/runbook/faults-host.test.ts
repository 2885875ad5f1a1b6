/**
 * Fault matrix, faults of the host itself (issue 10 "Done means"), over real sshd with the CLI:
 * a domain that never shuts down (--on-timeout fail stops the host with nothing lost; a resume
 * with --on-timeout destroy finishes it), the package installation fails, libvirtd never
 * answers, a stale plan, a host another run holds. Each host stops at its step and keeps what
 * it had: xend running, its domains, no libvirt definitions, no package installed.
 */
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'
import {applyOutcomes, begun, useSshFleet} from './ssh-fleet.js'
import {APP01_UUID, cleanXendHost} from './upgrade-hosts.js'

const noSshd = sshdUnavailableReason()
const FOREIGN_LOCK = '{"controller":"ops@elsewhere","runId":"their-run","since":"2026-12-07T10:00:00Z"}\n'

describe.skipIf(noSshd !== undefined)('fault matrix: faults of the hosts themselves', () => {
  const f = useSshFleet('faults-host', async (dir) => {
    const stuckApp = {name: 'app01', sxp: `var/lib/xend/domains/${APP01_UUID}/config.sxp`, ignoresShutdown: true}
    return [
      await cleanXendHost(dir, 'stuck', {running: [stuckApp]}),
      await cleanXendHost(dir, 'noinstall', {failInstall: true}),
      await cleanXendHost(dir, 'nolibvirt', {libvirtdNeverAnswers: true}),
      await cleanXendHost(dir, 'stale'),
      await cleanXendHost(dir, 'locked'),
    ]
  })
  const host = (name: string) => f.hosts.find((h) => h.name === name) as SimHost

  it('each host stops at its step with nothing lost; the stuck domain is destroyed on resume with --on-timeout destroy', async () => {
    const planFile = path.join(f.dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', f.inventory, ...f.ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(0)
    // After planning: the stale host's xm config changes, another controller locks the locked one.
    const db = path.join(host('stale').root, 'etc/xen/db01')
    await writeFile(db, (await readFile(db, 'utf8')).replace('memory = 1024', 'memory = 2048'))
    await mkdir(path.join(host('locked').root, 'var/lib/xenlift'), {recursive: true})
    await writeFile(path.join(host('locked').root, 'var/lib/xenlift/lock'), FOREIGN_LOCK)

    const stateDir = path.join(f.dir, 'state')
    const apply = ['upgrade', 'apply', planFile, '--start', '--yes', '--json', '--state-dir', stateDir, '--concurrency', '5', '--shutdown-timeout', '3', '--restart-timeout', '3', ...f.ssh]
    const r = await runCli(apply)
    expect(r.code, r.stderr).toBe(1)
    const by = applyOutcomes(r.stdout)
    expect(by.get('stuck')).toMatchObject({status: 'failed', step: 'shutdown'})
    expect(by.get('stuck')?.message).toMatch(/app01.*(did not|timed out|timeout)/i)
    expect(by.get('noinstall')).toMatchObject({status: 'failed', step: 'switch'})
    expect(by.get('noinstall')?.message).toMatch(/package installation failed/)
    expect(by.get('nolibvirt')).toMatchObject({status: 'failed', step: 'restart'})
    expect(by.get('stale')).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by.get('stale')?.message).toMatch(/^plan is stale, plan again: \/etc\/xen changed/)
    expect(by.get('locked')).toMatchObject({status: 'failed', step: 'preflight'})
    expect(by.get('locked')?.message).toMatch(/locked by run their-run from ops@elsewhere/)

    // Nothing lost: every domain still defined nowhere but in xend; before the switch xend still runs them.
    for (const h of f.hosts) expect(await h.libvirtDomains(), h.name).toEqual({})
    for (const name of ['stuck', 'stale', 'locked']) {
      const h = host(name)
      expect(await readFile(path.join(h.root, '.sim/xend.running'), 'utf8').then(() => true, () => false), `${name}: xend runs`).toBe(true)
      expect(begun(await h.commandLog(), /^(apt-get install|systemctl (stop|disable) xend)/), name).toBe(0)
    }
    expect(JSON.parse(await readFile(path.join(host('stuck').root, '.sim/xen/running.json'), 'utf8')).map((d: {name: string}) => d.name)).toEqual(['app01'])
    expect(begun(await host('stale').commandLog(), /^xm shutdown/)).toBe(0)
    expect(await readFile(path.join(host('locked').root, 'var/lib/xenlift/lock'), 'utf8')).toBe(FOREIGN_LOCK)

    // The operator decides: destroy what does not shut down, and resume.
    const again = await runCli([...apply, '--resume', '--on-timeout', 'destroy'])
    const by2 = applyOutcomes(again.stdout)
    expect(by2.get('stuck')?.status, again.stderr).toBe('done')
    const log = await host('stuck').commandLog()
    expect(begun(log, /^xm destroy app01$/)).toBe(1)
    expect(await host('stuck').libvirtDomains()).toHaveProperty('app01', APP01_UUID)
    // the others fail where they failed before: the fault is still there, and nothing was skipped
    expect(by2.get('noinstall')).toMatchObject({status: 'failed', step: 'switch'})
    expect(by2.get('nolibvirt')).toMatchObject({status: 'failed', step: 'restart'})
  }, 600_000)
})
