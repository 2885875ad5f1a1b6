import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ScanResult} from '../../src/commands/scan.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost, maxHostsInFlight, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd, writeFleetInventory} from '../helpers/sim-host/fleet.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const MANAGED = 'var/lib/xend/domains'

describe('xenlift scan --root (a mounted old dom0 tree)', () => {
  it('lists the managed domains with their sources, runs nothing, exits 0', async () => {
    const r = await runCli(['scan', '--root', DEMO, '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.schemaVersion).toBe(1)
    expect(out.hosts).toHaveLength(1)
    const host = out.hosts[0]!
    expect(host).toMatchObject({host: DEMO, ok: true})
    expect(host.facts?.toolstack).toBeUndefined()
    const web = host.domains.find((d) => d.source === `/${MANAGED}/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`)
    expect(web).toMatchObject({
      name: 'web01',
      uuid: '6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10',
      kind: 'pv',
      format: 'sxp',
      role: 'managed-sxp',
    })
    // /etc/xen/auto/mail01 -> ../mail01: read once, marked autostart
    expect(host.domains.filter((d) => d.name === 'mail01')).toMatchObject([{source: '/etc/xen/mail01', autostart: true, format: 'xm'}])
    expect(web?.state).toBeUndefined()
    expect(web?.disks.length).toBeGreaterThan(0)
    expect(host.domains.map((d) => d.name)).toEqual(expect.arrayContaining(['web01', 'backup01', "Bob's win2k8"]))
    expect(host.skipped.map((s) => s.path)).toEqual(expect.arrayContaining(['/etc/xen/xend-config.sxp', '/etc/xen/xl.conf', '/etc/xen/mail01.bak']))
    // --json keeps progress off stdout (and silent)
    expect(r.stderr).not.toMatch(/queued/)
  })

  it('prints host and domain tables on stdout and progress on stderr', async () => {
    const r = await runCli(['scan', '--root', DEMO])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^HOST\s+OS\s+XEN\s+TOOLSTACK/m)
    expect(r.stdout).toMatch(/^DOMAIN\s+HOST\s+UUID/m)
    expect(r.stdout).toMatch(/^web01\s/m)
    expect(r.stderr).toContain(`${DEMO}: `)
    expect(r.stdout).not.toContain('queued')
  })

  it('usage errors exit 2', async () => {
    expect((await runCli(['scan', '--limit', 'x'])).code).toBe(2)
    expect((await runCli(['scan', '--host', 'bad host'])).code).toBe(2)
  })
})

const noSshd = sshdUnavailableReason()

describe.skipIf(noSshd !== undefined)('xenlift scan over SSH (simulated dom0s on loopback sshd)', () => {
  let dir: string
  let lab: SshdLab
  let hosts: SimHost[]
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-scan-ssh-'))
    hosts = [
      await createSimHost({
        dir,
        name: 'sles-a',
        profile: 'sles11-xend',
        tree: DEMO,
        running: [{name: 'web01', sxp: `${MANAGED}/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`, memory: 1024, vcpus: 2}],
      }),
      await createSimHost({dir, name: 'wheezy-b', profile: 'debian7-xend', tree: DEMO, xendRunning: false}),
      await createSimHost({dir, name: 'bookworm-c', profile: 'debian12-libvirt'}),
    ]
    lab = await startFleetSshd(hosts)
  }, 60_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('scans each host, reports the unreachable one, and exits 4', async () => {
    const inv = await writeFleetInventory(dir, hosts, lab)
    const r = await runCli(['scan', '--inventory', inv, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '10', '--json'])
    expect(r.code, r.stderr).toBe(4)
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.summary).toMatchObject({hosts: 4, failedHosts: 1})
    const by = Object.fromEntries(out.hosts.map((h) => [h.host, h]))
    expect(by.gone).toMatchObject({ok: false, domains: []})
    expect(by.gone?.error).toMatch(/127\.0\.0\.99|refused|connect/i)

    const sles = by['sles-a']!
    expect(sles.ok).toBe(true)
    expect(sles.facts?.os).toMatchObject({id: 'sles', versionId: '11.4'})
    expect(sles.facts?.toolstack).toMatchObject({xendRunning: true, inUse: 'xend'})
    expect(sles.facts?.xen?.version).toBe('4.4.4_02-32.1')
    const web = sles.domains.find((d) => d.source === `/${MANAGED}/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`)
    expect(web).toMatchObject({name: 'web01', state: 'blocked'})
    expect(sles.domains.find((d) => d.name === 'backup01')?.state).toBe('shut off')

    const wheezy = by['wheezy-b']!
    expect(wheezy.facts?.toolstack).toMatchObject({xendRunning: false, xm: false, xl: true, inUse: 'xl'})
    expect(wheezy.facts?.libvirt).toBeUndefined()

    const bookworm = by['bookworm-c']!
    expect(bookworm.facts?.libvirt).toEqual({version: '9.0.0', libxl: true})
    expect(bookworm.domains).toEqual([])
  })

  it('prints the failed host in the text table', async () => {
    const r = await runCli([
      'scan',
      '--host',
      `${lab.user}@127.0.0.4:${lab.port}`,
      '--host',
      `127.0.0.98:${lab.port}`,
      '--identity',
      lab.clientKeyFile,
      '--known-hosts',
      lab.knownHostsFile,
    ])
    expect(r.code).toBe(4)
    expect(r.stdout).toMatch(/^127\.0\.0\.98:\d+\s.*FAILED: /m)
    expect(r.stdout).toMatch(/^root@127\.0\.0\.4:\d+\s+debian 12\s+4\.17\.5-pre\s+libvirt\s+9\.0\.0 \(libxl\)/m)
  })
})

