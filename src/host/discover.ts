import {detectFormat} from '../formats/detect.js'
import type {SourceFormat} from '../model/read-result.js'
import type {SnapshotTree} from '../transport/snapshot.js'
import type {Transport} from '../transport/transport.js'

/** A domain config found on a host. Paths are host paths (inside `--root` when one is set). */
export interface DiscoveredConfig {
  readonly path: string
  /** The path with symlinks resolved (what de-duplication compares). */
  readonly realPath: string
  readonly text: string
  readonly format: SourceFormat
  /** `managed-sxp`: xend's /var/lib/xend/domains/<uuid>/config.sxp; `etc-xen`: a config under /etc/xen. */
  readonly role: 'managed-sxp' | 'etc-xen'
  /** The xend domain directory name (normally the domain's UUID). */
  readonly domainDir?: string
  /** `checkpoint.chk` beside a managed config: a saved state libxl cannot restore (XL-STATE-001). */
  readonly checkpoint?: string
  /** `/etc/xen/auto` links that point at this file (xendomains starts it at boot). */
  readonly autostartLinks: string[]
}

export interface Discovery {
  readonly configs: DiscoveredConfig[]
  /** Files looked at and passed over on purpose (xend-config.sxp, backups, xl.conf, binaries). */
  readonly skipped: {readonly path: string; readonly reason: string}[]
  /** Every /etc/xen/auto entry with its resolved target (absent when dangling). */
  readonly autoLinks: {readonly path: string; readonly target?: string}[]
  /** Paths that matter but are not configs: checkpoint.chk, /var/lib/xen/save/* images. */
  readonly otherPaths: string[]
  /** xend's daemon config (network-script etc.), when present. */
  readonly xendConfig?: {readonly path: string; readonly text: string}
  /** Distro network configs, to know which bridges the host itself creates. */
  readonly networkConfigs: {readonly path: string; readonly text: string}[]
  /** Paths that could not be read. */
  readonly errors: {readonly path: string; readonly message: string}[]
}

const MANAGED_DIR = '/var/lib/xend/domains'
const ETC_XEN = '/etc/xen'
const SAVE_DIR = '/var/lib/xen/save'
/** Not entered under /etc/xen: helper scripts, and auto/ which is handled as links. */
const SKIP_DIRS = new Set(['scripts', 'auto'])
const MAX_DEPTH = 4
/** A real domain config is a few KiB; anything far bigger is not one (a disk image left in /etc/xen). */
export const MAX_CONFIG_BYTES = 1024 * 1024

/**
 * What `discoverConfigs` reads, as trees for a host snapshot (gather.ts), so a whole dom0 is
 * read in one round trip. Keep in step with the walk below: a path missing here still works
 * (the snapshot passes it to the host) but costs a round trip.
 */
export const DISCOVERY_TREES: readonly SnapshotTree[] = [
  {path: MANAGED_DIR, depth: 2},
  {path: ETC_XEN, depth: MAX_DEPTH, skip: [...SKIP_DIRS].map((d) => `${ETC_XEN}/${d}`)},
  {path: `${ETC_XEN}/auto`, depth: 1},
  {path: SAVE_DIR, depth: 1, contents: false},
  {path: '/etc/network/interfaces', depth: 0},
  {path: '/etc/network/interfaces.d', depth: 1},
  {path: '/etc/sysconfig/network', depth: 1},
  {path: '/etc/sysconfig/network-scripts', depth: 1},
]

/**
 * Find every domain config on a host through a Transport: xend's managed domains
 * (`/var/lib/xend/domains/*\/config.sxp`, with `checkpoint.chk` noted), configs under /etc/xen
 * (walked, minus scripts/ and the non-config files of xen-formats.md §1, detected by content),
 * and /etc/xen/auto links, de-duplicated by realpath so a linked config is read once and marked
 * autostart. The one place that knows this layout: scan, import and check all use it.
 */
export async function discoverConfigs(t: Transport): Promise<Discovery> {
  const d: MutableDiscovery = {configs: [], skipped: [], autoLinks: [], otherPaths: [], networkConfigs: [], errors: []}
  const seen = new Map<string, MutableConfig>()
  await discoverManaged(t, d, seen)
  await walkEtcXen(t, ETC_XEN, 0, d, seen)
  await discoverAutoLinks(t, d, seen)
  for (const e of await listDir(t, SAVE_DIR, d, false)) if (e.type === 'file') d.otherPaths.push(`${SAVE_DIR}/${e.name}`)
  d.networkConfigs.push(...(await readNetworkConfigs(t)))
  d.configs.sort((a, b) => cmp(a.path, b.path))
  return d
}

type MutableConfig = {-readonly [K in keyof DiscoveredConfig]: DiscoveredConfig[K]}
type MutableDiscovery = {-readonly [K in keyof Discovery]: Discovery[K]}

async function discoverManaged(t: Transport, d: MutableDiscovery, seen: Map<string, MutableConfig>): Promise<void> {
  for (const dir of await listDir(t, MANAGED_DIR, d, false)) {
    if (dir.type !== 'directory') continue
    const base = `${MANAGED_DIR}/${dir.name}`
    const entries = await listDir(t, base, d, true)
    const names = new Set(entries.map((e) => e.name))
    const checkpoint = names.has('checkpoint.chk') ? `${base}/checkpoint.chk` : undefined
    if (checkpoint) d.otherPaths.push(checkpoint)
    for (const e of entries) if (e.name !== 'config.sxp' && e.name !== 'checkpoint.chk') d.skipped.push({path: `${base}/${e.name}`, reason: 'xend domain state, not configuration'})
    if (!names.has('config.sxp')) continue
    const cfg = await readConfig(t, `${base}/config.sxp`, 'managed-sxp', d, seen)
    if (cfg) {
      cfg.domainDir = dir.name
      if (checkpoint) cfg.checkpoint = checkpoint
    }
  }
}

