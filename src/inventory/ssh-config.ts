/**
 * Host → `SshConnectSpec` from `~/.ssh/config` (and `/etc/ssh/ssh_config`), the way `ssh host`
 * would see it. Parsing and Host/Match evaluation are cyjake's `ssh-config` (stack-notes §3);
 * we fill its gaps:
 * - `Include` is followed here (it only parses it): relative paths are under `~/.ssh` (user
 *   file) or `/etc/ssh` (system file), globs are expanded and sorted, depth is capped at 16 like
 *   OpenSSH's READCONF_MAX_DEPTH. Included text is inlined; an `Include` inside a `Host` block
 *   re-opens that block after the included text, so directives after it still apply to it.
 * - `Match exec` is never run (`matchExec: false`): reading an inventory must not execute
 *   commands from a config file. `CanonicalizeHostName` (which would spawn nslookup) is dropped.
 * - `~` and the `%h %p %r %u %n %d %%` tokens are expanded in IdentityFile, UserKnownHostsFile,
 *   GlobalKnownHostsFile, HostName, ProxyCommand and IdentityAgent.
 * - `ProxyJump a,b` becomes a hop list; each hop is itself resolved through the config (its own
 *   HostName/User/Port/IdentityFile), and the first hop's own ProxyJump is followed, as
 *   OpenSSH's `ssh -J` does (later hops in an explicit list ignore theirs).
 * Values given on the command line / in the inventory win over the config, as with ssh(1).
 */
import {readdir, readFile} from 'node:fs/promises'
import {homedir, userInfo} from 'node:os'
import {isAbsolute, join} from 'node:path'
import SSHConfig from 'ssh-config'
import type {SshConnectSpec} from '../transport/ssh/connect-spec.js'
import {matchPattern} from '../transport/ssh/known-hosts.js'

export interface SshConfigOptions {
  /** Default `~/.ssh/config`; `false` reads none (like `ssh -F /dev/null`). */
  readonly userConfigFile?: string | false
  /** Default `/etc/ssh/ssh_config`; `false` reads none. */
  readonly systemConfigFile?: string | false
  /** For `~` and relative Include paths; default `os.homedir()`. */
  readonly home?: string
  /** For `%u` and the default User; default the current user. */
  readonly localUser?: string
}

export interface HostOverrides {
  /** The name for messages (inventory name); default the host looked up. */
  readonly name?: string
  readonly user?: string
  readonly port?: number
}

/** Loaded config text with Includes inlined, ready for any number of lookups. */
export interface LoadedSshConfig {
  readonly config: SSHConfig
  readonly home: string
  readonly localUser: string
  /** Files read, in order (for `--verbose` and tests). */
  readonly files: readonly string[]
}

const MAX_INCLUDE_DEPTH = 16

export async function loadSshConfig(opts: SshConfigOptions = {}): Promise<LoadedSshConfig> {
  const home = opts.home ?? homedir()
  const localUser = opts.localUser ?? userInfo().username
  const files: string[] = []
  const parts: string[] = []
  const userFile = opts.userConfigFile === undefined ? join(home, '.ssh/config') : opts.userConfigFile
  const systemFile = opts.systemConfigFile === undefined ? '/etc/ssh/ssh_config' : opts.systemConfigFile
  // OpenSSH reads the user file first and the first value obtained wins, so the system file
  // goes after it (and starts with `Host *` so it cannot extend the user file's last block).
  if (userFile) parts.push(await inlineIncludes(userFile, join(home, '.ssh'), home, 0, files))
  if (systemFile) parts.push(`Host *\n${await inlineIncludes(systemFile, '/etc/ssh', home, 0, files)}`)
  const config = SSHConfig.parse(parts.join('\n'))
  return {config: dropCanonicalize(config), home, localUser, files}
}

/** Resolve one host through the loaded config. */
export function resolveSshHost(loaded: LoadedSshConfig, host: string, overrides: HostOverrides = {}): SshConnectSpec {
  return resolveHop(loaded, host, overrides, 0, true)
}

