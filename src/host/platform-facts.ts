/**
 * Facts of a dom0 that change the converted XML (the target profile): where its Xen firmware
 * lives, its CPU vendor and its DRBD release. Probes read files where they can (a mounted root
 * has the firmware but no /proc) and never fail: what cannot be learnt stays undefined and the
 * conversion assumes it, saying so.
 */
import {type CpuVendor, type TargetProfile, targetProfile} from '../formats/target-profile.js'
import type {SnapshotProbe, SnapshotTree} from '../transport/snapshot.js'
import type {Transport} from '../transport/transport.js'
import type {HostFacts} from './facts.js'

export interface PlatformFacts {
  /** The hvmloader found on the host (Debian 12: /usr/lib/xen-4.17/boot/hvmloader). */
  readonly hvmLoader?: string
  /** From /proc/cpuinfo `vendor_id` (GenuineIntel, AuthenticAMD). */
  readonly cpuVendor?: CpuVendor
  /** The DRBD kernel module: /proc/drbd when loaded, else `modinfo -F version drbd`. */
  readonly drbd?: {readonly version: string; readonly major: number; readonly minor: number}
}

/** Where distributions install hvmloader when it is not in a versioned /usr/lib/xen-X.Y (Debian). */
const FIRMWARE_DIRS = ['/usr/lib/xen/boot', '/usr/lib64/xen/boot', '/usr/libexec/xen/boot']

/**
 * What `collectPlatformFacts` reads and runs, for the host snapshot (gather.ts via FACT_TREES and
 * FACT_PROBES), so the target profile costs no round trip of its own. Keep in step with the
 * reads below: /usr/lib's names (not its contents) for the versioned dirs, every hvmloader
 * place, /proc/cpuinfo and /proc/drbd. `modinfo` runs whether or not /proc/drbd answers (a
 * probe cannot depend on a file; it is one cheap read-only command) and is used only when
 * /proc/drbd has no version, as below.
 */
export const PLATFORM_TREES: readonly SnapshotTree[] = [
  {path: '/usr/lib', depth: 1, contents: false},
  {path: '/usr/lib/xen-*/boot/hvmloader', depth: 0, contents: false, glob: true},
  ...FIRMWARE_DIRS.map((d) => ({path: `${d}/hvmloader`, depth: 0, contents: false})),
  {path: '/proc/cpuinfo', depth: 0},
  {path: '/proc/drbd', depth: 0},
]
// modinfo reads the module files on disk: needs no timeout(1).
export const PLATFORM_PROBES: readonly SnapshotProbe[] = [{argv: ['modinfo', '-F', 'version', 'drbd'], quick: true}]

/**
 * Probe the platform facts. `run` runs a command (undefined result: not run or timed out);
 * absent for a mounted root, where only files are read.
 */
export async function collectPlatformFacts(
  t: Transport,
  xen: {readonly major: number; readonly minor: number} | undefined,
  run?: (argv: string[]) => Promise<{readonly stdout: string; readonly exitCode: number | null} | undefined>,
): Promise<PlatformFacts> {
  const hvmLoader = await findHvmLoader(t, xen)
  const live = run !== undefined
  const cpuinfo = live ? await readText(t, '/proc/cpuinfo') : undefined
  const cpuVendor = cpuinfo !== undefined ? parseCpuVendor(cpuinfo) : undefined
  let drbd: PlatformFacts['drbd']
  if (live) {
    const proc = await readText(t, '/proc/drbd')
    drbd = proc !== undefined ? parseDrbdVersion(proc) : undefined
    if (drbd === undefined) {
      const mod = await run(['modinfo', '-F', 'version', 'drbd'])
      if (mod?.exitCode === 0) drbd = parseDrbdVersion(`version: ${mod.stdout.trim()}`)
    }
  }
  return {...(hvmLoader !== undefined ? {hvmLoader} : {}), ...(cpuVendor !== undefined ? {cpuVendor} : {}), ...(drbd !== undefined ? {drbd} : {})}
}

/** The running Xen's versioned dir first (Debian), then the newest versioned one, then the plain ones. */
async function findHvmLoader(t: Transport, xen: {readonly major: number; readonly minor: number} | undefined): Promise<string | undefined> {
  const versioned: string[] = []
  try {
    for (const e of await t.readdir('/usr/lib')) {
      const m = /^xen-(\d+)\.(\d+)$/.exec(e.name)
      if (m) versioned.push(e.name)
    }
  } catch {
    // no /usr/lib listing: try the fixed places only
  }
  const num = (n: string) => n.slice(4).split('.').map(Number) as [number, number]
  versioned.sort((a, b) => num(b)[0] - num(a)[0] || num(b)[1] - num(a)[1])
  const own = xen !== undefined ? `xen-${xen.major}.${xen.minor}` : undefined
  if (own !== undefined && versioned.includes(own)) versioned.sort((a, b) => Number(b === own) - Number(a === own))
  for (const dir of [...versioned.map((v) => `/usr/lib/${v}/boot`), ...FIRMWARE_DIRS]) {
    const st = await t.stat(`${dir}/hvmloader`).catch(() => undefined)
    if (st?.type === 'file') return `${dir}/hvmloader`
  }
  return undefined
}

async function readText(t: Transport, path: string): Promise<string | undefined> {
  try {
    return (await t.readFile(path)).toString('utf8')
  } catch {
    return undefined
  }
}

/** `vendor_id : AuthenticAMD` → amd; GenuineIntel → intel; anything else unknown. */
export function parseCpuVendor(cpuinfo: string): CpuVendor | undefined {
  const v = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo)?.[1]
  return v === 'AuthenticAMD' || v === 'HygonGenuine' ? 'amd' : v === 'GenuineIntel' ? 'intel' : undefined
}

/** `version: 8.4.11 (api:1/proto:86-101)` (/proc/drbd's first line). */
export function parseDrbdVersion(text: string): PlatformFacts['drbd'] {
  const m = /^version:\s*((\d+)\.(\d+)[^\s]*)/m.exec(text)
  return m ? {version: m[1] as string, major: Number(m[2]), minor: Number(m[3])} : undefined
}

/**
 * The target profile of a host from its facts: what was found is known, the rest assumed. The
 * upgrade runbook fills it from the facts of the host after its upgrade.
 */
export function targetProfileFromFacts(facts: Pick<HostFacts, 'platform'>, host?: string): TargetProfile {
  const p = facts.platform
  const loader = p?.hvmLoader
  return targetProfile({
    ...(loader !== undefined ? {firmwareDir: loader.slice(0, loader.lastIndexOf('/'))} : {}),
    ...(p?.cpuVendor !== undefined ? {cpuVendor: p.cpuVendor} : {}),
    ...(p?.drbd !== undefined ? {drbdVersion: [p.drbd.major, p.drbd.minor] as const} : {}),
    ...(host !== undefined ? {host} : {}),
  })
}
