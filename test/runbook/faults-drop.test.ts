/**
 * Fault matrix, connection drops (issue 10 "Done means"): one simulated dom0 per step, each
 * behind a REAL sshd, whose connection is really dropped (sshd's session processes killed)
 * while that step's command runs on it, after the command took effect: the worst moment, when
 * the host changed and the controller never heard. One `upgrade apply` over the whole fleet
 * (every host fails at its own step, the control host finishes), then `apply --resume`: every
 * host finishes, ends exactly like the control host, and no domain was shut down, defined or
 * started twice. The dump step runs no remote command on these hosts (no old libvirt), so it has
 * no drop of its own.
 */
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {journalState, readJournal} from '../../src/runbook/journal.js'
import {runCli} from '../helpers/cli.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'
import {createTrap, type Trap, type TrapSpec} from './command-trap.js'
import {cleanXendHost, VNC_PASSWORD} from './upgrade-hosts.js'

const noSshd = sshdUnavailableReason()
const LIBXL = 'virsh -c xen:///system'
/** Per step: the command during which the connection drops (after it ran). */
const DROPS: Record<string, TrapSpec> = {
  preflight: {command: 'df', match: '^df -Pk', when: 'after'},
  backup: {command: 'sha256sum', match: '^sha256sum ', when: 'after'},
  shutdown: {command: 'xm', match: '^xm shutdown -w app01', when: 'after'},
  switch: {command: 'apt-get', match: '^apt-get install', when: 'after'},
  restart: {command: 'systemctl', match: '^systemctl restart libvirtd', when: 'after'},
  define: {command: 'virsh', match: `^${LIBXL} define `, when: 'after'},
  start: {command: 'virsh', match: `^${LIBXL} start `, when: 'after'},
  // define reads each of the 2 domains back twice (before and after); verify's read is the 5th.
  verify: {command: 'virsh', match: `^${LIBXL} dumpxml --inactive`, nth: 5, when: 'after'},
}

interface ResultLine {
  type: string
  hosts?: {host: string; status: string; step?: string; message?: string; journal?: string}[]
}

const result = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as ResultLine).find((e) => e.type === 'result')
const begun = (log: string[], re: RegExp) => log.filter((l) => l.includes(' begin ') && re.test(l.split(' begin ')[1] as string)).length

