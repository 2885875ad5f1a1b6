/**
 * A reader for OpenSSH `known_hosts` files, mirroring OpenSSH's hostfile.c / match.c: plain
 * and hashed (`|1|base64 salt|base64 HMAC-SHA1(salt, name)`) host fields, `[host]:port` names
 * for non-22 ports, comma lists, `!negation` and `*`/`?` wildcards (case-insensitive), and the
 * `@revoked` / `@cert-authority` markers. There is no maintained npm package for this
 * (stack-notes §3), so it is small and tested here.
 *
 * Policy decisions live in `host-key-check.ts`; this module only parses and matches.
 */
import {createHash, createHmac, randomBytes} from 'node:crypto'

export interface KnownHostEntry {
  readonly file: string
  /** 1-based line number. */
  readonly line: number
  readonly marker?: 'revoked' | 'cert-authority'
  /** The raw host field: a pattern list or one `|1|salt|hmac` hash. */
  readonly hosts: string
  readonly keyType: string
  /** The key blob, base64 as written in the file. */
  readonly keyBase64: string
}

/** Parse a known_hosts text; malformed lines are skipped like OpenSSH does (it only logs them). */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  const lines = text.split('\n')
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/[ \t]+/)
    let marker: KnownHostEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()
      if (m === '@revoked') marker = 'revoked'
      else if (m === '@cert-authority') marker = 'cert-authority'
      else continue
    }
    const [hosts, keyType, keyBase64] = fields
    if (!hosts || !keyType || !keyBase64) continue
    // Old SSH1 RSA lines (`host bits exponent modulus`) have a number where the key type goes.
    if (/^\d+$/.test(keyType)) continue
    entries.push({file, line: i + 1, ...(marker ? {marker} : {}), hosts, keyType, keyBase64})
  }
  return entries
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise (put_host_port). */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase()
  return port === 22 ? h : `[${h}]:${port}`
}

/** Does an entry's host field match the lookup name? (hostfile.c check_hostkeys_by_key_or_type) */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name)
  return matchHostPatternList(name.toLowerCase(), hosts.toLowerCase()) === 1
}

/**
 * match.c match_hostname/match_pattern_list: 1 if some positive pattern matches and no negated
 * one does, -1 if a negated pattern matches, 0 otherwise.
 */
export function matchHostPatternList(name: string, patternList: string): -1 | 0 | 1 {
  let positive = false
  for (const item of patternList.split(',')) {
    const negated = item.startsWith('!')
    const pattern = negated ? item.slice(1) : item
    if (pattern === '') continue
    if (matchPattern(name, pattern)) {
      if (negated) return -1
      positive = true
    }
  }
  return positive ? 1 : 0
}

/** Glob with `*` (any run) and `?` (one char), anchored, like OpenSSH's match_pattern. */
export function matchPattern(s: string, pattern: string): boolean {
  // Iterative wildcard match with backtracking to the last `*` (linear-ish, no regex building).
  let si = 0
  let pi = 0
  let star = -1
  let mark = 0
  while (si < s.length) {
    if (pi < pattern.length && (pattern[pi] === '?' || pattern[pi] === s[si])) {
      si++
      pi++
    } else if (pi < pattern.length && pattern[pi] === '*') {
      star = pi++
      mark = si
    } else if (star !== -1) {
      pi = star + 1
      si = ++mark
    } else {
      return false
    }
  }
  while (pi < pattern.length && pattern[pi] === '*') pi++
  return pi === pattern.length
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|')
  // ['', '1', salt, hmac]
  if (parts.length !== 4 || parts[1] !== '1') return false
  const salt = Buffer.from(parts[2]!, 'base64')
  const want = Buffer.from(parts[3]!, 'base64')
  if (salt.length === 0 || want.length !== 20) return false
  const got = createHmac('sha1', salt).update(name).digest()
  return got.equals(want)
}

/** A hashed known_hosts line, as `ssh-keygen -H` / `HashKnownHosts yes` writes it. */
export function hashedKnownHostsLine(name: string, keyType: string, keyBase64: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest('base64')
  return `|1|${salt.toString('base64')}|${mac} ${keyType} ${keyBase64}`
}

/** OpenSSH's `SHA256:` fingerprint: unpadded base64 of sha256(key blob). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** ssh2's host key algorithm names for a known_hosts key type (RSA keys sign with SHA-2 too). */
export function hostKeyAlgorithmsFor(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
  return [keyType]
}

/** ssh2 1.17's default `serverHostKey` list (lib/protocol/constants.js), for reordering. */
export const SSH2_DEFAULT_SERVER_HOST_KEY: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]

/**
 * Known key types first, then the rest of the defaults: what OpenSSH does (order_hostkeyalgs),
 * so a server with several host keys presents the one we already know instead of looking new.
 */
export function orderServerHostKeyAlgorithms(knownKeyTypes: readonly string[], legacy = false): string[] {
  const base = legacy ? [...SSH2_DEFAULT_SERVER_HOST_KEY, 'ssh-dss'] : [...SSH2_DEFAULT_SERVER_HOST_KEY]
  const first: string[] = []
  for (const t of knownKeyTypes) {
    for (const algo of hostKeyAlgorithmsFor(t)) {
      // Only what is enabled: a known DSA key does not turn on ssh-dss without `legacy`.
      if (base.includes(algo) && !first.includes(algo)) first.push(algo)
    }
  }
  return [...first, ...base.filter((a) => !first.includes(a))]
}
