import type {HostSpec} from '../inventory/host-spec.js'
import {openHost, type HostTarget} from '../host/open-host.js'
import {RootedTransport} from '../host/rooted-transport.js'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import {LoggingTransport} from './command-log.js'
import type {RunHost} from './host-runner.js'
import type {HostPlan} from './plan-document.js'

/** The target `scan`/`check` would use for a planned host. */
export function targetOfPlan(h: HostPlan): HostTarget {
  const c = h.connection
  if (c.kind === 'local') return {kind: 'local', name: h.host}
  const spec: HostSpec = {name: h.host, hostname: c.hostname, ...(c.port !== undefined ? {port: c.port} : {}), ...(c.user !== undefined ? {user: c.user} : {}), groups: ['all'], vars: {}}
  return {kind: 'ssh', name: h.host, spec}
}

/**
 * Connect to a planned host as apply and rollback do: commands logged to the host's log file,
 * the dom0 tree read below the plan's root.
 */
export async function openPlanHost(h: HostPlan, logFile: string, ssh: SshTransportOptions): Promise<RunHost> {
  const opened = await openHost(targetOfPlan(h), ssh)
  const exec = new LoggingTransport(opened.transport, logFile)
  const files = h.connection.root !== undefined ? new RootedTransport(exec, h.connection.root) : exec
  return {exec, files, close: () => exec.close()}
}
