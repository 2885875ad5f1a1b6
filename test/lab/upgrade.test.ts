/**
 * `xenlift upgrade` on the real lab (issue 10, "On the real lab"): the booted Debian 12 dom0 is
 * made to look like a xend host (xend-host.ts), its guests are started with xm, then `upgrade
 * plan`, `apply --start` and `rollback` run over real SSH, and the result is read back from
 * the real Xen and the real libvirt libxl driver. Runs in the lab's one boot; leaves the lab as
 * it found it (restoreLab) for the other lab files.
 */
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {dom0, dom0Ok, guestUpCount, labSsh, plantXendHost, restoreLab, unitState, waitGuestUp, xlRunning, type XendTree} from './xend-host.js'

const lab = inject('xenLab')
const TREE: XendTree = {
  labpvUuid: '5d6c1e0a-4b7f-4c1e-9a3d-2f8e6b1c0a71',
  labvncUuid: '9e2b7c41-0d3a-4f65-8b1e-7a6c5d4e3f29',
  vncPassword: 'Lq7-vnc!',
}
const timings: Record<string, number> = {}
/**
 * What the guest kernel prints on its console when its orderly poweroff halts it (a destroy
 * prints nothing). The tiny guest's /sbin/poweroff runs as a kernel usermode helper without a
 * console, so its own "tiny-guest: poweroff requested" line never reaches the log.
 */
const HALTED = 'reboot: System halted'

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t = Date.now()
  try {
    return await f()
  } finally {
    timings[name] = Date.now() - t
  }
}

