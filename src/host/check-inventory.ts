import type {HostInventory, InventoryFile, PathProbe} from '../checks/host-inventory.js'
import {diskSourcesToProbe} from '../checks/probe-paths.js'
import {readInventory} from '../checks/run-checks.js'
import type {Transport} from '../transport/transport.js'
import type {RunningList} from './running-domains.js'
import {discoverConfigs, type Discovery} from './discover.js'
import {prefetch} from './gather.js'

/** Map what discovery found on a host to the inventory `check` reads (pure). */
export function inventoryFromDiscovery(host: string, d: Discovery, probes?: readonly PathProbe[]): HostInventory {
  const files: InventoryFile[] = d.configs.map((c) => ({path: c.path, text: c.text, role: c.role}))
  if (d.xendConfig) files.push({path: d.xendConfig.path, text: d.xendConfig.text, role: 'xend-config'})
  return {
    host,
    isHostTree: true,
    files,
    otherPaths: [...d.otherPaths].sort(),
    autoLinks: d.autoLinks,
    networkConfigs: d.networkConfigs,
    skipped: d.skipped.filter((s) => !(d.xendConfig && s.path === d.xendConfig.path)),
    readErrors: d.errors,
    ...(probes !== undefined ? {probes} : {}),
  }
}

/**
 * Discover a host's configs through a Transport (its files, below a root when one is set) and
 * probe the file-backed disk sources they name.
 */
export async function collectHostInventory(host: string, files: Transport): Promise<HostInventory> {
  const d = await discoverConfigs(files)
  const base = inventoryFromDiscovery(host, d)
  const probes: PathProbe[] = []
  // Each config parsed once: the disk paths here, the checks later (`runChecks` takes `reads`).
  const reads = readInventory(base.files)
  const paths = diskSourcesToProbe(base.files, reads)
  await prefetch(files, {paths})
  for (const p of paths) probes.push({path: p, exists: (await files.stat(p).catch(() => undefined)) !== undefined})
  return {...base, probes, reads}
}

/**
 * What a live host runs now, for MIG-LIVE: the names, or why they could not be listed (which
 * `check` reports as RUNNING-UNKNOWN). `check --host`, `scan` and `import` all go through here.
 */
export function withRunning(inv: HostInventory, live: Pick<RunningList, 'running' | 'error'>): HostInventory {
  return live.error !== undefined ? {...inv, runningError: live.error} : {...inv, running: live.running.map((r) => r.name)}
}
