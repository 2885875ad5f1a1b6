import type {SnapshotProbe, SnapshotTree} from '../transport/snapshot.js'
import type {ExecResult, Transport} from '../transport/transport.js'
import {listRunning, type RunningDomain} from './running-domains.js'

export {parseXmList, type RunningDomain} from './running-domains.js'
import {collectPlatformFacts, PLATFORM_PROBES, PLATFORM_TREES, type PlatformFacts} from './platform-facts.js'

export interface OsFacts {
  /** `ID` of os-release (`debian`, `sles`), lower case. */
  readonly id: string
  readonly versionId?: string
  readonly prettyName: string
  /** The file it came from. */
  readonly source: string
}

export interface XenFacts {
  /** `4.4.4_02-32.1`: xen_major.xen_minor + xen_extra, as `xl info` prints xen_version. */
  readonly version: string
  readonly major: number
  readonly minor: number
  readonly extra: string
  readonly from: 'xl' | 'xm'
}

export interface ToolstackFacts {
  /** xend answers (`xm list` works) or its service says active. */
  readonly xendRunning: boolean
  /** `xm list` ran and succeeded. */
  readonly xm: boolean
  /** `xl info` ran and succeeded. */
  readonly xl: boolean
  /** Who manages domains now: xend if it runs, else libvirt if its libxl driver answers, else xl. */
  readonly inUse: 'xend' | 'libvirt' | 'xl' | 'none'
}

export interface LibvirtFacts {
  /** `virsh --version`. */
  readonly version: string
  /** `virsh -c xen:///system uri` answered: the libxl driver is usable. */
  readonly libxl: boolean
  /** First error line when the libxl driver did not answer. */
  readonly error?: string
}

export interface HostFacts {
  readonly os?: OsFacts
  readonly xen?: XenFacts
  /** Undefined for an offline root (a mounted tree: nothing can be run). */
  readonly toolstack?: ToolstackFacts
  readonly libvirt?: LibvirtFacts
  /** Firmware dir, CPU vendor, DRBD: what the target profile of a conversion needs. */
  readonly platform?: PlatformFacts
  /** Domains running under xend or xl now (not those libvirt runs). */
  readonly running: RunningDomain[]
  /** Set when the running domains could not be listed (not root, no --sudo): never read as "none running". */
  readonly runningError?: string
  /** Probes that failed or timed out, in words. */
  readonly notes: string[]
}

export interface CollectFactsOptions {
  /** A mounted root: read files only, run nothing (commands would describe this machine). */
  readonly offline?: boolean
  /** Per probe; a slow probe is noted, not fatal. Default 30 s. */
  readonly timeoutMs?: number
  /** Run probes under `sudo -n`. */
  readonly sudo?: boolean
}

/**
 * The files and commands `collectFacts` reads, for a host snapshot (gather.ts): all of them in
 * one round trip. Adding a fact that reads a file or runs a command: add one line here too (a
 * missing one still works, at the cost of a round trip). `when` mirrors the conditions below,
 * by index into FACT_PROBES, so a snapshot runs no more commands than collectFacts would (but
 * `modinfo`: PLATFORM_PROBES). The target profile's reads (platform-facts.ts) are in both lists.
 */
export const FACT_TREES: readonly SnapshotTree[] = [
  {path: '/etc/os-release', depth: 0},
  {path: '/usr/lib/os-release', depth: 0},
  {path: '/etc/SuSE-release', depth: 0},
  {path: '/etc/debian_version', depth: 0},
  {path: '/etc/redhat-release', depth: 0},
  ...PLATFORM_TREES,
]
export const FACT_PROBES: readonly SnapshotProbe[] = [
  /* 0 */ {argv: ['xm', 'list']},
  /* 1 */ {argv: ['xl', 'list'], when: [{probe: 0, ok: false}]},
  /* 2 */ {argv: ['virsh', '-c', 'xen:///system', 'list', '--name'], when: [{probe: 1, ok: true}]},
  /* 3 */ {argv: ['systemctl', 'is-active', 'xend'], when: [{probe: 0, ok: false}]},
  /* 4 */ {argv: ['xl', 'info']},
  /* 5 */ {argv: ['xm', 'info'], when: [{probe: 4, ok: false}, {probe: 0, ok: true}]},
  // Prints virsh's own version without connecting to libvirtd: needs no timeout(1).
  /* 6 */ {argv: ['virsh', '--version'], quick: true},
  /* 7 */ {argv: ['virsh', '-c', 'xen:///system', 'uri'], when: [{probe: 6, ok: true}]},
  ...PLATFORM_PROBES,
]

/**
 * What a migration needs to know about a dom0: OS, Xen version, which toolstack runs and
 * whether libvirt's libxl driver answers. Every probe runs with LC_ALL=C and a timeout; a probe
 * that fails is a fact ("xm does not work"), not an error. Only a lost connection throws.
 */
