/**
 * Where and how to reach one host: what `inventory/ssh-config.ts` resolves from an inventory
 * name plus `~/.ssh/config`, and what `connectSsh` consumes.
 */
export interface SshConnectSpec {
  /** The name the user gave (inventory name / ssh alias): used in messages. */
  readonly host: string
  /** The address to connect to (ssh_config `HostName`); defaults to `host`. */
  readonly hostName?: string
  /** Defaults to 22. */
  readonly port?: number
  /** Login user; defaults to the local user name. */
  readonly user?: string
  /** Private key files, tried in order before the agent (ssh_config `IdentityFile`). */
  readonly identityFiles?: readonly string[]
  /** ssh_config `IdentityAgent`: the agent socket to use, or `false` for `none`. */
  readonly identityAgent?: string | false
  /** ssh_config `IdentitiesOnly`: do not fall back to the agent. */
  readonly identitiesOnly?: boolean
  /** Jump hosts in connection order (`ProxyJump a,b` → [a, b]); each verified against its own name. */
  readonly proxyJump?: readonly SshConnectSpec[]
  /**
   * ssh_config `ProxyCommand` (tokens already expanded), run with `/bin/sh -c`; its stdin/stdout
   * carry the SSH stream. Used for the first hop only; ProxyJump wins when both are set.
   */
  readonly proxyCommand?: string
  /** ssh_config `ConnectTimeout`, in ms. */
  readonly connectTimeoutMs?: number
  /** ssh_config `HostKeyAlias`: the name looked up in known_hosts instead of HostName. */
  readonly hostKeyAlias?: string
  /** ssh_config `UserKnownHostsFile` (already `~`-expanded). */
  readonly userKnownHostsFiles?: readonly string[]
  /** ssh_config `GlobalKnownHostsFile`. */
  readonly globalKnownHostsFiles?: readonly string[]
}

/** Port 22 unless given. */
export function specPort(spec: SshConnectSpec): number {
  return spec.port ?? 22
}

export function specHostName(spec: SshConnectSpec): string {
  return spec.hostName ?? spec.host
}

/** `ssh://user@host:port` for labels and messages. */
export function specLabel(spec: SshConnectSpec, defaultUser: string): string {
  const port = specPort(spec)
  const host = specHostName(spec)
  const h = host.includes(':') ? `[${host}]` : host
  return `ssh://${spec.user ?? defaultUser}@${h}${port === 22 ? '' : `:${port}`}`
}
