import type {HostTarget} from '../host/open-host.js'
import {HostSelectionError, selectHosts} from '../host/select-hosts.js'
import {InventoryError} from '../inventory/read-inventory.js'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import {createPassphrasePrompt} from '../ui/passphrase-prompt.js'
import type {HostSelectionFlags} from './host-flags.js'

/** SSH options from the host flags (host-flags.ts) that every host command shares. */
export function sshOptionsFrom(
  flags: {identity?: string[]; 'known-hosts'?: string[]; 'accept-new-host-keys'?: boolean; 'ssh-legacy-algorithms'?: boolean},
  onWarning: (m: string) => void,
  connectTimeoutMs?: number,
): SshTransportOptions {
  return {
    ...(flags.identity?.length ? {identityFiles: flags.identity} : {}),
    ...(flags['known-hosts']?.length ? {knownHostsFiles: flags['known-hosts']} : {}),
    ...(flags['accept-new-host-keys'] ? {acceptNewHostKeys: true} : {}),
    ...(flags['ssh-legacy-algorithms'] ? {legacyAlgorithms: true} : {}),
    ...(connectTimeoutMs !== undefined ? {connectTimeoutMs} : {}),
    // An encrypted key without an agent: ask on the terminal, as ssh does (never in CI or a pipe).
    ...(process.stdin.isTTY && process.stderr.isTTY ? {askPassphrase: createPassphrasePrompt(process.stdin, process.stderr)} : {}),
    onWarning,
  }
}

/**
 * Which hosts a command works on and how to reach them: the one place `scan`, `import` and
 * `check --host` turn their host flags into targets. A bad inventory or host spec is a usage
 * error (`fail`), inventory warnings go to `warn`.
 */
export async function resolveHostTargets(
  flags: HostSelectionFlags,
  fail: (message: string) => never,
  warn: (message: string) => void,
): Promise<{targets: HostTarget[]; ssh: SshTransportOptions; timeoutMs: number}> {
  let selected: {targets: HostTarget[]; warnings: string[]}
  try {
    selected = await selectHosts({
      ...(flags.host ? {hosts: flags.host} : {}),
      ...(flags.inventory !== undefined ? {inventory: flags.inventory} : {}),
      ...(flags.limit !== undefined ? {limit: flags.limit} : {}),
      ...(flags.root !== undefined ? {root: flags.root} : {}),
    })
  } catch (error) {
    if (error instanceof HostSelectionError || error instanceof InventoryError) fail(error.message)
    throw error
  }
  for (const w of selected.warnings) warn(w)
  const timeoutMs = flags.timeout * 1000
  const ssh = sshOptionsFrom(flags, (m) => process.stderr.write(`warning: ${m}\n`), timeoutMs)
  return {targets: selected.targets, ssh, timeoutMs}
}
