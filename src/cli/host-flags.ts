import {Flags} from '@oclif/core'
import type {HostTarget} from '../host/open-host.js'
import {HostSelectionError, selectHosts} from '../host/select-hosts.js'
import {InventoryError} from '../inventory/read-inventory.js'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'
import {createPassphrasePrompt} from '../ui/passphrase-prompt.js'

/** Flags every command that works on hosts shares (scan, check, import, upgrade): which hosts, how to reach them, and as whom. */
export const hostSelectionFlags = {
  host: Flags.string({
    summary: 'host to work on: [user@]host[:port] over SSH, or "local" (repeatable; default: this machine)',
    multiple: true,
  }),
  inventory: Flags.string({summary: 'host list or Ansible INI inventory (ansible_host/_port/_user; xenlift_root=DIR)'}),
  limit: Flags.string({summary: 'Ansible host pattern to select inventory hosts (group, glob, !exclude, &intersect)'}),
  identity: Flags.string({char: 'i', summary: 'SSH private key (repeatable; before ~/.ssh/config keys and the agent)', multiple: true}),
  'known-hosts': Flags.string({summary: 'known_hosts file to verify host keys with (default ~/.ssh/known_hosts)', multiple: true}),
  'accept-new-host-keys': Flags.boolean({summary: 'trust and record keys of hosts not yet in known_hosts (never changed keys)'}),
  sudo: Flags.boolean({summary: 'run remote commands with sudo -n (when logging in as a non-root user)'}),
  'ssh-legacy-algorithms': Flags.boolean({
    summary: 'also offer SHA-1 key exchange and ssh-rsa/ssh-dss host keys (only for old dom0 sshds that need them)',
  }),
}

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

export interface HostSelectionFlags {
  readonly host?: string[]
  readonly inventory?: string
  readonly limit?: string
  readonly root?: string
  readonly identity?: string[]
  readonly 'known-hosts'?: string[]
  readonly 'accept-new-host-keys'?: boolean
  readonly 'ssh-legacy-algorithms'?: boolean
  readonly sudo?: boolean
  readonly timeout: number
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
