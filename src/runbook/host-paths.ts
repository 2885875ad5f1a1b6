import * as path from 'node:path'

/** Where xenlift keeps its state on a host: the lock, the journal copy, the backup staging area. */
export const HOST_STATE_DIR = '/var/lib/xenlift'
export const XEND_DOMAINS_DIR = '/var/lib/xend/domains'
export const ETC_XEN_DIR = '/etc/xen'

/**
 * Host paths as commands on the host must name them: below the plan's `root` when the dom0 tree
 * lives elsewhere on the host (`xenlift_root`, e.g. a simulated host's directory), else as is.
 * File operations through a RootedTransport take the plain path; `exec` argv needs this one.
 */
export function onHost(root: string | undefined, p: string): string {
  if (root === undefined || root === '/' || root === '') return p
  return path.posix.join(path.posix.resolve('/', root), path.posix.resolve('/', p))
}
