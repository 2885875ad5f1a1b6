import pLimit from 'p-limit'
import {readConfig} from '../convert/convert.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {Domain, GuestKind} from '../model/domain.js'
import type {SourceFormat} from '../model/read-result.js'
import {readInventory, runChecks, sharedReads} from '../checks/run-checks.js'
import type {Transport} from '../transport/transport.js'
import type {HostProgress} from '../ui/host-progress.js'
import {discoverConfigs, type DiscoveredConfig} from './discover.js'
import {inventoryFromDiscovery, withRunning} from './check-inventory.js'
import {collectFacts, describeXenState, type HostFacts} from './facts.js'
import {gatherHost, prefetch} from './gather.js'

/** One domain as `scan` lists it (the `--json` contract, schemaVersion 1). */
export interface ScannedDomain {
  readonly name: string
  readonly uuid?: string
  readonly kind: GuestKind
  /** Current memory, KiB. */
  readonly memoryKiB: number
  readonly maxMemoryKiB: number
  readonly vcpus: number
  /** `xvda=/dev/vg/web01` per disk. */
  readonly disks: string[]
  /** `00:16:3e:…@xenbr0` per NIC (`auto` when no MAC is set). */
  readonly interfaces: string[]
  /** Host path of the config it was read from. */
  readonly source: string
  readonly format: SourceFormat
  /** `runtime`: running under xend with no config file found; read from `xm list -l`. */
  readonly role: DiscoveredConfig['role'] | 'runtime'
  /** Started at boot (xend `on_xend_start start`, /etc/xen/auto). */
  readonly autostart: boolean
  /** From `xm list`/`xl list`: `running`, `blocked`, …, `shut off`; absent when unknown (offline root). */
  readonly state?: string
  /** `xenlift check`'s findings for this domain (unwaived), by severity. */
  readonly findings: FindingCounts
  readonly diagnostics: Diagnostic[]
}

/** Findings per severity, as `check` counts them for the domain (unwaived). */
export interface FindingCounts {
  readonly blocker: number
  readonly warning: number
  readonly info: number
}

export interface HostScan {
  /** Inventory name (or `local`, or the --root dir). */
  readonly host: string
  readonly ok: boolean
  /** Why the host could not be scanned (unreachable, auth, timeout). */
  readonly error?: string
  readonly facts?: HostFacts
  readonly domains: ScannedDomain[]
  readonly skipped: {readonly path: string; readonly reason: string}[]
  /** Files that could not be read or parsed at all. */
  readonly errors: {readonly path: string; readonly message: string}[]
}

export interface ScanTarget {
  readonly name: string
  /** Open the transport (connect); its failure marks the host failed, never the fleet. */
  open(): Promise<Transport>
  /** A mounted root: read files only. */
  readonly offline?: boolean
}

export interface ScanOptions {
  readonly concurrency?: number
  /** Per remote command. */
  readonly timeoutMs?: number
  readonly progress?: HostProgress
  readonly sudo?: boolean
}

/**
 * Scan a fleet: at most `concurrency` hosts at once (p-limit; default 10), each connect →
 * facts → discover → read. A host that fails is a result with `ok: false`; the others go on.
 * Results are sorted by host name (deterministic output).
 */
export async function scanFleet(targets: readonly ScanTarget[], opts: ScanOptions = {}): Promise<HostScan[]> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 10))
  const results = await Promise.all(targets.map((target) => limit(() => scanTarget(target, opts))))
  return results.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
}

async function scanTarget(target: ScanTarget, opts: ScanOptions): Promise<HostScan> {
  const p = opts.progress
  p?.start(target.name, 'connecting')
  let t: Transport | undefined
  try {
    t = await target.open()
    const scan = await scanHost(t, {
      offline: target.offline ?? false,
      ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
      ...(opts.sudo ? {sudo: true} : {}),
      onStep: (s) => p?.update(target.name, s),
    })
    p?.done(target.name, `${scan.domains.length} domain${scan.domains.length === 1 ? '' : 's'}`)
    return {host: target.name, ...scan}
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    p?.fail(target.name, message)
    return {host: target.name, ok: false, error: message, domains: [], skipped: [], errors: []}
  } finally {
    await t?.close().catch(() => {})
  }
}