const gate = lab.skip
describe.skipIf(gate !== undefined)(`upgrade a xend host on the real lab${gate ? ` (SKIPPED: ${gate})` : ''}`, () => {
  let work = ''
  let hostFlags: string[] = []

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'xenlift-lab-upgrade-'))
    const ssh = labSsh()
    writeFileSync(join(work, 'known_hosts'), '')
    hostFlags = ['--host', `root@127.0.0.1:${ssh.port}`, '-i', ssh.keyFile, '--known-hosts', join(work, 'known_hosts'), '--accept-new-host-keys']
  })
  afterAll(async () => {
    await timed('restore lab', () => restoreLab())
    if (work) rmSync(work, {recursive: true, force: true})
    process.stdout.write(`[xen-lab] upgrade timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}\n`)
  })

  it('the planted dom0 is a xend host: xm starts its guests on the real Xen, libvirtd is off', async () => {
    await timed('plant', () => plantXendHost(TREE))
    expect(await unitState('libvirtd.service')).toBe('disabled inactive')
    expect(await unitState('xend.service')).toBe('enabled active')
    expect(await dom0Ok("sed -n 's/^TOOLSTACK=//p' /etc/default/xen")).toBe('xm\n')
    const before = {labpv: await guestUpCount('labpv'), labxm: await guestUpCount('labxm')}
    await timed('xm start + create', async () => {
      await dom0Ok('xm start labpv && xm create labxm')
      await Promise.all([waitGuestUp('labpv', before.labpv), waitGuestUp('labxm', before.labxm)])
    })
    expect((await xlRunning()).sort()).toEqual(['labpv', 'labxm'])
    const list = await dom0Ok('xm list')
    expect(list).toMatch(/^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)\n/)
    expect(list).toMatch(/^labpv\s+\d+\s+128\s+1\s/m)
    // xend's long listing is SXP (xl's is JSON): the managed config with the runtime keys.
    const long = await dom0Ok('xm list -l labpv')
    expect(long).toMatch(/^\(domain\n\s+\(domid \d+\)/)
    expect(long).toContain(`(uuid ${TREE.labpvUuid})`)
    // sxp.show quotes an atom only when it must: (name labxm), as xend printed it.
    expect(await dom0Ok('xm list -l labxm')).toMatch(/\(name labxm\)[\s\S]*\(kernel \/root\/guest\/vmlinuz\)/)
    // With xend stopped, xm fails as it did on a real host.
    await dom0Ok('systemctl stop xend')
    const stopped = await dom0('xm list')
    await dom0Ok('systemctl start xend')
    expect(stopped.code).toBe(1)
    expect(stopped.stderr).toContain('Is xend running?')
  })

  it('xenlift scan over SSH sees a xend host with its three domains', async () => {
    const r = await timed('scan', () => runCli(['scan', ...hostFlags, '--json']))
    expect(r.code, r.stderr).toBe(0)
    const host = (JSON.parse(r.stdout) as {hosts: {facts: {toolstack: {inUse: string}; libvirt?: {libxl: boolean}}; domains: {name: string; state?: string}[]}[]}).hosts[0]
    expect(host?.facts.toolstack.inUse).toBe('xend')
    expect(host?.facts.libvirt?.libxl).toBe(false)
    const states = Object.fromEntries((host?.domains ?? []).map((d) => [d.name, d.state]))
    expect(Object.keys(states).sort()).toEqual(['labpv', 'labvnc', 'labxm'])
    // xm's state column of a live guest: `r` while on a CPU, `b` (blocked) while it waits, as an
    // idle guest mostly does; either is a running domain that the shutdown step must stop.
    expect(states.labpv).toMatch(/^(running|blocked)$/)
    expect(states.labvnc).toBe('shut off')
    expect(r.stdout).not.toContain(TREE.vncPassword)
  })

  /** sha256 of every file of xend's tree and the toolstack setting in dom0, by path. */
  async function xendTreeDigest(): Promise<string> {
    return dom0Ok('cd / && find var/lib/xend/domains etc/xen -type f -o -type l | sort | xargs sha256sum; sha256sum etc/default/xen')
  }
  let treeBefore = ''
  const planFile = () => join(work, 'plan.json')
  const stateDir = () => join(work, 'state')
  const sshOnly = () => hostFlags.filter((f) => f !== '--host' && !f.startsWith('root@127.0.0.1'))

  it('upgrade plan over SSH: ready, with the two running guests to shut down and no password', async () => {
    treeBefore = await xendTreeDigest()
    const r = await timed('plan', () => runCli(['upgrade', 'plan', ...hostFlags, '--out', planFile(), '--timeout', '600']))
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const plan = readFileSync(planFile(), 'utf8')
    const doc = JSON.parse(plan) as {hosts: {status: string; strategy?: {id: string}; domains: {name: string}[]}[]}
    expect(doc.hosts[0]?.status).toBe('ready')
    expect(doc.hosts[0]?.strategy?.id).toBe('debian-apt')
    expect(doc.hosts[0]?.domains.map((d) => d.name).sort()).toEqual(['labpv', 'labvnc', 'labxm'])
    expect(r.stdout).toContain('$ xm shutdown -w labpv')
    expect(plan + r.stdout + r.stderr).not.toContain(TREE.vncPassword)
  })

  it('upgrade apply --start: guests shut down for real, backed up, libvirtd on, domains defined and booted again', async () => {
    const up = {labpv: await guestUpCount('labpv'), labxm: await guestUpCount('labxm')}
    const downs = await dom0Ok(`grep -c '${HALTED}' /var/log/xen/console/guest-labpv.log || true`)
    const r = await timed('apply --start', () =>
      runCli(['upgrade', 'apply', planFile(), '--start', '--yes', ...sshOnly(), '--state-dir', stateDir(), '--timeout', '600', '--shutdown-timeout', '600', '--restart-timeout', '600']),
    )
    expect(r.code, r.stderr + r.stdout).toBe(0)
    // Shut down, not destroyed: the guest kernel halted itself (its poweroff ran).
    expect(Number(await dom0Ok(`grep -c '${HALTED}' /var/log/xen/console/guest-labpv.log || true`))).toBeGreaterThan(Number(downs))
    // Booted again, by libvirt: a new /init on the console, and libxl's driver lists them running.
    await Promise.all([waitGuestUp('labpv', up.labpv), waitGuestUp('labxm', up.labxm)])
    expect(await unitState('libvirtd.service')).toBe('enabled active')
    expect(await unitState('xend.service')).toBe('disabled inactive')
    expect(await dom0Ok("sed -n 's/^TOOLSTACK=//p' /etc/default/xen")).toBe('xl\n')
    expect(await guestsInLibvirt('')).toEqual(['labpv', 'labxm'])
    expect(await guestsInLibvirt('--all')).toEqual(['labpv', 'labvnc', 'labxm'])
    expect((await dom0Ok(`virsh -c xen:///system domuuid labpv`)).trim()).toBe(TREE.labpvUuid)
    // The VNC password reached the real libvirt (issue 11), and only with --security-info.
    expect(await dom0Ok('virsh -c xen:///system dumpxml --security-info labvnc')).toMatch(new RegExp(`<graphics type='vnc'[^>]* passwd='${TREE.vncPassword.replace(/[-!]/g, (c) => `\\${c}`)}'`))
    expect(await dom0Ok('virsh -c xen:///system dumpxml labvnc')).not.toContain(TREE.vncPassword)
    // The backup on the controller: mode 0600, xend's tree inside.
    const backups = readdirSync(join(stateDir(), 'backups')).filter((f) => f.endsWith('.tar.gz'))
    expect(backups).toHaveLength(1)
    const backup = join(stateDir(), 'backups', backups[0] as string)
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    const hostSha = (await dom0Ok('sha256sum /var/lib/xenlift/backup-*.tar.gz')).split(' ')[0]
    expect(createHash('sha256').update(readFileSync(backup)).digest('hex')).toBe(hostSha)
    // No password in what the run printed, journaled or logged.
    expect(r.stdout + r.stderr).not.toContain(TREE.vncPassword)
    for (const f of walk(stateDir()).filter((p) => !p.includes(`${join(stateDir(), 'backups')}`))) expect(readFileSync(f, 'utf8'), f).not.toContain(TREE.vncPassword)
    expect(await dom0('grep -rl -- ' + `'${TREE.vncPassword}'` + ' /var/lib/xenlift/journal.jsonl /tmp')).toMatchObject({stdout: ''})
  })

  it('upgrade status reads the journal: the host is done', async () => {
    const r = await timed('status', () => runCli(['upgrade', 'status', planFile(), '--state-dir', stateDir(), '--json']))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/"done"/)
  })

  it('upgrade rollback: the xend tree and the toolstack setting come back, xend runs the guests again', async () => {
    const up = {labpv: await guestUpCount('labpv'), labxm: await guestUpCount('labxm')}
    const r = await timed('rollback', () => runCli(['upgrade', 'rollback', planFile(), '--yes', ...sshOnly(), '--state-dir', stateDir(), '--timeout', '600']))
    expect(r.code, r.stderr + r.stdout).toBe(0)
    expect(await xendTreeDigest()).toBe(treeBefore)
    expect(await dom0Ok("sed -n 's/^TOOLSTACK=//p' /etc/default/xen")).toBe('xm\n')
    expect(await unitState('xend.service')).toBe('enabled active')
    await Promise.all([waitGuestUp('labpv', up.labpv), waitGuestUp('labxm', up.labxm)])
    expect([...(await dom0Ok('xm list')).matchAll(/^(labpv|labxm)\s/gm)].map((m) => m[1]).sort()).toEqual(['labpv', 'labxm'])
    const defined = await dom0('virsh -c xen:///system list --all --name')
    if (defined.code === 0) expect(defined.stdout.split('\n').filter((n) => n !== '' && n !== 'Domain-0')).toEqual([])
    expect(r.stdout + r.stderr).not.toContain(TREE.vncPassword)
  })
})

/**
 * The guests libvirt lists (`virsh list --name`, with `--all` for the defined ones too): the
 * libxl driver lists dom0 itself as Domain-0, which is no guest of the upgrade.
 */
async function guestsInLibvirt(all: '' | '--all'): Promise<string[]> {
  return (await dom0Ok(`virsh -c xen:///system list ${all} --name`)).split('\n').filter((n) => n !== '' && n !== 'Domain-0').sort()
}

function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
}
