/**
 * Rollback over real sshd with the CLI puts a host back as it was, not as a default: xend's
 * services enabled only if they were and started only if they ran (recorded by preflight before
 * the switch; restored in one remote command), an old journal without that record keeps the old behaviour and says so, and a
 * host lock of another run is never removed (the host is refused, the owner named).
 */
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {LocalTransport} from '../../src/transport/local.js'
import {runCli} from '../helpers/cli.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'
import {applyOutcomes, begun, useSshFleet} from './ssh-fleet.js'
import {cleanXendHost} from './upgrade-hosts.js'

const noSshd = sshdUnavailableReason()
const FOREIGN_LOCK = '{"controller":"ops@elsewhere","runId":"their-run","since":"2026-12-07T10:00:00Z"}\n'

/** `<is-enabled> <is-active>` of a unit on a simulated host, read with its systemctl. */
async function unit(h: SimHost, u: string): Promise<string> {
  const t = new LocalTransport({env: h.env})
  const e = await t.exec(['systemctl', 'is-enabled', u])
  const a = await t.exec(['systemctl', 'is-active', u])
  return `${e.stdout.trim()} ${a.stdout.trim()}`
}

async function systemctl(h: SimHost, ...args: string[]): Promise<void> {
  const r = await new LocalTransport({env: h.env}).exec(['systemctl', ...args])
  if (r.exitCode !== 0) throw new Error(`systemctl ${args.join(' ')}: ${r.stderr}`)
}

