import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd, writeFleetInventory} from '../helpers/sim-host/fleet.js'
import type {SshdLab} from '../helpers/sshd.js'

/** A simulated fleet behind real sshd, for the CLI tests of a describe block (set in its beforeAll). */
export interface SshFleet {
  /** The temp dir holding the hosts, the inventory and what the test writes. */
  dir: string
  lab: SshdLab
  hosts: SimHost[]
  /** Ansible INI inventory of the hosts (plus `gone`, where nothing listens, with `gone: true`). */
  inventory: string
  /** `--identity … --known-hosts … --timeout N` for every command that connects. */
  ssh: string[]
}

/**
 * Build the hosts in a fresh temp dir, start one sshd per host (127.0.0.2…), write the
 * inventory; stop and remove it all after the block. Call inside a `describe`.
 */
export function useSshFleet(name: string, build: (dir: string) => Promise<SimHost[]>, opts: {timeoutSec?: number; gone?: boolean; setupMs?: number} = {}): SshFleet {
  const f = {} as SshFleet
  beforeAll(async () => {
    f.dir = await mkdtemp(path.join(tmpdir(), `xenlift-${name}-`))
    f.hosts = await build(f.dir)
    f.lab = await startFleetSshd(f.hosts)
    f.inventory = await writeFleetInventory(f.dir, f.hosts, f.lab, {gone: opts.gone ?? false})
    f.ssh = ['--identity', f.lab.clientKeyFile, '--known-hosts', f.lab.knownHostsFile, '--timeout', String(opts.timeoutSec ?? 60)]
  }, opts.setupMs ?? 180_000)
  afterAll(async () => {
    await f.lab?.stop()
    if (f.dir) await rm(f.dir, {recursive: true, force: true})
  })
  return f
}

/** The hosts of `upgrade apply --json`'s final `result` line, by name. */
export function applyOutcomes(stdout: string): Map<string, {host: string; status: string; step?: string; message?: string}> {
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; hosts?: {host: string; status: string; step?: string; message?: string}[]})
  return new Map((lines.find((e) => e.type === 'result')?.hosts ?? []).map((h) => [h.host, h]))
}

/** How many stand-in commands matching `re` began, from a sim host's command log lines. */
export function begun(log: readonly string[], re: RegExp): number {
  return log.filter((l) => l.includes(' begin ') && re.test(l.split(' begin ')[1] as string)).length
}