async function walkEtcXen(t: Transport, dir: string, depth: number, d: MutableDiscovery, seen: Map<string, MutableConfig>): Promise<void> {
  for (const e of await listDir(t, dir, d, depth > 0)) {
    const p = `${dir}/${e.name}`
    if (e.type === 'directory') {
      if (depth === 0 && SKIP_DIRS.has(e.name)) {
        if (e.name === 'scripts') d.skipped.push({path: p, reason: 'helper scripts, not configs'})
        continue
      }
      if (depth + 1 >= MAX_DEPTH) d.skipped.push({path: p, reason: 'too deep below /etc/xen'})
      else await walkEtcXen(t, p, depth + 1, d, seen)
      continue
    }
    if (e.type === 'file' || e.type === 'symlink') {
      if (depth === 0 && e.name === 'xend-config.sxp') {
        try {
          d.xendConfig = {path: p, text: (await t.readFile(p)).toString('utf8')}
        } catch (error) {
          d.errors.push({path: p, message: message(error)})
        }
      }
      await readConfig(t, p, 'etc-xen', d, seen)
    }
  }
}

async function discoverAutoLinks(t: Transport, d: MutableDiscovery, seen: Map<string, MutableConfig>): Promise<void> {
  for (const e of await listDir(t, `${ETC_XEN}/auto`, d, false)) {
    const p = `${ETC_XEN}/auto/${e.name}`
    let target: string | undefined
    try {
      target = await t.realpath(p)
    } catch {
      target = undefined
    }
    d.autoLinks.push({path: p, ...(target !== undefined ? {target} : {})})
    if (target === undefined) {
      d.errors.push({path: p, message: 'dangling /etc/xen/auto link (its target does not exist)'})
      continue
    }
    // A link (or a copied file) whose target was not found elsewhere is read here.
    const cfg = seen.get(target) ?? (await readConfig(t, p, 'etc-xen', d, seen))
    if (cfg) cfg.autostartLinks.push(p)
  }
}

async function readConfig(
  t: Transport,
  p: string,
  role: DiscoveredConfig['role'],
  d: MutableDiscovery,
  seen: Map<string, MutableConfig>,
): Promise<MutableConfig | undefined> {
  let realPath: string
  try {
    realPath = await t.realpath(p)
  } catch (error) {
    d.errors.push({path: p, message: message(error)})
    return undefined
  }
  const dup = seen.get(realPath)
  if (dup) {
    d.skipped.push({path: p, reason: `same file as ${dup.path}`})
    return undefined
  }
  const st = await t.stat(realPath)
  if (st?.type !== 'file') {
    d.skipped.push({path: p, reason: 'not a regular file'})
    return undefined
  }
  if (st.size > MAX_CONFIG_BYTES) {
    d.skipped.push({path: p, reason: `too large for a domain config (${st.size} bytes)`})
    return undefined
  }
  let text: string
  try {
    text = (await t.readFile(realPath)).toString('utf8')
  } catch (error) {
    d.errors.push({path: p, message: message(error)})
    return undefined
  }
  const base = p.slice(p.lastIndexOf('/') + 1)
  const det = detectFormat(text, base)
  if ('skip' in det) {
    d.skipped.push({path: p, reason: det.skip})
    return undefined
  }
  const cfg: MutableConfig = {path: p, realPath, text, format: det.format, role, autostartLinks: []}
  seen.set(realPath, cfg)
  d.configs.push(cfg)
  return cfg
}

async function readNetworkConfigs(t: Transport): Promise<{path: string; text: string}[]> {
  const out: {path: string; text: string}[] = []
  const tryRead = async (p: string) => {
    try {
      out.push({path: p, text: (await t.readFile(p)).toString('utf8')})
    } catch {
      // Absent on this distro.
    }
  }
  await tryRead('/etc/network/interfaces')
  const quiet: MutableDiscovery = {configs: [], skipped: [], autoLinks: [], otherPaths: [], networkConfigs: [], errors: []}
  for (const e of await listDir(t, '/etc/network/interfaces.d', quiet, false)) await tryRead(`/etc/network/interfaces.d/${e.name}`)
  for (const dir of ['/etc/sysconfig/network', '/etc/sysconfig/network-scripts']) {
    for (const e of await listDir(t, dir, quiet, false)) if (e.name.startsWith('ifcfg-')) await tryRead(`${dir}/${e.name}`)
  }
  return out
}

/** readdir that treats a missing directory as empty (and records other failures when asked). */
async function listDir(t: Transport, p: string, d: MutableDiscovery, report: boolean) {
  const st = await t.stat(p).catch(() => undefined)
  if (!st) return []
  try {
    return (await t.readdir(p)).sort((a, b) => cmp(a.name, b.name))
  } catch (error) {
    if (report || st.type === 'directory') d.errors.push({path: p, message: message(error)})
    return []
  }
}

function message(error: unknown): string {
  const e = error as NodeJS.ErrnoException
  if (e.code === 'EACCES') return 'permission denied'
  if (e.code === 'ENOENT') return 'no such file or directory'
  return e.message ?? String(error)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
