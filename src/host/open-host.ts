import {parseHostAddress, type HostSpec} from '../inventory/host-spec.js'
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
export async function openHost(target: HostTarget, ssh: SshTransportOptions = {}): Promise<OpenedHost> {
  if (target.kind === 'local') {
    if (target.root !== undefined) {
      const t = new LocalTransport({root: target.root, label: target.name})
      return {transport: t, files: t, offline: true}
    }
    const t = new LocalTransport()
    return {transport: t, files: t, offline: false}
  }
  const {spec} = target
  // TODO(#4): resolve through ~/.ssh/config (inventory/ssh-config.ts resolveSshHost) once it is on main.
  const t = await connectSsh(
    {host: spec.name, hostName: spec.hostname, ...(spec.port !== undefined ? {port: spec.port} : {}), ...(spec.user !== undefined ? {user: spec.user} : {})},
    ssh,
  )
  return {transport: t, files: target.root !== undefined ? new RootedTransport(t, target.root) : t, offline: false}
}
