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

/** What to look up ahead of its calls on a gathered host, in one round trip. */
export interface Prefetch {
  /** Type and size, no contents (the disk images `check` probes). */
  readonly paths?: readonly string[]
  /** With their contents (the toolstack setting the fingerprint hashes). */
  readonly files?: readonly string[]
  /** Commands whose `exec` is then answered from it (`xm list -l NAME`, the fingerprint's queries). */
  readonly commands?: readonly (readonly string[])[]
}

/**
 * Look up paths, files and commands in one round trip ahead of their `stat`/`readFile`/`exec`
 * calls on a gathered host. No-op on a plain transport, and for a single item (one round trip
 * either way).
 */
export async function prefetch(t: Transport, what: Prefetch, opts: Omit<GatherOptions, 'only'> = {}): Promise<void> {
  const paths = (what.paths ?? []).filter((p) => p.startsWith('/'))
  const files = (what.files ?? []).filter((p) => p.startsWith('/'))
  const commands = what.commands ?? []
  if (!(t instanceof SnapshotView) || paths.length + files.length + commands.length < 2 || !t.inner.snapshot) return
  const request: SnapshotRequest = {
    trees: [...paths.map((p) => ({path: p, depth: 0, contents: false})), ...files.map((p) => ({path: p, depth: 0}))],
    probes: commands.map((argv) => ({argv})),
    maxFileBytes: files.length > 0 ? MAX_CONFIG_BYTES : 0,
    ...(commands.length > 0 && opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}),
    ...(commands.length > 0 && opts.sudo ? {sudo: true} : {}),
  }
  const snap = await t.inner.snapshot(request)
  if (snap) t.add(request, snap)
}
