import {Flags} from '@oclif/core'

// Loaded with every command, by oclif, to learn its flags (there is no manifest in a checkout):
// flag definitions only. What turns the flags into hosts is in host-targets.ts, loaded when a
// command runs.

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