describe.skipIf(noSshd !== undefined)('upgrade rollback restores what was there, and only its own lock', () => {
  const f = useSshFleet('rollback-safety', async (dir) => {
    const off = await cleanXendHost(dir, 'rb-off')
    const on = await cleanXendHost(dir, 'rb-on', {profile: 'sles11-xend'})
    const old = await cleanXendHost(dir, 'rb-old')
    const lock = await cleanXendHost(dir, 'rb-lock', {failInstall: true})
    // rb-off, rb-old: the admin had switched xendomains off; rb-on (SUSE): it ran
    for (const h of [off, old]) await systemctl(h, 'disable', 'xendomains')
    await systemctl(on, 'start', 'xendomains')
    return [off, on, old, lock]
  }, {gone: false, setupMs: 120_000})
  const host = (name: string) => f.hosts.find((h) => h.name === name) as SimHost

  it('enables only what was enabled, starts only what ran; an old journal says so; another run\'s lock refuses the host', async () => {
    expect(await unit(host('rb-off'), 'xendomains')).toBe('disabled inactive')
    expect(await unit(host('rb-on'), 'xendomains')).toBe('enabled active')
    const planFile = path.join(f.dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', f.inventory, ...f.ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(0)
    const stateDir = path.join(f.dir, 'state')
    const r = await runCli(['upgrade', 'apply', planFile, '--start', '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    const by = applyOutcomes(r.stdout)
    for (const name of ['rb-off', 'rb-on', 'rb-old']) expect(by.get(name)?.status, `${name}: ${r.stderr}`).toBe('done')
    expect(by.get('rb-lock')).toMatchObject({status: 'failed', step: 'switch'})
    for (const h of f.hosts) expect(await unit(h, 'xend'), h.name).toBe('disabled inactive')

    const {planId} = JSON.parse(await readFile(planFile, 'utf8')) as {planId: string}
    // xend's services took one remote command in preflight (their state) and one in the switch
    // (stop and disable), not one per unit and verb; the stand-ins still saw each systemctl call
    const offDir = path.join(stateDir, planId, 'rb-off')
    const remote = await readFile(path.join(offDir, (await readdir(offDir)).find((n) => n.endsWith('.log')) as string), 'utf8')
    expect(remote.match(/ xenlift-units xendomains xend -> exit 0/g)).toHaveLength(1)
    expect(remote.match(/ xenlift-units-off xendomains xend -> exit 0/g)).toHaveLength(1)
    expect(remote).not.toMatch(/\$ systemctl (stop|disable|is-active|is-enabled) /)
    expect(begun(await host('rb-off').commandLog(), /^systemctl stop (xendomains|xend)$/)).toBe(2)
    expect(begun(await host('rb-off').commandLog(), /^systemctl disable xend$/)).toBe(1)

    // rb-old: as journaled by a xenlift without the record (preflight's data has no `services`)
    const oldDir = path.join(stateDir, planId, 'rb-old')
    const journal = path.join(oldDir, (await readdir(oldDir)).find((n) => n.endsWith('.jsonl')) as string)
    const lines = (await readFile(journal, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as {type: string; step?: string; data?: {services?: unknown}})
    const pre = lines.find((e) => e.type === 'step-end' && e.step === 'preflight')
    expect(pre?.data?.services).toEqual([
      {unit: 'xendomains', enabled: 'disabled', active: 'inactive'},
      {unit: 'xend', enabled: 'enabled', active: 'active'},
    ])
    delete pre?.data?.services
    await writeFile(journal, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
    // rb-lock: another run took the host over after this run stopped
    const lockFile = path.join(host('rb-lock').root, 'var/lib/xenlift/lock')
    await mkdir(path.dirname(lockFile), {recursive: true})
    await writeFile(lockFile, FOREIGN_LOCK)
    const MUTATING = /^(systemctl (enable|start|stop|disable)|tar|rm|sh -c|xm (start|create)|virsh -c \S+ (undefine|destroy))/
    const before = begun(await host('rb-lock').commandLog(), MUTATING)

    const rb = await runCli(['upgrade', 'rollback', planFile, '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    expect(rb.code, rb.stderr).toBe(4)
    const out = new Map((JSON.parse(rb.stdout) as {hosts: {host: string; status: string; message: string; actions: string[]}[]}).hosts.map((h) => [h.host, h]))
    for (const name of ['rb-off', 'rb-on', 'rb-old']) expect(out.get(name)?.status, `${name}: ${out.get(name)?.message}`).toBe('done')

    // rb-off: xendomains stays disabled and stopped, xend enabled and running with app01
    expect(await unit(host('rb-off'), 'xendomains')).toBe('disabled inactive')
    expect(await unit(host('rb-off'), 'xend')).toBe('enabled active')
    expect(out.get('rb-off')?.actions).toContain('xendomains was disabled and inactive before the upgrade: not enabled and not started')
    expect(begun(await host('rb-off').commandLog(), /^systemctl (enable|start) xendomains/)).toBe(0)
    // xend's enable and start took one remote command (the stand-ins still saw each call)
    const after = await readFile(path.join(offDir, (await readdir(offDir)).find((n) => n.endsWith('.log')) as string), 'utf8')
    expect(after.match(/ xenlift-units-on enable xend start xend -> exit 0/g)).toHaveLength(1)
    expect(after).not.toMatch(/\$ systemctl (enable|start) xend(domains)? /)
    expect(begun(await host('rb-off').commandLog(), /^systemctl (enable|start) xend$/)).toBe(2)
    expect((await new LocalTransport({env: host('rb-off').env}).exec(['xm', 'list'])).stdout).toMatch(/^app01 /m)
    // rb-on (SUSE): both enabled and running again, xendomains after the domains
    expect(await unit(host('rb-on'), 'xendomains')).toBe('enabled active')
    expect(await unit(host('rb-on'), 'xend')).toBe('enabled active')
    expect(out.get('rb-on')?.actions.filter((a) => a.startsWith('systemctl') || a.startsWith('xm'))).toEqual(['systemctl enable xend', 'systemctl enable xendomains', 'systemctl start xend', `xm start app01`, 'systemctl start xendomains'])
    // rb-old: the behaviour before the record, and the output says so
    expect(await unit(host('rb-old'), 'xendomains')).toBe('enabled inactive')
    expect(await unit(host('rb-old'), 'xend')).toBe('enabled active')
    expect(out.get('rb-old')?.message).toMatch(/the journal predates the record of xend's services .*xend and xendomains enabled, xend started/)
    expect(rb.stderr).toMatch(/rb-old: the journal predates the record/)

    // rb-lock: refused, the owner named, the lock and the host as they were
    expect(out.get('rb-lock')?.status).toBe('refused')
    expect(out.get('rb-lock')?.message).toMatch(/lock \/var\/lib\/xenlift\/lock belongs to run their-run from ops@elsewhere .*nothing done/)
    expect(await readFile(lockFile, 'utf8')).toBe(FOREIGN_LOCK)
    expect(await unit(host('rb-lock'), 'xend')).toBe('disabled inactive')
    expect(begun(await host('rb-lock').commandLog(), MUTATING)).toBe(before)
  }, 600_000)
})