describe.skipIf(noSshd !== undefined)('xenlift scan resolves hosts through ~/.ssh/config', () => {
  it('an ssh alias with HostName/Port/IdentityFile from the config', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xenlift-scan-cfg-'))
    const h = await createSimHost({dir, name: 'aliased', profile: 'debian12-libvirt'})
    const lab = await startSshd({hosts: [{address: '127.0.3.1', name: h.name, root: h.root, pathPrepend: [h.binDir]}]})
    try {
      const home = path.join(dir, 'home')
      await import('node:fs/promises').then((fs) => fs.mkdir(path.join(home, '.ssh'), {recursive: true}))
      await writeFile(
        path.join(home, '.ssh', 'config'),
        `Host dom0-alias\n  HostName 127.0.3.1\n  Port ${lab.port}\n  IdentityFile ${lab.clientKeyFile}\n  UserKnownHostsFile ${lab.knownHostsFile}\n`,
      )
      const r = await runCli(['scan', '--host', 'dom0-alias', '--json'], {env: {HOME: home, SSH_AUTH_SOCK: ''}})
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as ScanResult
      expect(out.hosts[0]).toMatchObject({host: 'dom0-alias', ok: true, facts: {libvirt: {version: '9.0.0', libxl: true}}})
    } finally {
      await lab.stop()
      await rm(dir, {recursive: true, force: true})
    }
  }, 60_000)
})

describe.skipIf(noSshd !== undefined)('xenlift scan of 50 hosts', () => {
  let dir: string
  let lab: SshdLab
  let log: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-scan-50-'))
    log = path.join(dir, 'shared.log')
    const sims: SimHost[] = []
    for (let i = 0; i < 50; i++) {
      sims.push(
        await createSimHost({
          dir,
          name: `dom0-${String(i).padStart(2, '0')}`,
          profile: i % 2 ? 'sles11-xend' : 'debian7-xend',
          ...(i % 10 === 0 ? {tree: DEMO} : {}),
          sharedLog: log,
        }),
      )
    }
    lab = await startSshd({hosts: sims.map((h, i) => ({address: `127.0.1.${i + 1}`, name: h.name, root: h.root, pathPrepend: [h.binDir]}))})
    await writeFile(
      path.join(dir, 'fleet.ini'),
      ['[fleet]', ...sims.map((h, i) => `${h.name} ansible_host=127.0.1.${i + 1} ansible_port=${lab.port} xenlift_root=${h.root}`), ''].join('\n'),
    )
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('scans all 50 with at most --concurrency hosts in flight (seen in the stand-ins log)', async () => {
    const r = await runCli([
      'scan',
      '--inventory',
      path.join(dir, 'fleet.ini'),
      '--identity',
      lab.clientKeyFile,
      '--known-hosts',
      lab.knownHostsFile,
      '--concurrency',
      '10',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.summary).toMatchObject({hosts: 50, failedHosts: 0})
    expect(out.hosts.filter((h) => h.domains.some((d) => d.name === 'web01')).map((h) => h.host)).toEqual(['dom0-00', 'dom0-10', 'dom0-20', 'dom0-30', 'dom0-40'])
    expect(out.hosts.every((h) => h.facts?.toolstack?.inUse === 'xend')).toBe(true)
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean)
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(50)
    const inFlight = maxHostsInFlight(lines)
    expect(inFlight).toBeLessThanOrEqual(10)
    expect(inFlight).toBeGreaterThan(1)
  }, 120_000)
})