/**
 * An inventory host through the config: its `hostname` (Ansible's `ansible_host`) is what ssh
 * looks up, its `name` is what messages say; inventory user/port win over the config.
 */
export function resolveInventoryHost(
  loaded: LoadedSshConfig,
  host: {readonly name: string; readonly hostname: string; readonly user?: string; readonly port?: number},
): SshConnectSpec {
  return resolveSshHost(loaded, host.hostname, {
    name: host.name,
    ...(host.user !== undefined ? {user: host.user} : {}),
    ...(host.port !== undefined ? {port: host.port} : {}),
  })
}

function resolveHop(loaded: LoadedSshConfig, host: string, overrides: HostOverrides, depth: number, followJump: boolean): SshConnectSpec {
  // A user from the command line / inventory is known before the config is read, as with
  // `ssh user@host`, so `Match user` blocks see it.
  const query = overrides.user !== undefined ? {Host: host, User: overrides.user} : {Host: host}
  const c = loaded.config.compute(query, {ignoreCase: true, matchExec: false})
  const first = (k: string): string | undefined => {
    const v = c[k]
    return Array.isArray(v) ? v[0] : v
  }
  const all = (k: string): string[] => {
    const v = c[k]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  const user = overrides.user ?? first('user') ?? loaded.localUser
  const portText = first('port')
  const port = overrides.port ?? (portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : 22)
  const tokens = (hostName: string): Record<string, string> => ({
    '%': '%',
    h: hostName,
    n: host,
    p: String(port),
    r: user,
    u: loaded.localUser,
    d: loaded.home,
  })
  const hostName = expandTokens(first('hostname') ?? host, tokens(host), loaded.home)
  const t = tokens(hostName)
  const expandAll = (k: string): string[] => all(k).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '' && v.toLowerCase() !== 'none').map((v) => expandTokens(v, t, loaded.home))

  const identityFiles = expandAll('identityfile')
  const userKnown = expandAll('userknownhostsfile')
  const globalKnown = expandAll('globalknownhostsfile')
  const timeout = first('connecttimeout')
  const alias = first('hostkeyalias')
  const jump = first('proxyjump')
  const proxyCommand = first('proxycommand')
  const agent = first('identityagent')
  const spec: SshConnectSpec = {
    host: overrides.name ?? host,
    hostName,
    port,
    user,
    ...(identityFiles.length ? {identityFiles} : {}),
    ...(first('identitiesonly')?.toLowerCase() === 'yes' ? {identitiesOnly: true} : {}),
    ...identityAgentField(agent, t, loaded.home),
    ...(timeout !== undefined && /^\d+$/.test(timeout) ? {connectTimeoutMs: Number(timeout) * 1000} : {}),
    ...(alias !== undefined ? {hostKeyAlias: alias} : {}),
    ...(userKnown.length ? {userKnownHostsFiles: userKnown} : {}),
    ...(globalKnown.length ? {globalKnownHostsFiles: globalKnown} : {}),
    ...(proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none' ? {proxyCommand: expandTokens(proxyCommand, t, loaded.home)} : {}),
  }
  if (!followJump || jump === undefined || jump.toLowerCase() === 'none') return spec
  if (depth >= 8) throw new Error(`ssh config: ProxyJump chain for ${host} is deeper than 8 hops (a loop?)`)
  const hops = parseProxyJump(jump)
  const resolved: SshConnectSpec[] = []
  for (const [i, hop] of hops.entries()) {
    const hopSpec = resolveHop(loaded, hop.host, {...(hop.user ? {user: hop.user} : {}), ...(hop.port ? {port: hop.port} : {})}, depth + 1, i === 0)
    resolved.push(...(hopSpec.proxyJump ?? []), withoutJump(hopSpec))
  }
  return {...spec, proxyJump: resolved}
}

/** IdentityAgent: `none` → false; `SSH_AUTH_SOCK` means the environment's (left to the transport). */
function identityAgentField(value: string | undefined, tokens: Readonly<Record<string, string>>, home: string): {identityAgent?: string | false} {
  if (value === undefined || value === 'SSH_AUTH_SOCK' || value === '$SSH_AUTH_SOCK') return {}
  if (value.toLowerCase() === 'none') return {identityAgent: false}
  return {identityAgent: expandTokens(value, tokens, home)}
}

function withoutJump(spec: SshConnectSpec): SshConnectSpec {
  const {proxyJump: _, ...rest} = spec
  return rest
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma separated (ssh(1) -J). */
export function parseProxyJump(text: string): {host: string; user?: string; port?: number}[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s)
      if (!m) throw new Error(`ssh config: cannot parse ProxyJump hop ${JSON.stringify(s)}`)
      return {host: m[2]!.replace(/^\[(.*)\]$/, '$1'), ...(m[1] ? {user: m[1]} : {}), ...(m[3] ? {port: Number(m[3])} : {})}
    })
}

