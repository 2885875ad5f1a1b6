import {Flags} from '@oclif/core'
import type {SshTransportOptions} from '../transport/ssh/ssh-transport.js'

/** Flags every command that works on hosts shares (scan, import): which hosts, and how to reach them. */
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
}

export function sshOptionsFrom(flags: {identity?: string[]; 'known-hosts'?: string[]; 'accept-new-host-keys'?: boolean}, onWarning: (m: string) => void, connectTimeoutMs?: number): SshTransportOptions {
  return {
    ...(flags.identity?.length ? {identityFiles: flags.identity} : {}),
    ...(flags['known-hosts']?.length ? {knownHostsFiles: flags['known-hosts']} : {}),
    ...(flags['accept-new-host-keys'] ? {acceptNewHostKeys: true} : {}),
    ...(connectTimeoutMs !== undefined ? {connectTimeoutMs} : {}),
    onWarning,
  }
}