export async function collectFacts(t: Transport, opts: CollectFactsOptions = {}): Promise<HostFacts> {
  const notes: string[] = []
  const os = await readOs(t)
  if (opts.offline) {
    // A mounted root has its firmware files, but no /proc and nothing to run.
    const platform = await collectPlatformFacts(t, undefined)
    return {...(os ? {os} : {}), ...(Object.keys(platform).length > 0 ? {platform} : {}), running: [], notes}
  }
  const run = async (argv: string[]): Promise<ExecResult | undefined> => {
    try {
      return await t.exec(argv, {timeoutMs: opts.timeoutMs ?? 30_000, env: {LC_ALL: 'C'}, ...(opts.sudo ? {sudo: true} : {})})
    } catch (e) {
      // Both transports' timeout errors carry code TIMEOUT (local.ts, errors.ts).
      if ((e as {code?: unknown}).code === 'TIMEOUT') {
        notes.push(`\`${argv.join(' ')}\` timed out`)
        return undefined
      }
      throw e
    }
  }
  const ok = (r: ExecResult | undefined): r is ExecResult => r !== undefined && r.exitCode === 0
  const live = await listRunning(run)
  const xm = live.xm
  let xendRunning = xm
  if (!xm) {
    const svc = await run(['systemctl', 'is-active', 'xend'])
    xendRunning = ok(svc) && svc.stdout.trim() === 'active'
  }
  const xlInfo = await run(['xl', 'info'])
  const xl = ok(xlInfo)
  let xen = xl ? parseXenInfo(xlInfo.stdout, 'xl') : undefined
  if (!xen && xm) {
    const xmInfo = await run(['xm', 'info'])
    if (ok(xmInfo)) xen = parseXenInfo(xmInfo.stdout, 'xm')
  }
  let libvirt: LibvirtFacts | undefined
  const ver = await run(['virsh', '--version'])
  if (ok(ver) && /^\d+\.\d+/.test(ver.stdout.trim())) {
    const uri = await run(['virsh', '-c', 'xen:///system', 'uri'])
    const answered = ok(uri) && uri.stdout.trim().startsWith('xen:')
    const error = answered ? undefined : lastErrorLine(uri)
    libvirt = {version: ver.stdout.trim(), libxl: answered, ...(error ? {error} : {})}
  }
  const inUse = xendRunning ? 'xend' : libvirt?.libxl ? 'libvirt' : xl ? 'xl' : 'none'
  const platform = await collectPlatformFacts(t, xen, run)
  return {
    ...(os ? {os} : {}),
    ...(xen ? {xen} : {}),
    platform,
    toolstack: {xendRunning, xm, xl, inUse},
    ...(libvirt ? {libvirt} : {}),
    running: live.running,
    ...(live.error !== undefined ? {runningError: live.error} : {}),
    notes,
  }
}

async function readOs(t: Transport): Promise<OsFacts | undefined> {
  const text = async (p: string) => {
    try {
      return (await t.readFile(p)).toString('utf8')
    } catch {
      return undefined
    }
  }
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    const body = await text(p)
    if (body !== undefined) {
      const os = parseOsRelease(body, p)
      if (os) return os
    }
  }
  // Pre-os-release dom0s: SLES 11 has only /etc/SuSE-release.
  const suse = await text('/etc/SuSE-release')
  if (suse !== undefined) {
    const v = /^VERSION\s*=\s*(\S+)/m.exec(suse)?.[1]
    const sp = /^PATCHLEVEL\s*=\s*(\S+)/m.exec(suse)?.[1]
    const versionId = v !== undefined ? (sp !== undefined && sp !== '0' ? `${v}.${sp}` : v) : undefined
    return {id: 'sles', ...(versionId ? {versionId} : {}), prettyName: (suse.split('\n')[0] ?? 'SUSE').trim(), source: '/etc/SuSE-release'}
  }
  const deb = await text('/etc/debian_version')
  if (deb !== undefined) return {id: 'debian', versionId: deb.trim(), prettyName: `Debian ${deb.trim()}`, source: '/etc/debian_version'}
  const rh = await text('/etc/redhat-release')
  if (rh !== undefined) return {id: 'rhel', prettyName: rh.trim(), source: '/etc/redhat-release'}
  return undefined
}

/** Parse os-release(5): `KEY=value` with optional shell quoting. */
export function parseOsRelease(text: string, source = '/etc/os-release'): OsFacts | undefined {
  const vars: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) vars[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1')
  }
  if (!vars.ID && !vars.NAME) return undefined
  const id = (vars.ID ?? vars.NAME ?? '').toLowerCase()
  return {id, ...(vars.VERSION_ID ? {versionId: vars.VERSION_ID} : {}), prettyName: vars.PRETTY_NAME ?? `${vars.NAME ?? id} ${vars.VERSION ?? ''}`.trim(), source}
}

/** `xl info` / `xm info`: `key : value` lines with xen_major/xen_minor/xen_extra. */
export function parseXenInfo(text: string, from: 'xl' | 'xm'): XenFacts | undefined {
  const kv: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s*:\s?(.*)$/.exec(line)
    if (m) kv[m[1] as string] = (m[2] as string).trim()
  }
  const major = Number(kv.xen_major)
  const minor = Number(kv.xen_minor)
  if (!Number.isInteger(major) || !Number.isInteger(minor) || kv.xen_major === undefined) return undefined
  const extra = kv.xen_extra ?? ''
  return {version: `${major}.${minor}${extra}`, major, minor, extra, from}
}

/** Words for a six-letter state: `r-----` → running. */
export function describeXenState(state: string): string {
  const words: Record<string, string> = {r: 'running', b: 'blocked', p: 'paused', s: 'shutdown', c: 'crashed', d: 'dying'}
  const set = [...state].filter((c) => c !== '-').map((c) => words[c] ?? c)
  return set.length ? set.join(',') : 'idle'
}

function lastErrorLine(r: ExecResult | undefined): string | undefined {
  if (!r) return 'timed out'
  const lines = `${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.at(-1)?.replace(/^error:\s*/, '')
}
