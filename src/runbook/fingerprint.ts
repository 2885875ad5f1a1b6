import {createHash} from 'node:crypto'
import {LIBXL_URI} from '../host/import-domains.js'
import type {Transport} from '../transport/transport.js'
import {ETC_XEN_DIR, XEND_DOMAINS_DIR} from './host-paths.js'
import type {Fingerprint, FingerprintInputs, TreeDigest} from './plan-document.js'
import type {UpgradeStrategy} from './strategy.js'

export interface FingerprintOptions {
  readonly timeoutMs?: number
  readonly sudo?: boolean
}

/**
 * The inputs a plan depends on, read from the host: xend's domain tree, /etc/xen, the toolstack
 * setting, the versions of the packages the strategy cares about, libvirt's defined domains.
 * `files` reads the dom0 tree (below its root), `exec` runs on the host.
 */
export async function collectFingerprint(exec: Transport, files: Transport, strategy: UpgradeStrategy | undefined, opts: FingerprintOptions = {}): Promise<Fingerprint> {
  const execOpts = {env: {LC_ALL: 'C'}, ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
  const toolstackSetting: Record<string, string> = {}
  for (const p of strategy?.toolstackFiles ?? []) {
    const st = await files.stat(p).catch(() => undefined)
    if (st?.type === 'file') toolstackSetting[p] = sha256((await files.readFile(p)).toString('binary'))
  }
  const packages: Record<string, string> = {}
  if (strategy) {
    const r = await exec.exec(strategy.packageQuery, execOpts)
    const installed = parsePackageList(r.exitCode === 0 ? r.stdout : '')
    for (const name of strategy.fingerprintPackages) packages[name] = installed.get(name) ?? '(not installed)'
  }
  const list = await exec.exec(VIRSH_LIST, execOpts).catch(() => undefined)
  const libvirtDomains = list && list.exitCode === 0 ? parseVirshNameUuid(list.stdout) : []
  const inputs: FingerprintInputs = {
    xendDomains: await treeDigest(files, XEND_DOMAINS_DIR),
    etcXen: await treeDigest(files, ETC_XEN_DIR),
    toolstackSetting,
    packages,
    libvirtDomains,
  }
  return {sha256: fingerprintHash(inputs), inputs}
}

const VIRSH_LIST = ['virsh', '-c', LIBXL_URI, 'list', '--all', '--uuid', '--name'] as const

/**
 * What `collectFingerprint` runs and reads on the host besides the xend trees, for a caller that
 * looks them up ahead in one round trip (`prefetch` on a gathered host).
 */
export function fingerprintReads(strategy: UpgradeStrategy | undefined): {files: readonly string[]; commands: readonly (readonly string[])[]} {
  return {files: strategy?.toolstackFiles ?? [], commands: [...(strategy ? [strategy.packageQuery] : []), VIRSH_LIST]}
}

/** sha256 of the canonical (key-sorted) JSON of the inputs. */
export function fingerprintHash(inputs: FingerprintInputs): string {
  return sha256(canonicalJson(inputs))
}

/** The inputs that differ between two fingerprints, in words (for "plan is stale"). */
export function fingerprintChanges(before: FingerprintInputs, after: FingerprintInputs): string[] {
  const out: string[] = []
  if (before.xendDomains.sha256 !== after.xendDomains.sha256) out.push(`${before.xendDomains.path} changed`)
  if (before.etcXen.sha256 !== after.etcXen.sha256) out.push(`${before.etcXen.path} changed`)
  if (canonicalJson(before.toolstackSetting) !== canonicalJson(after.toolstackSetting)) out.push('the toolstack setting changed')
  for (const name of new Set([...Object.keys(before.packages), ...Object.keys(after.packages)])) {
    if (before.packages[name] !== after.packages[name]) out.push(`package ${name}: ${before.packages[name] ?? '?'} → ${after.packages[name] ?? '?'}`)
  }
  if (canonicalJson(before.libvirtDomains) !== canonicalJson(after.libvirtDomains)) out.push("libvirt's defined domains changed")
  return out
}

/** `name<TAB>version` lines (dpkg-query / rpm --qf) → map. */
export function parsePackageList(text: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const [name, version] = line.split('\t')
    if (name && version !== undefined && version.trim() !== '') m.set(name.trim(), version.trim())
  }
  return m
}

/** `virsh list --all --uuid --name` prints `uuid name` per line (libvirt ≥ 7); older ones one column. */
export function parseVirshNameUuid(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [a, b] = l.split(/\s+/)
      return b !== undefined ? `${b} ${a}` : (a as string)
    })
    .sort()
}

async function treeDigest(t: Transport, root: string): Promise<TreeDigest> {
  const h = createHash('sha256')
  let files = 0
  let bytes = 0
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8) return
    const entries = await t.readdir(dir).catch(() => [])
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = `${dir}/${e.name}`
      if (e.type === 'directory') await walk(p, depth + 1)
      else if (e.type === 'symlink') {
        h.update(`L ${p} -> ${await t.realpath(p).catch(() => '(dangling)')}\n`)
        files++
      } else if (e.type === 'file') {
        const data = await t.readFile(p)
        h.update(`F ${p} ${data.length} ${createHash('sha256').update(data).digest('hex')}\n`)
        files++
        bytes += data.length
      }
    }
  }
  await walk(root, 0)
  return {path: root, sha256: h.digest('hex'), files, bytes}
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val !== null && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val,
  )
}