/** Scan one host through an open transport. Throws only when the host itself fails (connection lost). */
export async function scanHost(
  host: Transport,
  opts: {offline?: boolean; timeoutMs?: number; sudo?: boolean; onStep?: (title: string) => void} = {},
): Promise<Omit<HostScan, 'host'>> {
  opts.onStep?.('gathering')
  const probeOpts = {...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
  // One round trip for the facts and every config (gather.ts); the calls below then read from it.
  const t = opts.offline ? host : await gatherHost(host, probeOpts)
  opts.onStep?.('facts')
  const facts = await collectFacts(t, {
    ...(opts.offline ? {offline: true} : {}),
    ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
    ...(opts.sudo ? {sudo: true} : {}),
  })
  opts.onStep?.('finding configs')
  const found = await discoverConfigs(t)
  opts.onStep?.(`reading ${found.configs.length} configs`)
  const running = new Map(facts.running.map((r) => [r.name, r]))
  // "shut off" only when the running list is known; a login that may not run xm list knows nothing.
  const knowsState = facts.toolstack !== undefined && facts.toolstack.inUse !== 'none' && facts.runningError === undefined
  const read: {domain: Domain; cfg: ScanConfig; ds: Diagnostic[]; state?: string}[] = []
  const errors = [...found.errors]
  // Each config parsed once: the listing below and the checks share these reads.
  const inventory = inventoryFromDiscovery('host', found)
  const reads = readInventory(inventory.files)
  // Check's read where scan's (in the discovered format) would be the same.
  const readOf = sharedReads(reads)
  for (const cfg of found.configs) {
    const base = cfg.path.slice(cfg.path.lastIndexOf('/') + 1)
    const r = readOf(cfg) ?? readConfig(cfg.text, {file: cfg.path, baseName: base, from: cfg.format})
    if ('skip' in r) continue
    const fileErrors = r.diagnostics.filter((d) => d.severity === 'error')
    if (r.domains.length === 0 && fileErrors.length > 0) {
      errors.push({path: cfg.path, message: fileErrors.map((d) => d.message).join('; ')})
      continue
    }
    for (const {domain, diagnostics} of r.domains) {
      const live = running.get(domain.name)
      const state = live ? describeXenState(live.state) : knowsState ? 'shut off' : undefined
      read.push({domain, cfg, ds: [...r.diagnostics, ...diagnostics], ...(state !== undefined ? {state} : {})})
    }
  }
  // A domain xend runs that no config on disk describes (started with `xm create` from a file
  // elsewhere, since deleted or moved): xend's own SXP of it is the only definition left.
  const runtime: ScanConfig[] = []
  if (facts.toolstack?.xm) {
    const known = new Set(read.map((d) => d.domain.name))
    const orphans = facts.running.filter((x) => !known.has(x.name))
    await prefetch(t, {commands: orphans.map((r) => ['xm', 'list', '-l', r.name])}, probeOpts)
    for (const r of orphans) {
      opts.onStep?.(`reading xm list -l ${r.name}`)
      const dump = await t.exec(['xm', 'list', '-l', r.name], {env: {LC_ALL: 'C'}, ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})})
      const source = `xm list -l ${r.name}`
      if (dump.exitCode !== 0) {
        errors.push({path: source, message: dump.stderr.trim() || `exit ${dump.exitCode}`})
        continue
      }
      const rd = readConfig(dump.stdout, {file: source, from: 'sxp'})
      if ('skip' in rd) continue
      if (rd.domains.length === 0) {
        const why = rd.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)
        errors.push({path: source, message: why.join('; ') || 'no domain in xend\'s dump'})
      }
      const cfg: ScanConfig = {path: source, realPath: source, text: dump.stdout, format: 'sxp', role: 'runtime', autostartLinks: []}
      runtime.push(cfg)
      for (const {domain, diagnostics} of rd.domains) read.push({domain, cfg, ds: [...rd.diagnostics, ...diagnostics], state: describeXenState(r.state)})
    }
  }
  // The same rules as `xenlift check` (runtime dumps included), so scan and check count the same findings.
  const withDumps = {...inventory, files: [...inventory.files, ...runtime.map((c) => ({path: c.path, text: c.text, role: 'loose' as const}))], reads}
  const report = runChecks([facts.toolstack ? withRunning(withDumps, {running: facts.running, ...(facts.runningError !== undefined ? {error: facts.runningError} : {})}) : withDumps])
  const checked = new Map(report.hosts.flatMap((h) => h.domains).map((d) => [`${d.file}\u0000${d.name}`, {blocker: d.blocker, warning: d.warning, info: d.info}]))
  const domains = read.map((d) => summarise(d.domain, d.cfg, d.ds, d.state, checked.get(`${d.cfg.path}\u0000${d.domain.name}`) ?? {blocker: 0, warning: 0, info: 0}))
  domains.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.source < b.source ? -1 : 1))
  return {ok: true, facts, domains, skipped: found.skipped, errors}
}

type ScanConfig = Omit<DiscoveredConfig, 'role'> & {role: ScannedDomain['role']}

function summarise(d: Domain, cfg: ScanConfig, ds: Diagnostic[], state: string | undefined, findings: FindingCounts): ScannedDomain {
  return {
    name: d.name,
    ...(d.uuid !== undefined ? {uuid: d.uuid} : {}),
    kind: d.os.kind,
    memoryKiB: d.currentMemoryKiB || d.maxMemoryKiB,
    maxMemoryKiB: d.maxMemoryKiB,
    vcpus: d.vcpu.max,
    disks: d.devices.disks.map((k) => `${k.target.dev}=${k.source?.file ?? k.source?.dev ?? k.source?.name ?? '(empty)'}`),
    interfaces: d.devices.interfaces.map((n) => `${n.mac ?? 'auto'}@${n.source?.bridge ?? n.source?.network ?? n.type}`),
    source: cfg.path,
    format: cfg.format,
    role: cfg.role,
    autostart: cfg.autostartLinks.length > 0 || d.autostart === true,
    ...(state !== undefined ? {state} : {}),
    findings,
    diagnostics: ds,
  }
}
