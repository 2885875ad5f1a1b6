/**
 * A fleet of 20 simulated dom0s behind real sshd (issue 10 "Done means"): 16 clean hosts
 * (Debian and SUSE; a PV domain that runs, an HVM domain with a VNC password that runs on every
 * other host), 3 hosts with blockers (the demo dom0), 1 unreachable. `upgrade plan` then
 * `upgrade apply --concurrency 5 --start`: every domain of the clean hosts is defined with
 * `convert`'s XML, the ones that ran run again, the blocked hosts are untouched, at most 5 hosts
 * were worked on at once, and the summary says so.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {PlanDocument} from '../../src/runbook/plan-document.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost, maxHostsInFlight, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'
import {APP01_UUID, cleanXendHost, DB01_UUID, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const noSshd = sshdUnavailableReason()
const CLEAN = 16
const BLOCKED = 3

interface ResultLine {
  type: string
  hosts?: {host: string; status: string}[]
}

describe.skipIf(noSshd !== undefined)('upgrade a fleet of 20 simulated dom0s with --concurrency 5 --start', () => {
  let dir: string
  let lab: SshdLab
  const clean: SimHost[] = []
  const blocked: SimHost[] = []
  let inv: string
  let ssh: string[]
  let sharedLog: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-upgrade-fleet-'))
    sharedLog = path.join(dir, 'fleet.log')
    for (let i = 0; i < CLEAN; i++) {
      clean.push(await cleanXendHost(dir, `clean-${String(i).padStart(2, '0')}`, {profile: i % 4 === 3 ? 'sles11-xend' : 'debian7-xend', dbRunning: i % 2 === 0, sharedLog}))
    }
    for (let i = 0; i < BLOCKED; i++) blocked.push(await createSimHost({dir, name: `blocked-${i}`, profile: 'sles11-xend', tree: DEMO, sharedLog}))
    const all = [...clean, ...blocked]
    lab = await startSshd({hosts: all.map((h, i) => ({address: `127.0.0.${i + 2}`, name: h.name, root: h.root, pathPrepend: [h.binDir]}))})
    inv = path.join(dir, 'fleet.ini')
    await writeFile(
      inv,
      ['[xend]', ...all.map((h, i) => `${h.name} ansible_host=127.0.0.${i + 2} ansible_port=${lab.port} ansible_user=${lab.user} xenlift_root=${h.root}`), `gone ansible_host=127.0.0.99 ansible_port=${lab.port}`, ''].join('\n'),
    )
    ssh = ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '60']
  }, 300_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('defines every domain of the clean hosts as convert writes it, restarts what ran, leaves the rest untouched', async () => {
    const planFile = path.join(dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', inv, ...ssh, '--concurrency', '10', '--out', planFile])
    expect(p.code, p.stderr).toBe(4)
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanDocument
    expect(plan.summary).toEqual({hosts: 20, ready: CLEAN, blocked: BLOCKED, unreachable: 1})
    await writeFile(sharedLog, '')

    const r = await runCli(['upgrade', 'apply', planFile, '--concurrency', '5', '--start', '--yes', '--json', '--state-dir', path.join(dir, 'state'), ...ssh])
    expect(r.code, r.stderr).toBe(3)
    const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as ResultLine).find((e) => e.type === 'result')
    const status = Object.fromEntries((result?.hosts ?? []).map((h) => [h.host, h.status]))
    expect(status).toEqual({
      ...Object.fromEntries(clean.map((h) => [h.name, 'done'])),
      ...Object.fromEntries(blocked.map((h) => [h.name, 'blocked'])),
      gone: 'blocked',
    })
    expect(maxHostsInFlight((await readFile(sharedLog, 'utf8')).split('\n').filter(Boolean))).toBeLessThanOrEqual(5)

    for (const [i, h] of clean.entries()) {
      expect(await h.libvirtDomains(), h.name).toEqual({app01: APP01_UUID, db01: DB01_UUID})
      const hp = plan.hosts.find((x) => x.host === h.name)
      const target = hp?.targetLibvirtVersion as string
      for (const [name, source] of [
        ['app01', `var/lib/xend/domains/${APP01_UUID}/config.sxp`],
        ['db01', 'etc/xen/db01'],
      ] as const) {
        const conv = await runCli(['convert', '--libvirt-version', target, path.join(h.root, source)])
        expect(conv.code, conv.stderr).not.toBe(2)
        const defined = await h.libvirtXml(name)
        // The upgrade tags what it defined with its source (as import does), and convert leaves
        // passwords out (as domxml-from-native) while the defined domain keeps its own.
        expect(defined).toContain(`source="/${source}"`)
        const bare = defined.replace(/ {2}<metadata>\n[\s\S]*?<\/metadata>\n/, '').replace(` passwd='${VNC_PASSWORD}'`, '')
        expect(bare, `${h.name} ${name}`).toBe(conv.stdout)
      }
      expect(await h.libvirtXml('db01')).toContain(`passwd='${VNC_PASSWORD}'`)
      // The simulated libvirt's running domains: name -> domain id.
      const running = Object.keys(JSON.parse(await readFile(path.join(h.root, '.sim/libvirt/active.json'), 'utf8').catch(() => '{}')) as object)
      expect(running.sort(), h.name).toEqual(i % 2 === 0 ? ['app01', 'db01'] : ['app01'])
    }
    for (const h of blocked) {
      expect(await h.libvirtDomains(), h.name).toEqual({})
      expect((await h.commandLog()).filter((l) => / begin (xm (shutdown|destroy)|systemctl (stop|disable|enable|restart)|zypper|apt-get|virsh -c \S+ (define|start))/.test(l)), h.name).toEqual([])
    }
    expect(r.stdout + r.stderr).not.toContain(VNC_PASSWORD)
  }, 1_500_000)
})
