import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {planHost} from '../../src/runbook/plan-host.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {planSimHost} from './strategies.js'
import {APP01_UUID, autoLink, cleanXendHost, DB01_UUID, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-plan-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

const plan = (h: {name: string; root: string; env: Record<string, string>}) => planSimHost(h)

describe('planHost (headless, simulated dom0)', () => {
  it('plans a clean xend host: ready, running domain resolved by shutdown, every step with its commands, no password', async () => {
    const h = await cleanXendHost(dir, 'deb-a', {dbRunning: true})
    await autoLink(h, 'db01')
    const p = await plan(h)
    expect(p.blockers.filter((b) => !b.waived)).toEqual([])
    expect(p.status).toBe('ready')
    expect(p.strategy).toMatchObject({id: 'debian-apt', plugin: '@xenlift/strategy-debian'})
    expect(p.blockers.filter((b) => !b.waived)).toEqual([])
    expect(p.resolvedBlockers.map((r) => [r.rule, r.domain, r.resolvedBy])).toEqual([
      ['MIG-LIVE', 'app01', 'shutdown'],
      ['MIG-LIVE', 'db01', 'shutdown'],
    ])
    const byName = Object.fromEntries(p.domains.map((d) => [d.name, d]))
    expect(byName.app01).toMatchObject({uuid: APP01_UUID, kind: 'pv', running: true, autostart: true, hasSecrets: false})
    expect(byName.db01).toMatchObject({uuid: DB01_UUID, kind: 'hvm', running: true, autostart: true, hasSecrets: true})
    // /etc/xen/auto first: db01 has an auto link, app01 only on_xend_start
    expect([byName.db01?.shutdownOrder, byName.app01?.shutdownOrder]).toEqual([0, 1])
    expect(byName.db01?.xml).toContain("passwd='***'")
    expect(byName.db01?.record).toMatchObject({memoryKiB: 1048576, vcpus: 2, nics: ['00:16:3e:00:00:02@xenbr0']})
    expect(JSON.stringify(p)).not.toContain(VNC_PASSWORD)
    expect(p.steps.map((s) => s.id)).toEqual(['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify'])
    const argv = (id: string) => p.steps.find((s) => s.id === id)?.actions.flatMap((a) => (a.kind === 'exec' ? [a.argv.join(' ')] : [])) ?? []
    expect(argv('shutdown')).toEqual(['xm shutdown -w db01', 'xm destroy db01', 'xm shutdown -w app01', 'xm destroy app01'])
    expect(argv('switch')).toContain('apt-get install -y --no-install-recommends libvirt-daemon-system libvirt-daemon-driver-xen')
    expect(p.fingerprint?.inputs.packages['xen-utils-common']).toBe('4.1.4-3+deb7u9')
    expect(Object.keys(p.fingerprint?.inputs.toolstackSetting ?? {})).toEqual(['/etc/default/xen'])
    expect(p.fingerprint?.inputs.xendDomains.files).toBe(1)
    expect(p.pointOfNoReturn).toBeUndefined()
  }, 120_000)

  it("the plan's XML names the host's own hvmloader folder (its facts), not libvirt's default", async () => {
    const h = await cleanXendHost(dir, 'deb-fw')
    await mkdir(path.join(h.root, 'usr/lib/xen-4.17/boot'), {recursive: true})
    await writeFile(path.join(h.root, 'usr/lib/xen-4.17/boot/hvmloader'), 'hvmloader\n')
    await mkdir(path.join(h.root, 'proc'), {recursive: true})
    await writeFile(path.join(h.root, 'proc/cpuinfo'), 'processor\t: 0\nvendor_id\t: AuthenticAMD\n')
    const p = await plan(h)
    const db01 = p.domains.find((d) => d.name === 'db01')
    expect(db01?.xml).toContain(">/usr/lib/xen-4.17/boot/hvmloader</loader>")
    expect(db01?.xml).not.toContain('/usr/lib/xen/boot/hvmloader')
  }, 120_000)

  it('a host with blockers is blocked, and shows them; a host no strategy claims is blocked with NO-STRATEGY', async () => {
    const sles = await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO})
    const p = await plan(sles)
    expect(p.status).toBe('blocked')
    expect(p.strategy?.id).toBe('suse-zypper')
    expect(p.blockers.some((b) => b.rule === 'XL-STATE-001' && b.domain === 'backup01')).toBe(true)
    const none = await cleanXendHost(dir, 'rhel-x')
    const exec = new LocalTransport({env: none.env})
    const p2 = await planHost(none.name, {kind: 'local', root: none.root}, exec, new RootedTransport(exec, none.root), {strategies: [], planId: 'p1'})
    expect(p2.status).toBe('blocked')
    expect(p2.blockers.map((b) => b.rule)).toContain('NO-STRATEGY')
    expect(p2.steps).toEqual([])
  }, 120_000)
})
