import pLimit from 'p-limit'
import {DEFAULT_LIBVIRT_VERSION, parseVersion, targetFor} from '../formats/libvirt/target.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {HostProgress} from '../ui/host-progress.js'
import type {HostInventory} from '../checks/host-inventory.js'
import {inventoryFromDiscovery, withRunning} from './check-inventory.js'
import {discoverConfigs} from './discover.js'
import {gatherHost} from './gather.js'
import {importDomains, LIBXL_URI, type ImportOptions, type ImportOutcome} from './import-domains.js'
import {importItemsFrom, looseInventory, type ImportSource} from './import-sources.js'
import {listRunning} from './running-domains.js'
import {collectPlatformFacts, targetProfileFromFacts} from './platform-facts.js'
import type {OpenedHost} from './open-host.js'

export interface HostImport {
  readonly host: string
  readonly ok: boolean
  readonly error?: string
  /** The libvirt version the XML was written for. */
  readonly libvirtVersion?: string
  readonly domains: ImportOutcome[]
  /** Configs that could not be read at all. */
  readonly fileErrors: {readonly path: string; readonly diagnostics: Diagnostic[]}[]
}

export interface ImportFleetOptions extends ImportOptions {
  /** Configs given on the command line (read on this machine); absent = discover on each host. */
  readonly sources?: readonly ImportSource[]
  /** Aim the XML at this libvirt; default: the host's `virsh --version`. */
  readonly libvirtVersion?: string
  readonly concurrency?: number
  readonly progress?: HostProgress
}

/** Import on every host (bounded concurrency); a host that fails is a result, not an exception. */
export async function importFleet(
  targets: readonly {readonly name: string; open(): Promise<OpenedHost>}[],
  opts: ImportFleetOptions,
): Promise<HostImport[]> {
  const limit = pLimit(Math.max(1, opts.concurrency ?? 10))
  const results = await Promise.all(targets.map((t) => limit(() => importHost(t, opts))))
  return results.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
}

async function importHost(target: {readonly name: string; open(): Promise<OpenedHost>}, opts: ImportFleetOptions): Promise<HostImport> {
  const p = opts.progress
  p?.start(target.name, 'connecting')
  let host: OpenedHost | undefined
  try {
    host = await target.open()
    if (host.offline) throw new Error('a mounted root cannot be imported into; run import on the host itself')
    const probeOpts = {...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
    const execOpts = {env: {LC_ALL: 'C'}, ...probeOpts}
    // What import asks the host before it defines anything (libvirt's version and driver, the
    // running domains, the target profile and, without a root or --file, the configs) in one
    // round trip (gather.ts): the exec and file calls below are answered from it.
    const ownConfigs = opts.sources === undefined && host.files === host.transport
    const t = await gatherHost(host.transport, {...probeOpts, ...(ownConfigs ? {} : {only: 'facts'})})
    p?.update(target.name, 'checking libvirt')
    const uri = await t.exec(['virsh', '-c', LIBXL_URI, 'uri'], execOpts)
    if (uri.exitCode !== 0) {
      const why = `${uri.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.replace(/^error:\s*/, '') ?? `exit ${uri.exitCode}`
      throw new Error(`libvirt's libxl driver (${LIBXL_URI}) does not answer: ${why}`)
    }
    let version = opts.libvirtVersion
    if (version === undefined) {
      const v = await t.exec(['virsh', '--version'], execOpts)
      version = v.exitCode === 0 && parseVersion(v.stdout.trim()) ? v.stdout.trim() : DEFAULT_LIBVIRT_VERSION
    }
    let sources = opts.sources
    let inventory: HostInventory
    if (sources === undefined) {
      p?.update(target.name, 'finding configs')
      // Every config in one round trip (gather.ts), not one SFTP call per file.
      const found = await discoverConfigs(ownConfigs ? t : await gatherHost(host.files, {only: 'configs'}))
      sources = found.configs.map((c) => ({path: c.path, text: c.text, role: c.role, ...(c.autostartLinks.length ? {autostart: true} : {})}))
      inventory = inventoryFromDiscovery(target.name, found)
    } else inventory = looseInventory(sources)
    // What runs now, as `check --host` sees it: MIG-LIVE (or RUNNING-UNKNOWN) stops the same domains here.
    p?.update(target.name, 'listing running domains')
    const live = await listRunning((argv) => t.exec(argv, execOpts))
    // The XML names the host's own firmware, CPU vendor and DRBD devices (the target profile).
    const platform = await collectPlatformFacts(t, undefined, (argv) => t.exec(argv, execOpts).catch(() => undefined))
    const libvirtTarget = targetFor(version, {profile: targetProfileFromFacts({platform}, target.name)})
    const {items, fileErrors} = importItemsFrom(sources, libvirtTarget, withRunning(inventory, live))
    p?.update(target.name, `${opts.dryRun ? 'planning' : 'defining'} ${items.length} domains`)
    const domains = await importDomains(t, items, {...opts, target: libvirtTarget})
    const count = (s: string) => domains.filter((d) => d.status === s).length
    p?.done(target.name, `${count('changed')} changed, ${count('ok')} ok, ${count('skipped')} skipped, ${count('failed')} failed`)
    return {host: target.name, ok: true, libvirtVersion: version, domains, fileErrors}
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    p?.fail(target.name, message)
    return {host: target.name, ok: false, error: message, domains: [], fileErrors: []}
  } finally {
    await host?.transport.close().catch(() => {})
  }
}
