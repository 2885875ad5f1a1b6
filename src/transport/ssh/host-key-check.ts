/**
 * The host key policy (stack-notes §3, COMPASS): a key we know → connect; unknown → refuse and
 * print the fingerprint as OpenSSH does, unless the user said `--accept-new-host-keys`; changed
 * or `@revoked` → always refuse. Pure: takes parsed known_hosts entries, returns a verdict.
 *
 * One place where we are stricter than OpenSSH: when known_hosts holds keys for this host but
 * none of the type the server presented, OpenSSH treats the key as new (and accept-new would add
 * it). We put the known types first in the offered host key algorithms, so a server that still
 * has its old key presents it; one that does not has had its keys replaced. We refuse that like a
 * changed key instead of silently trusting it.
 */
import {HostKeyError} from '../errors.js'
import {hostFieldMatches, type KnownHostEntry, sha256Fingerprint} from './known-hosts.js'

export type HostKeyVerdict =
  | {readonly status: 'known'; readonly entry: KnownHostEntry}
  | {readonly status: 'unknown'; readonly certAuthority?: KnownHostEntry}
  | {readonly status: 'changed'; readonly entry: KnownHostEntry; readonly otherType: boolean}
  | {readonly status: 'revoked'; readonly entry: KnownHostEntry}

export interface PresentedKey {
  readonly keyType: string
  readonly keyBlob: Buffer
}

/** Entries whose host field matches any of the lookup names. */
export function entriesForHost(entries: readonly KnownHostEntry[], names: readonly string[]): KnownHostEntry[] {
  return entries.filter((e) => names.some((n) => hostFieldMatches(e.hosts, n)))
}

/** Key types known (plain entries) for the host, in file order, for algorithm ordering. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types: string[] = []
  for (const e of entriesForHost(entries, names)) {
    if (e.marker === undefined && !types.includes(e.keyType)) types.push(e.keyType)
  }
  return types
}

export function checkHostKey(entries: readonly KnownHostEntry[], names: readonly string[], key: PresentedKey): HostKeyVerdict {
  const mine = entriesForHost(entries, names)
  const b64 = key.keyBlob.toString('base64')
  const sameKey = (e: KnownHostEntry): boolean => e.keyType === key.keyType && Buffer.from(e.keyBase64, 'base64').equals(key.keyBlob)
  const revoked = mine.find((e) => e.marker === 'revoked' && sameKey(e))
  if (revoked) return {status: 'revoked', entry: revoked}
  const plain = mine.filter((e) => e.marker === undefined)
  const match = plain.find(sameKey)
  if (match) return {status: 'known', entry: match}
  const sameType = plain.find((e) => e.keyType === key.keyType && e.keyBase64 !== b64)
  if (sameType) return {status: 'changed', entry: sameType, otherType: false}
  const otherType = plain[0]
  if (otherType) return {status: 'changed', entry: otherType, otherType: true}
  const ca = mine.find((e) => e.marker === 'cert-authority')
  return ca ? {status: 'unknown', certAuthority: ca} : {status: 'unknown'}
}

/** `ssh-ed25519` → `ED25519`, as OpenSSH names key types in its prompts. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519'
  if (keyType === 'ssh-rsa') return 'RSA'
  if (keyType === 'ssh-dss') return 'DSA'
  if (keyType.startsWith('ecdsa-')) return 'ECDSA'
  return keyType
}

/** The refusal for a verdict other than `known`, with the next action in the message. */
export function hostKeyRefusal(
  verdict: Exclude<HostKeyVerdict, {status: 'known'}>,
  ctx: {host: string; lookupName: string; key: PresentedKey; userKnownHostsFile: string},
): HostKeyError {
  const fingerprint = sha256Fingerprint(ctx.key.keyBlob)
  const label = keyTypeLabel(ctx.key.keyType)
  const base = {host: ctx.host, fingerprint, keyType: ctx.key.keyType}
  if (verdict.status === 'unknown') {
    const ca = verdict.certAuthority
      ? ` (${verdict.certAuthority.file} line ${verdict.certAuthority.line} is a @cert-authority entry for it; host certificates are not supported, add the host's plain key instead)`
      : ''
    return new HostKeyError('HOST_KEY_UNKNOWN', {
      ...base,
      message:
        `host ${ctx.host}: the authenticity of host '${ctx.lookupName}' can't be established; ` +
        `${label} key fingerprint is ${fingerprint}${ca}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${keyTypeFileStem(ctx.key.keyType)}_key.pub\` ` +
        `on the host, then add it to ${ctx.userKnownHostsFile} (e.g. connect once with ssh) or rerun with --accept-new-host-keys`,
    })
  }
  const where = {file: verdict.entry.file, line: verdict.entry.line}
  if (verdict.status === 'revoked') {
    return new HostKeyError('HOST_KEY_REVOKED', {
      ...base,
      ...where,
      message: `host ${ctx.host}: ${label} host key ${fingerprint} is marked @revoked in ${where.file} line ${where.line}; refusing to connect`,
    })
  }
  const what = verdict.otherType
    ? `presented a ${label} key (${fingerprint}) but ${where.file} line ${where.line} only knows a ${keyTypeLabel(verdict.entry.keyType)} key for it`
    : `${label} key is now ${fingerprint}, which differs from ${where.file} line ${where.line}`
  return new HostKeyError('HOST_KEY_CHANGED', {
    ...base,
    ...where,
    message:
      `host ${ctx.host}: REMOTE HOST IDENTIFICATION HAS CHANGED: ${what}. Someone could be intercepting the connection, ` +
      `or the host was reinstalled. If that is expected, remove the old entry (ssh-keygen -R '${ctx.lookupName}' -f ${where.file}) and retry`,
  })
}

function keyTypeFileStem(keyType: string): string {
  return keyTypeLabel(keyType).toLowerCase()
}
