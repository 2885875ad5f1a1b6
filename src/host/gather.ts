import type {SnapshotRequest} from '../transport/snapshot.js'
import {SnapshotView} from '../transport/snapshot-view.js'
import type {Transport} from '../transport/transport.js'
import {DISCOVERY_TREES, MAX_CONFIG_BYTES} from './discover.js'
import {FACT_PROBES, FACT_TREES} from './facts.js'

export interface GatherOptions {
  /** Per probe. */
  readonly timeoutMs?: number
  /** Probes under `sudo -n` (as `collectFacts` runs them). */
  readonly sudo?: boolean
  /**
   * Part of it only: `configs` (the config trees, no commands: the old root below which import
   * reads), `facts` (the facts and the target profile, no configs: the host import defines on
   * when its configs come from elsewhere). Default: both.
   */
  readonly only?: 'configs' | 'facts'
}

/**
 * Read a host's facts and configs in one round trip: a snapshot of what `collectFacts` and
 * `discoverConfigs` ask for (FACT_TREES/FACT_PROBES, DISCOVERY_TREES), returned as a Transport
 * that answers those calls from it. `collectFacts(view)` and `discoverConfigs(view)` then give
 * what they give over `t` itself. When `t` cannot take a snapshot (a mounted root read
 * locally, a host without `sh`/`readlink`/`od`) this is `t`: file by file, as before.
 */
export async function gatherHost(t: Transport, opts: GatherOptions = {}): Promise<Transport> {
  if (!t.snapshot) return t
  const request: SnapshotRequest = {
    trees: opts.only === 'configs' ? DISCOVERY_TREES : opts.only === 'facts' ? FACT_TREES : [...FACT_TREES, ...DISCOVERY_TREES],
    probes: opts.only === 'configs' ? [] : FACT_PROBES,
    maxFileBytes: MAX_CONFIG_BYTES,
    ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
    ...(opts.sudo ? {sudo: true} : {}),
  }
  const snap = await t.snapshot(request)
  return snap ? new SnapshotView(t, snap, request) : t
}

/**
 * Run several commands in one round trip ahead of their `exec` calls on a gathered host
 * (`xm list -l NAME` for each running domain without a config). No-op on a plain transport.
 */
export async function prefetchCommands(t: Transport, argvs: readonly (readonly string[])[], opts: Omit<GatherOptions, 'only'> = {}): Promise<void> {
  if (!(t instanceof SnapshotView) || argvs.length < 2 || !t.inner.snapshot) return
  const request: SnapshotRequest = {
    trees: [],
    probes: argvs.map((argv) => ({argv})),
    maxFileBytes: 0,
    ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
    ...(opts.sudo ? {sudo: true} : {}),
  }
  const snap = await t.inner.snapshot(request)
  if (snap) t.add(request, snap)
}

/**
 * Look up several paths (type and size, no contents) in one round trip ahead of their `stat`
 * calls on a gathered host: the disk images `check` probes. No-op on a plain transport.
 */
export async function prefetchPaths(t: Transport, paths: readonly string[]): Promise<void> {
  const absolute = paths.filter((p) => p.startsWith('/'))
  if (!(t instanceof SnapshotView) || absolute.length < 2 || !t.inner.snapshot) return
  const request: SnapshotRequest = {trees: absolute.map((p) => ({path: p, depth: 0, contents: false})), probes: [], maxFileBytes: 0}
  const snap = await t.inner.snapshot(request)
  if (snap) t.add(request, snap)
}
