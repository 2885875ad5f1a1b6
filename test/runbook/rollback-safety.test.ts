/**
 * Rollback over real sshd with the CLI: a host lock of another run is never removed (the host is
 * refused, the owner named, nothing done).
 */
import {mkdir, readFile, writeFile} from 'node:fs/promises'
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

describe.skipIf(noSshd !== undefined)('upgrade rollback removes only its own lock', () => {
  const f = useSshFleet('rollback-safety', async (dir) => [await cleanXendHost(dir, 'rb-lock', {failInstall: true})], {gone: false, setupMs: 120_000})
  const host = (name: string) => f.hosts.find((h) => h.name === name) as SimHost

  it('another run\'s lock refuses the host: the owner named, the lock and the host as they were', async () => {
    const planFile = path.join(f.dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', f.inventory, ...f.ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(0)
    const stateDir = path.join(f.dir, 'state')
    const r = await runCli(['upgrade', 'apply', planFile, '--start', '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    expect(applyOutcomes(r.stdout).get('rb-lock')).toMatchObject({status: 'failed', step: 'switch'})
    expect(await unit(host('rb-lock'), 'xend')).toBe('disabled inactive')
    // another run took the host over after this run stopped
    const lockFile = path.join(host('rb-lock').root, 'var/lib/xenlift/lock')
    await mkdir(path.dirname(lockFile), {recursive: true})
    await writeFile(lockFile, FOREIGN_LOCK)
    const MUTATING = /^(systemctl (enable|start|stop|disable)|xm (start|create)|virsh -c \S+ (undefine|destroy))/
    const before = begun(await host('rb-lock').commandLog(), MUTATING)

    const rb = await runCli(['upgrade', 'rollback', planFile, '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    expect(rb.code, rb.stderr).toBe(1)
    const [out] = (JSON.parse(rb.stdout) as {hosts: {host: string; status: string; message: string; actions: string[]}[]}).hosts
    expect(out?.status).toBe('refused')
    expect(out?.message).toMatch(/lock \/var\/lib\/xenlift\/lock belongs to run their-run from ops@elsewhere .*nothing done/)
    expect(await readFile(lockFile, 'utf8')).toBe(FOREIGN_LOCK)
    expect(await unit(host('rb-lock'), 'xend')).toBe('disabled inactive')
    expect(begun(await host('rb-lock').commandLog(), MUTATING)).toBe(before)
  }, 600_000)
})
