import {parseHostAddress, type HostSpec} from '../inventory/host-spec.js'
import {type LoadedSshConfig, loadSshConfig, resolveInventoryHost} from '../inventory/ssh-config.js'
import {connectSsh, type SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import {LocalTransport} from '../transport/local.js'
import type {Transport} from '../transport/transport.js'
import {RootedTransport} from './rooted-transport.js'

/** A host to work on: this machine, or one reached over SSH. */
export type HostTarget =
  | {readonly kind: 'local'; readonly name: string; readonly root?: string}
  | {readonly kind: 'ssh'; readonly name: string; readonly spec: HostSpec; readonly root?: string}

/** An opened host: `transport` runs commands and holds temp files; `files` reads its configs (below its root). */
export interface OpenedHost {
  readonly transport: Transport
  readonly files: Transport
  /** A mounted tree on this machine: nothing on it can be run. */
  readonly offline: boolean
}

/** Variable naming where the old dom0 root is mounted on a host (inventory host/group var). */
export const ROOT_VAR = 'xenlift_root'

/** `local`/`localhost` without user or port mean this machine, no SSH. */
export function hostTargetFor(text: string, root?: string): HostTarget | undefined {
  if (text === 'local') return {kind: 'local', name: root ?? 'local', ...(root !== undefined ? {root} : {})}
  const addr = parseHostAddress(text)
  if (!addr) return undefined
  const spec: HostSpec = {name: text, ...addr, groups: ['all'], vars: {}}
  return {kind: 'ssh', name: text, spec, ...(root !== undefined ? {root} : {})}
}

export function hostTargetFromSpec(spec: HostSpec, root?: string): HostTarget {
  const r = spec.vars[ROOT_VAR] ?? root
  if (spec.hostname === 'local') return {kind: 'local', name: spec.name, ...(r !== undefined ? {root: r} : {})}
  return {kind: 'ssh', name: spec.name, spec, ...(r !== undefined ? {root: r} : {})}
}

/**
 * Open a host. Local with a root is a mounted tree (offline: its files are read chroot-like,
 * nothing is run); remote with a root reads files below it (the old root mounted on the host)
 * while commands run on the host as usual.
 */
export async function openHost(target: HostTarget, ssh: SshTransportOptions = {}, sshConfig?: LoadedSshConfig | Promise<LoadedSshConfig>): Promise<OpenedHost> {
  if (target.kind === 'local') {
    if (target.root !== undefined) {
      const t = new LocalTransport({root: target.root, label: target.name})
      return {transport: t, files: t, offline: true}
    }
    const t = new LocalTransport()
    return {transport: t, files: t, offline: false}
  }
  // Through ~/.ssh/config as `ssh host` would see it; inventory user/port win over the config.
  const resolved = resolveInventoryHost(await (sshConfig ?? defaultSshConfig()), target.spec)
  // Known-hosts files given on the command line win over the config's UserKnownHostsFile (as `ssh -o` does).
  const {userKnownHostsFiles: _fromConfig, ...rest} = resolved
  const t = await connectSsh(ssh.knownHostsFiles?.length ? rest : resolved, ssh)
  return {transport: t, files: target.root !== undefined ? new RootedTransport(t, target.root) : t, offline: false}
}

let loadedDefault: Promise<LoadedSshConfig> | undefined

/** ~/.ssh/config and /etc/ssh/ssh_config, read once per process. */
function defaultSshConfig(): Promise<LoadedSshConfig> {
  loadedDefault ??= loadSshConfig()
  return loadedDefault
}