describe.skipIf(noSshd !== undefined)('fault matrix: the connection drops during each step; --resume finishes every host', () => {
  let dir: string
  let lab: SshdLab
  const hosts: SimHost[] = []
  const traps = new Map<string, Trap>()
  const address = new Map<string, string>()
  let ssh: string[]
  let inv: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-faults-drop-'))
    for (const name of ['control', ...Object.keys(DROPS)]) {
      const h = await cleanXendHost(dir, `drop-${name}`, {dbRunning: true})
      hosts.push(h)
      const spec = DROPS[name]
      if (spec) traps.set(h.name, await createTrap(path.join(dir, `trap-${name}`), spec, h.binDir))
    }
    lab = await startSshd({
      hosts: hosts.map((h, i) => {
        address.set(h.name, `127.0.0.${i + 2}`)
        const trap = traps.get(h.name)
        return {address: `127.0.0.${i + 2}`, name: h.name, root: h.root, pathPrepend: [...(trap ? [trap.binDir] : []), h.binDir]}
      }),
    })
    inv = path.join(dir, 'fleet.ini')
    await writeFile(inv, ['[xend]', ...hosts.map((h) => `${h.name} ansible_host=${address.get(h.name)} ansible_port=${lab.port} ansible_user=${lab.user} xenlift_root=${h.root}`), ''].join('\n'))
    ssh = ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '60']
  }, 180_000)
  afterAll(async () => {
    for (const t of traps.values()) t.release(true)
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('each host stops at its step, --resume finishes it like the control host, nothing lost or done twice', async () => {
    const planFile = path.join(dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', inv, ...ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(0)
    const stateDir = path.join(dir, 'state')
    const apply = ['upgrade', 'apply', planFile, '--start', '--yes', '--json', '--state-dir', stateDir, '--concurrency', String(hosts.length), ...ssh]

    // Drop each host's connection for real while its trapped command holds the result back.
    const first = runCli(apply)
    let running = true
    void first.finally(() => {
      running = false
    })
    const dropped = new Set<string>()
    while (running) {
      for (const [name, trap] of traps) {
        if (dropped.has(name) || !trap.fired()) continue
        lab.killSessions(address.get(name) as string)
        trap.release(true)
        dropped.add(name)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const r1 = await first
    expect(r1.code, r1.stderr).toBe(4)
    expect([...dropped].sort()).toEqual([...traps.keys()].sort())
    const byHost1 = new Map((result(r1.stdout)?.hosts ?? []).map((h) => [h.host, h]))
    expect(byHost1.get('drop-control')?.status).toBe('done')
    for (const step of Object.keys(DROPS)) {
      const o = byHost1.get(`drop-${step}`)
      expect(o, step).toMatchObject({status: 'failed', step})
      expect(o?.message, step).toMatch(/connection|closed|lost/i)
    }

    const r2 = await runCli([...apply, '--resume'])
    expect(r2.code, r2.stderr).toBe(0)
    const byHost2 = new Map((result(r2.stdout)?.hosts ?? []).map((h) => [h.host, h]))
    const control = hosts[0] as SimHost
    const sim = (h: SimHost, f: string) => readFile(path.join(h.root, '.sim', f), 'utf8').catch(() => 'absent')
    const doc = JSON.parse(await readFile(planFile, 'utf8')) as {planId: string}
    for (const h of hosts) {
      const step = h.name.replace(/^drop-/, '')
      expect(byHost2.get(h.name)?.status, h.name).toBe('done')
      // Ends exactly like the control host: libvirt's domains, their XML (with the VNC password), what runs.
      expect(await h.libvirtDomains(), h.name).toEqual(await control.libvirtDomains())
      for (const d of ['app01', 'db01']) expect(await h.libvirtXml(d), `${h.name} ${d}`).toBe(await control.libvirtXml(d))
      expect(await h.libvirtXml('db01')).toContain(`passwd='${VNC_PASSWORD}'`)
      expect(await sim(h, 'libvirt/active.json'), h.name).toBe(await sim(control, 'libvirt/active.json'))
      expect(await sim(h, 'xen/running.json'), h.name).toBe('[]\n')
      expect(await readFile(path.join(h.root, 'etc/default/xen'), 'utf8')).toContain('TOOLSTACK=xl')
      // Never twice: each domain shut down once, defined once, started once.
      const log = await h.commandLog()
      for (const d of ['app01', 'db01']) {
        expect(begun(log, new RegExp(`^xm shutdown -w ${d}$`)), `${h.name}: xm shutdown ${d}`).toBe(1)
        expect(begun(log, new RegExp(`^${LIBXL} start ${d}$`)), `${h.name}: start ${d}`).toBe(1)
      }
      // The XML (with its password) goes to virsh on stdin, so argv names no domain: two domains,
      // both defined as on the control host (above), two defines in all.
      expect(begun(log, new RegExp(`^${LIBXL} define /dev/stdin$`)), `${h.name}: defines`).toBe(2)
      // The journal: every step completed once; the dropped step failed once before that.
      const journal = byHost2.get(h.name)?.journal ?? byHost1.get(h.name)?.journal
      const entries = await readJournal(journal as string)
      expect(journalState(entries).done, h.name).toBe(true)
      const ends = entries.filter((e) => e.type === 'step-end')
      for (const s of ['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify']) {
        expect(ends.filter((e) => e.step === s && e.status !== 'failed').length, `${h.name}: ${s} completed`).toBe(1)
        expect(ends.filter((e) => e.step === s && e.status === 'failed').length, `${h.name}: ${s} failed`).toBe(s === step ? 1 : 0)
      }
      expect((await stat(path.join(stateDir, 'backups', `${h.name}-${doc.planId}.tar.gz`))).mode & 0o777).toBe(0o600)
      expect(await readFile(path.join(h.root, 'var/lib/xenlift/lock'), 'utf8').catch(() => 'released')).toBe('released')
    }
    expect(r1.stdout + r1.stderr + r2.stdout + r2.stderr).not.toContain(VNC_PASSWORD)
  }, 600_000)
})