/** ssh_config TOKENS (`%h` …) and a leading `~` / `~/`. Unknown tokens are left as they are. */
export function expandTokens(value: string, tokens: Readonly<Record<string, string>>, home: string): string {
  const withTokens = value.replace(/%(.)/g, (whole, k: string) => tokens[k] ?? whole)
  if (withTokens === '~') return home
  if (withTokens.startsWith('~/')) return join(home, withTokens.slice(2))
  return withTokens
}

async function inlineIncludes(file: string, relBase: string, home: string, depth: number, files: string[]): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw err
  }
  files.push(file)
  const out: string[] = []
  let currentBlock: string | undefined
  for (const line of text.split('\n')) {
    const m = /^\s*(\w+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(line)
    const key = m?.[1]?.toLowerCase()
    if (key === 'host' || key === 'match') currentBlock = line
    if (key !== 'include') {
      out.push(line)
      continue
    }
    if (depth >= MAX_INCLUDE_DEPTH) throw new Error(`ssh config: Include nested deeper than ${MAX_INCLUDE_DEPTH} in ${file}`)
    for (const pattern of splitArgs(m![2]!)) {
      const expanded = expandTokens(pattern, {}, home)
      const abs = isAbsolute(expanded) ? expanded : join(relBase, expanded)
      for (const inc of await globPath(abs)) out.push(await inlineIncludes(inc, relBase, home, depth + 1, files))
    }
    // Directives after the Include still belong to the block it was in (OpenSSH restores it);
    // at top level that is "every host".
    out.push(currentBlock ?? 'Host *')
  }
  return out.join('\n')
}

function splitArgs(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '')
}

/** Expand `*`/`?` in any path segment; sorted like glob(3). */
async function globPath(pattern: string): Promise<string[]> {
  if (!/[*?]/.test(pattern)) return [pattern]
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0)
  let paths = [segments[0] === '' ? '/' : segments[0]!]
  for (const seg of segments.slice(1)) {
    const next: string[] = []
    for (const base of paths) {
      if (!/[*?]/.test(seg)) {
        next.push(join(base, seg))
        continue
      }
      let names: string[]
      try {
        names = await readdir(base)
      } catch {
        continue
      }
      for (const n of names.sort()) if (!n.startsWith('.') && matchPattern(n, seg)) next.push(join(base, n))
    }
    paths = next
  }
  return paths
}

/** Drop `CanonicalizeHostName`: ssh-config would run nslookup for it; we do not canonicalize. */
function dropCanonicalize(config: SSHConfig): SSHConfig {
  const strip = (lines: unknown[]): void => {
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as {param?: string; config?: unknown[]}
      if (typeof line.param === 'string' && /^canonicalizehostname$/i.test(line.param)) lines.splice(i, 1)
      else if (Array.isArray(line.config)) strip(line.config)
    }
  }
  strip(config as unknown as unknown[])
  return config
}
