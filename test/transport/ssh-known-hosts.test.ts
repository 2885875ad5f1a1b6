import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {checkHostKey, hostKeyRefusal, knownKeyTypes} from '../../src/transport/ssh/host-key-check.js'
import {
  hashedKnownHostsLine,
  hostFieldMatches,
  knownHostsName,
  matchHostPatternList,
  matchPattern,
  orderServerHostKeyAlgorithms,
  parseKnownHosts,
  sha256Fingerprint,
} from '../../src/transport/ssh/known-hosts.js'

// Two real ed25519 public keys (blobs) and an RSA one, shaped like ssh-keygen output.
const ED_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C7okWi0dh2l9GKJl'
const ED_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIA1xMyOF+0PZCqKxXgQFm7qQe9TqS/lP8r8AgJNkT7ok'
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQDExample0nlyTheTypeMattersHere'
const key = (b64: string, keyType = 'ssh-ed25519') => ({keyType, keyBlob: Buffer.from(b64, 'base64')})

describe('known_hosts parsing and host matching (OpenSSH hostfile.c / match.c)', () => {
  it('parses markers, skips comments, blank, malformed and SSH1 lines, keeps 1-based line numbers', () => {
    const text = ['# comment', '', `host1 ssh-ed25519 ${ED_A}`, 'garbage', `@revoked * ssh-ed25519 ${ED_B}`, `@cert-authority *.lab ssh-ed25519 ${ED_A}`, '@bogus h ssh-ed25519 x', 'old 1024 35 1234', `\thost2  ssh-ed25519   ${ED_B} comment here`].join('\n')
    const e = parseKnownHosts(text, '/kh')
    expect(e.map((x) => [x.line, x.marker ?? '-', x.hosts])).toEqual([
      [3, '-', 'host1'],
      [5, 'revoked', '*'],
      [6, 'cert-authority', '*.lab'],
      [9, '-', 'host2'],
    ])
    expect(e[0]?.file).toBe('/kh')
  })

  it('names non-22 ports [host]:port and lowercases', () => {
    expect(knownHostsName('Dom0.Example', 22)).toBe('dom0.example')
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222')
  })

  it('matches comma lists, wildcards, negation, case-insensitively', () => {
    expect(hostFieldMatches('a,b,DOM0-*', 'dom0-7')).toBe(true)
    expect(hostFieldMatches('dom0-?', 'dom0-17')).toBe(false)
    expect(hostFieldMatches('dom0-*,!dom0-bad', 'dom0-bad')).toBe(false)
    expect(matchHostPatternList('dom0-bad', 'dom0-*,!dom0-bad')).toBe(-1)
    expect(matchHostPatternList('x', '!y')).toBe(0)
    expect(hostFieldMatches('[10.0.0.*]:2222', '[10.0.0.5]:2222')).toBe(true)
    expect(hostFieldMatches('10.0.0.5', '[10.0.0.5]:2222')).toBe(false)
  })

  it('matchPattern agrees with a regex model on random inputs', () => {
    const alpha = fc.constantFrom('a', 'b', '.', '*', '?')
    fc.assert(
      fc.property(fc.string({unit: alpha, maxLength: 8}), fc.string({unit: fc.constantFrom('a', 'b', '.'), maxLength: 8}), (pat, s) => {
        const re = new RegExp(`^${pat.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's')
        expect(matchPattern(s, pat)).toBe(re.test(s))
      }),
    )
  })

  it('hashed entries: our lines match only their own name, and ssh-keygen -F finds them', async () => {
    const line = hashedKnownHostsLine('[127.0.0.2]:2222', 'ssh-ed25519', ED_A)
    expect(line).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /)
    const [entry] = parseKnownHosts(line, 'f')
    expect(hostFieldMatches(entry!.hosts, '[127.0.0.2]:2222')).toBe(true)
    expect(hostFieldMatches(entry!.hosts, '[127.0.0.2]:2223')).toBe(false)
    expect(hostFieldMatches(entry!.hosts, '127.0.0.2')).toBe(false)
    const dir = await mkdtemp(join(tmpdir(), 'xenlift-kh-'))
    try {
      await writeFile(join(dir, 'kh'), `${line}\n`)
      const out = execFileSync('ssh-keygen', ['-F', '[127.0.0.2]:2222', '-f', join(dir, 'kh')], {encoding: 'utf8'})
      expect(out).toContain(ED_A)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('reads hashed lines written by ssh-keygen -H', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xenlift-kh-'))
    try {
      await writeFile(join(dir, 'kh'), `dom0-3.example,10.1.1.3 ssh-ed25519 ${ED_A}\n[dom0-4]:2222 ssh-ed25519 ${ED_B}\n`)
      execFileSync('ssh-keygen', ['-H', '-f', join(dir, 'kh')], {stdio: 'ignore'})
      const entries = parseKnownHosts(await readFile(join(dir, 'kh'), 'utf8'), 'kh')
      expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true)
      expect(checkHostKey(entries, ['10.1.1.3'], key(ED_A)).status).toBe('known')
      expect(checkHostKey(entries, ['dom0-3.example'], key(ED_A)).status).toBe('known')
      expect(checkHostKey(entries, ['[dom0-4]:2222'], key(ED_B)).status).toBe('known')
      expect(checkHostKey(entries, ['[dom0-4]:2222'], key(ED_A)).status).toBe('changed')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('fingerprints like ssh-keygen -l (unpadded base64 sha256)', () => {
    expect(sha256Fingerprint(Buffer.from(ED_A, 'base64'))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })
})

describe('host key policy', () => {
  const kh = (lines: string[]) => parseKnownHosts(lines.join('\n'), '/home/u/.ssh/known_hosts')

  it('known, unknown, changed (same type), changed (only another type known)', () => {
    const e = kh([`h1 ssh-ed25519 ${ED_A}`, `h2 ssh-rsa ${RSA}`])
    expect(checkHostKey(e, ['h1'], key(ED_A)).status).toBe('known')
    expect(checkHostKey(e, ['h3'], key(ED_A))).toEqual({status: 'unknown'})
    expect(checkHostKey(e, ['h1'], key(ED_B))).toMatchObject({status: 'changed', otherType: false, entry: {line: 1}})
    expect(checkHostKey(e, ['h2'], key(ED_A))).toMatchObject({status: 'changed', otherType: true, entry: {line: 2}})
  })

  it('a key listed twice (old + new line) is known if any line matches', () => {
    const e = kh([`h1 ssh-ed25519 ${ED_B}`, `h1 ssh-ed25519 ${ED_A}`])
    expect(checkHostKey(e, ['h1'], key(ED_A)).status).toBe('known')
  })

  it('@revoked wins over a matching plain line; @cert-authority is reported as unsupported', () => {
    const e = kh([`h1 ssh-ed25519 ${ED_A}`, `@revoked h1 ssh-ed25519 ${ED_A}`, `@cert-authority *.lab ssh-ed25519 ${ED_B}`])
    const revoked = checkHostKey(e, ['h1'], key(ED_A))
    expect(revoked).toMatchObject({status: 'revoked', entry: {line: 2}})
    const ca = checkHostKey(e, ['x.lab'], key(ED_A))
    expect(ca).toMatchObject({status: 'unknown', certAuthority: {line: 3}})
    if (ca.status !== 'unknown') throw new Error('unreachable')
    const err = hostKeyRefusal(ca, {host: 'x.lab', lookupName: 'x.lab', key: key(ED_A), userKnownHostsFile: '/k'})
    expect(err.message).toMatch(/@cert-authority .*not supported/)
  })

  it('refusal messages name the host, the fingerprint, the file:line and the next action', () => {
    const e = kh([`h1 ssh-ed25519 ${ED_B}`])
    const fp = sha256Fingerprint(Buffer.from(ED_A, 'base64'))
    const changed = checkHostKey(e, ['h1'], key(ED_A))
    if (changed.status === 'known') throw new Error('unreachable')
    const err = hostKeyRefusal(changed, {host: 'dom0-1', lookupName: 'h1', key: key(ED_A), userKnownHostsFile: '/home/u/.ssh/known_hosts'})
    expect(err.code).toBe('HOST_KEY_CHANGED')
    expect(err).toMatchObject({host: 'dom0-1', fingerprint: fp, knownHostsFile: '/home/u/.ssh/known_hosts', knownHostsLine: 1})
    expect(err.message).toContain(`ED25519 key is now ${fp}`)
    expect(err.message).toContain("ssh-keygen -R 'h1' -f /home/u/.ssh/known_hosts")
    const unknown = hostKeyRefusal({status: 'unknown'}, {host: 'dom0-9', lookupName: 'h9', key: key(ED_A), userKnownHostsFile: '/k'})
    expect(unknown.code).toBe('HOST_KEY_UNKNOWN')
    expect(unknown.message).toContain(`ED25519 key fingerprint is ${fp}`)
    expect(unknown.message).toContain('--accept-new-host-keys')
  })

  it('orders host key algorithms: known types first (RSA → rsa-sha2-*), then the defaults', () => {
    const e = kh([`h1 ssh-rsa ${RSA}`, `h1 ecdsa-sha2-nistp256 ${ED_A}`])
    const types = knownKeyTypes(e, ['h1'])
    expect(types).toEqual(['ssh-rsa', 'ecdsa-sha2-nistp256'])
    const algos = orderServerHostKeyAlgorithms(types)
    expect(algos.slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ecdsa-sha2-nistp256'])
    expect(algos).toContain('ssh-ed25519')
    expect(new Set(algos).size).toBe(algos.length)
    expect(orderServerHostKeyAlgorithms([])).not.toContain('ssh-dss')
    expect(orderServerHostKeyAlgorithms([], true)).toContain('ssh-dss')
    expect(orderServerHostKeyAlgorithms(['ssh-dss'])).not.toContain('ssh-dss')
    expect(orderServerHostKeyAlgorithms(['ssh-dss'], true)[0]).toBe('ssh-dss')
  })
})
