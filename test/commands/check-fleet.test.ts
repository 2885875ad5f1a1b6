import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {CheckReport} from '../../src/checks/check-report.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd, writeFleetInventory} from '../helpers/sim-host/fleet.js'
import {type SshdLab, sshdUnavailableReason} from '../helpers/sshd.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const MANAGED = 'var/lib/xend/domains'

describe('xenlift check --host local', () => {
  it('checks a mounted tree through host discovery like --root does', async () => {
    const a = JSON.parse((await runCli(['check', '--root', DEMO, '--json'])).stdout) as CheckReport
    const b = JSON.parse((await runCli(['check', '--host', 'local', '--root', DEMO, '--json'])).stdout) as CheckReport
    const strip = (r: CheckReport) => r.findings.map(({host: _h, ...f}) => f)
    expect(strip(b)).toEqual(strip(a))
  })
})

const noSshd = sshdUnavailableReason()

describe.skipIf(noSshd !== undefined)('xenlift check over SSH (simulated dom0s on loopback sshd)', () => {
  let dir: string
  let lab: SshdLab
  let hosts: SimHost[]
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-check-ssh-'))
    hosts = [
      await createSimHost({
        dir,
        name: 'sles-a',
        profile: 'sles11-xend',
        tree: DEMO,
        running: [{name: 'web01', sxp: `${MANAGED}/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`, memory: 1024, vcpus: 2}],
      }),
      await createSimHost({dir, name: 'bookworm-b', profile: 'debian12-libvirt'}),
      // A login that is not root: xm/xl refuse unless run through `sudo -n`.
      await createSimHost({
        dir,
        name: 'sles-user',
        profile: 'sles11-xend',
        tree: DEMO,
        nonRootLogin: true,
        running: [{name: 'web01', sxp: `${MANAGED}/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`}],
      }),
    ]
    lab = await startFleetSshd(hosts)
  }, 60_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('reports per host, flags running domains and unreachable hosts, and fails the gate (exit 4: partial fleet failure)', async () => {
    const inv = await writeFleetInventory(dir, hosts, lab)
    const r = await runCli(['check', '--inventory', inv, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '10', '--json'])
    expect(r.code, r.stderr).toBe(4)
    const report = JSON.parse(r.stdout) as CheckReport
    expect(report.hosts.map((h) => h.name)).toEqual(['bookworm-b', 'gone', 'sles-a', 'sles-user'])
    expect(report.findings.find((f) => f.host === 'gone')).toMatchObject({rule: 'HOST-UNREACHABLE', severity: 'blocker'})
    const sles = report.findings.filter((f) => f.host === 'sles-a')
    expect(sles.find((f) => f.rule === 'MIG-LIVE')).toMatchObject({domain: 'web01', severity: 'blocker'})
    expect(sles.some((f) => f.rule === 'XL-STATE-001' && f.domain === 'backup01')).toBe(true)
    expect(report.findings.filter((f) => f.host === 'bookworm-b' && f.severity === 'blocker')).toEqual([])
    // Not root and no --sudo: xm list is refused. That is a finding per domain, never "none running".
    const user = report.findings.filter((f) => f.host === 'sles-user')
    expect(user.some((f) => f.rule === 'MIG-LIVE')).toBe(false)
    const unknown = user.filter((f) => f.rule === 'RUNNING-UNKNOWN')
    expect(unknown.find((f) => f.domain === 'web01')).toMatchObject({severity: 'blocker', message: expect.stringMatching(/`xm list` failed \(exit 1: Error: Most commands need root access/)})
    expect(new Set(unknown.map((f) => f.domain))).toEqual(new Set(report.hosts.find((h) => h.name === 'sles-user')?.domains.map((d) => d.name)))

    // --sudo lists them; neither --ignore nor --fail-on never lets an unchecked host pass (still 4).
    const sudo = await runCli(['check', '--inventory', inv, '--limit', 'sles-user,gone', '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '10', '--json', '--sudo', '--ignore', 'HOST-UNREACHABLE', '--fail-on', 'never'])
    expect(sudo.code, sudo.stderr).toBe(4)
    const withSudo = JSON.parse(sudo.stdout) as CheckReport
    expect(withSudo.findings.find((f) => f.host === 'sles-user' && f.rule === 'MIG-LIVE')).toMatchObject({domain: 'web01', severity: 'blocker'})
    expect(withSudo.findings.filter((f) => f.rule === 'RUNNING-UNKNOWN')).toEqual([])
    expect(withSudo.findings.find((f) => f.rule === 'HOST-UNREACHABLE')?.waived).toBeUndefined()

    const html = await runCli(['check', '--inventory', inv, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '10', '--format', 'html'])
    for (const h of ['sles-a', 'bookworm-b', 'gone', 'sles-user']) expect(html.stdout).toContain(`<h2>Host ${h}</h2>`)
  }, 120_000)
})
