import type {Diagnostic} from '../model/diagnostic.js'

/**
 * One host to work on, as an inventory names it. `name` is the inventory name (what `--limit`
 * and reports use); `hostname`/`port`/`user` are how to reach it (Ansible's `ansible_host`,
 * `ansible_port`, `ansible_user`); absent parts come from ~/.ssh/config later.
 */
export interface HostSpec {
  readonly name: string
  readonly hostname: string
  readonly port?: number
  readonly user?: string
  /** Groups the host belongs to, directly or through `[group:children]`, sorted; always has `all`. */
  readonly groups: readonly string[]
  /** Variables after group vars and host vars were merged (host wins, child group over parent). */
  readonly vars: Readonly<Record<string, string>>
  /** Where the host was declared (first mention). */
  readonly source?: {readonly file?: string; readonly line: number}
}

export interface Inventory {
  readonly hosts: HostSpec[]
  /** Group name → member host names (transitively through children), sorted. */
  readonly groups: Readonly<Record<string, readonly string[]>>
  /** Located problems; any error means the inventory must not be used. */
  readonly diagnostics: Diagnostic[]
}

const USER = '[A-Za-z0-9_][A-Za-z0-9._-]*'
const HOST = '\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_][A-Za-z0-9._-]*'
const HOST_RE = new RegExp(`^(?:(${USER})@)?(${HOST})(?::(\\d+))?$`)
const HOSTNAME_RE = new RegExp(`^(?:${HOST}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$`)
const USER_RE = new RegExp(`^${USER}$`)

/**
 * A host name as `--host` accepts it (letters, digits, `._-`, an IPv4 or a bare or bracketed
 * IPv6 address). Whatever reaches ssh from an inventory must be one: it ends up in a
 * ProxyCommand's `%h`, run by `/bin/sh -c`.
 */
export function isHostName(text: string): boolean {
  return HOSTNAME_RE.test(text)
}

/** A login name as `--host user@…` accepts it; it ends up in a ProxyCommand's `%r`. */
export function isUserName(text: string): boolean {
  return USER_RE.test(text)
}

/**
 * Parse `[user@]host[:port]` (IPv6 in brackets: `[::1]:2222`), the form ssh and a plain host
 * list use. Undefined when it is not one.
 */
export function parseHostAddress(text: string): {hostname: string; port?: number; user?: string} | undefined {
  const m = HOST_RE.exec(text.trim())
  if (!m) return undefined
  const host = (m[2] as string).replace(/^\[(.*)\]$/, '$1')
  const port = m[3] !== undefined ? Number(m[3]) : undefined
  if (port !== undefined && (port < 1 || port > 65535)) return undefined
  return {hostname: host, ...(port !== undefined ? {port} : {}), ...(m[1] !== undefined ? {user: m[1]} : {})}
}
