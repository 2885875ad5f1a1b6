import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ImportResult} from '../../src/commands/import.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const WEB01_SXP = '/var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp'
const BACKUP01_SXP = '/var/lib/xend/domains/c81b7f2e-3d49-4e0a-b6f5-7a2d9e1c4b38/config.sxp'

describe.skipIf(sshdUnavailableReason() !== undefined)('xenlift import over SSH into simulated libvirt hosts', () => {
  let dir: string
  let lab: SshdLab
  let target: SimHost
  let inv: string
  let ssh: string[]
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-import-cli-'))
    // An upgraded host: libvirt 9.0 with libxl, the old xend tree still on disk.
    target = await createSimHost({dir, name: 'upgraded', profile: 'debian12-libvirt', tree: DEMO})
    const old = await createSimHost({dir, name: 'still-xend', profile: 'debian7-xend', tree: DEMO})
    lab = await startSshd({
      hosts: [target, old].map((h, i) => ({address: `127.0.2.${i + 1}`, name: h.name, root: h.root, pathPrepend: [h.binDir]})),
    })
    inv = path.join(dir, 'hosts.ini')
    await writeFile(inv, `upgraded ansible_host=127.0.2.1 ansible_port=${lab.port} xenlift_root=${target.root}\nstill-xend ansible_host=127.0.2.2 ansible_port=${lab.port} xenlift_root=${old.root}\n`)
    ssh = ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile]
  }, 60_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('--dry-run prints what would be defined with a diff, and defines nothing', async () => {
    const r = await runCli(['import', '--inventory', inv, '--limit', 'upgraded', '--dry-run', ...ssh])
    expect(r.code, r.stderr).toBe(3) // backup01 (PVSCSI, checkpoint.chk) and build07 (Python) are blocked
    expect(r.stdout).toMatch(/^upgraded: web01: changed \(dry run\): would define from \/var\/lib\/xend\/domains\/6f1c3a52/m)
    expect(r.stdout).toContain('    --- /dev/null')
    expect(r.stdout).toContain('    +  <name>web01</name>')
    expect(r.stdout).toMatch(/^upgraded: backup01: skipped: not defined: 2 blockers \(PVSCSI, XL-STATE-001\)/m)
    expect(r.stdout).toMatch(/^ {4}blocker: .*config\.sxp:\d+:\d+: .*\[PVSCSI\]$/m)
    expect(r.stdout).toMatch(/^upgraded: web01: skipped: duplicate of \/var\/lib\/xend/m)
    // /etc/xen/auto/mail01 -> ../mail01: xendomains started it at boot
    const auto = await runCli(['import', '--inventory', inv, '--limit', 'upgraded', '--dry-run', '--autostart', ...ssh])
    expect(auto.stdout).toMatch(/^upgraded: mail01: changed \(dry run\): would define from \/etc\/xen\/mail01 and mark it autostart$/m)
    expect(auto.stdout).toMatch(/^upgraded: db01: changed \(dry run\): would define from \/etc\/xen\/db01\.cfg$/m)
    expect(await target.libvirtDomains()).toEqual({})
  }, 180_000)

  it('--libvirt-version aims the XML at another libvirt (11.3 writes format=raw on the loader)', async () => {
    const r = await runCli(['import', '--inventory', inv, '--limit', 'upgraded', '--dry-run', '--libvirt-version', '11.3.0', '--json', ...ssh])
    const out = JSON.parse(r.stdout) as ImportResult
    expect(out.hosts[0]?.libvirtVersion).toBe('11.3.0')
    const hvm = out.hosts[0]?.domains.find((d) => d.name === "Bob's win2k8")
    expect(hvm?.diff).toContain("+    <loader type='rom' format='raw'>/usr/lib/xen/boot/hvmloader</loader>")
    expect((await runCli(['import', '--libvirt-version', 'nine', '--dry-run'])).code).toBe(2)
  }, 180_000)

  it('defines once, then reports unchanged; a host without libvirt fails alone (exit 4)', async () => {
    const first = await runCli(['import', '--inventory', inv, '--json', ...ssh])
    expect(first.code, first.stderr).toBe(4)
    const a = JSON.parse(first.stdout) as ImportResult
    const still = a.hosts.find((h) => h.host === 'still-xend')
    expect(still).toMatchObject({ok: false})
    expect(still?.error).toMatch(/libxl driver .* does not answer/)
    const up = a.hosts.find((h) => h.host === 'upgraded')!
    const status = Object.fromEntries(up.domains.filter((d) => d.action !== 'duplicate').map((d) => [d.name, d.status]))
    expect(status).toEqual({"Bob's win2k8": 'changed', backup01: 'skipped', build07: 'skipped', db01: 'changed', mail01: 'changed', web01: 'changed'})
    expect(up.libvirtVersion).toBe('9.0.0')
    expect(await target.libvirtDomains()).toMatchObject({web01: '6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10', mail01: '4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a'})
    expect(await target.libvirtXml('web01')).toContain('<name>web01</name>')
    expect(up.domains.find((d) => d.name === 'web01' && d.status === 'changed')?.source).toBe(WEB01_SXP)

    const second = await runCli(['import', '--inventory', inv, '--limit', 'upgraded', '--json', ...ssh])
    expect(second.code).toBe(3)
    const b = JSON.parse(second.stdout) as ImportResult
    expect(b.summary).toMatchObject({changed: 0, failed: 0})
    expect(b.hosts[0]?.domains.filter((d) => d.status === 'ok').map((d) => d.name).sort()).toEqual(["Bob's win2k8", 'db01', 'mail01', 'web01'])
  }, 180_000)

  it('--force defines a blocked domain and --start starts it; output says blockers were overridden', async () => {
    const r = await runCli(['import', path.join(DEMO, BACKUP01_SXP), '--host', `127.0.2.1:${lab.port}`, '--force', '--start', ...ssh])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/backup01: changed: defined from .*config\.sxp \(blockers overridden by --force\); started/)
    expect((await target.libvirtDomains()).backup01).toBe('c81b7f2e-3d49-4e0a-b6f5-7a2d9e1c4b38')
  }, 180_000)
})
