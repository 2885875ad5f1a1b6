import pLimit from 'p-limit'
import type {HostInventory} from '../checks/host-inventory.js'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import {collectHostInventory, withRunning} from './check-inventory.js'
import {collectFacts} from './facts.js'
import {gatherHost} from './gather.js'
import {openHost, type HostTarget} from './open-host.js'

export interface FleetCollectOptions {
  readonly concurrency: number
  readonly ssh?: SshTransportOptions
  /** Per probe on a live host. */
  readonly timeoutMs?: number
  readonly sudo?: boolean
}

/**
 * Build one `check` inventory per host, `concurrency` at a time: discovery over the host's
 * Transport, and on a live host the running domains (MIG-LIVE). A host that cannot be reached
 * becomes an inventory marked unreachable, so the fleet report still names it and the gate fails.
 */
export async function collectFleet(targets: readonly HostTarget[], opts: FleetCollectOptions): Promise<HostInventory[]> {
  const limit = pLimit(opts.concurrency)
  return Promise.all(targets.map((t) => limit(() => collectOne(t, opts))))
}

async function collectOne(t: HostTarget, opts: FleetCollectOptions): Promise<HostInventory> {
  let opened: Awaited<ReturnType<typeof openHost>> | undefined
  try {
    opened = await openHost(t, opts.ssh ?? {})
    const probeOpts = {...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
    // Files and the running domains in one round trip (gather.ts); exec still runs on the host, not below its root.
    const files = opened.offline ? opened.files : await gatherHost(opened.files, probeOpts)
    const inv = await collectHostInventory(t.name, files)
    if (opened.offline) return inv
    const facts = await collectFacts(files, probeOpts)
    return withRunning(inv, {running: facts.running, ...(facts.runningError !== undefined ? {error: facts.runningError} : {})})
  } catch (error) {
    return {host: t.name, isHostTree: true, files: [], otherPaths: [], autoLinks: [], networkConfigs: [], unreachable: (error as Error).message}
  } finally {
    if (opened) {
      await opened.files.close().catch(() => undefined)
      if (opened.transport !== opened.files) await opened.transport.close().catch(() => undefined)
    }
  }
}
