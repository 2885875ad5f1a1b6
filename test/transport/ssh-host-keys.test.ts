import {execFileSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConnectError, HostKeyError} from '../../src/transport/errors.js'
import {connectSsh, type SshTransportOptions} from '../../src/transport/ssh/ssh-transport.js'
import {generateKey, type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== undefined)('host key verification and authentication against real sshd', () => {
  let lab: SshdLab
  let dir: string
  let n = 0
  const A = '127.0.0.2'
  const B = '127.0.0.3'

  beforeAll(async () => {
    lab = await startSshd({hosts: [{address: A}, {address: B}]})
    dir = await mkdtemp(join(tmpdir(), 'xenlift-hk-'))
  })
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  /** A fresh known_hosts file with the given lines. */
  async function knownHosts(lines: string[]): Promise<string> {
    const file = join(dir, `known_hosts-${n++}`)
    await writeFile(file, lines.map((l) => `${l}\n`).join(''))
    return file
  }
  const spec = (address: string) => ({host: address, port: lab.port, user: lab.user})
  const opts = (knownHostsFile: string, more: SshTransportOptions = {}): SshTransportOptions => ({
    identityFiles: [lab.clientKeyFile],
    knownHostsFiles: [knownHostsFile],
    globalKnownHostsFiles: [],
    agent: false,
    ...more,
  })

  it('connects when the key is known', async () => {
    const t = await connectSsh(spec(A), opts(lab.knownHostsFile))
    expect((await t.exec(['true'])).exitCode).toBe(0)
    await t.close()
  })

  it('refuses an unknown host key and reports its SHA256 fingerprint like OpenSSH', async () => {
    const err = await connectSsh(spec(A), opts(await knownHosts([]))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HostKeyError)
    const e = err as HostKeyError
    expect(e.code).toBe('HOST_KEY_UNKNOWN')
    expect(e.fingerprint).toBe(lab.hostKeyFingerprints[A])
    expect(e.message).toContain(`ED25519 key fingerprint is ${lab.hostKeyFingerprints[A]}`)
    // The same fingerprint ssh-keygen prints for the host's public key.
    const keygen = execFileSync('ssh-keygen', ['-l', '-f', `${lab.host(A).hostKeyFile}.pub`], {encoding: 'utf8'})
    expect(keygen).toContain(e.fingerprint)
  })

  it('accept-new appends a hashed entry, then connects without it', async () => {
    const file = await knownHosts([`# keep me`])
    const warnings: string[] = []
    const t = await connectSsh(spec(A), opts(file, {acceptNewHostKeys: true, onWarning: (m) => warnings.push(m)}))
    await t.close()
    const lines = (await readFile(file, 'utf8')).trim().split('\n')
    expect(lines[0]).toBe('# keep me')
    expect(lines[1]).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /)
    expect(lines[1]).not.toContain(A)
    expect(lines[1]?.endsWith(lab.host(A).publicKey.split(' ')[1]!)).toBe(true)
    expect(warnings.join('\n')).toContain(`Permanently added '[${A}]:${lab.port}'`)
    // OpenSSH finds our hashed line too.
    expect(execFileSync('ssh-keygen', ['-F', `[${A}]:${lab.port}`, '-f', file], {encoding: 'utf8'})).toContain('ssh-ed25519')
    const again = await connectSsh(spec(A), opts(file))
    await again.close()
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2)
  })

  it('refuses a changed key ALWAYS (even with accept-new), naming the file and line', async () => {
    // known_hosts says A has B's key.
    const file = await knownHosts(['# header', `[${A}]:${lab.port} ${lab.host(B).publicKey}`])
    for (const acceptNewHostKeys of [false, true]) {
      const err = await connectSsh(spec(A), opts(file, {acceptNewHostKeys})).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(HostKeyError)
      expect(err).toMatchObject({code: 'HOST_KEY_CHANGED', knownHostsFile: file, knownHostsLine: 2, fingerprint: lab.hostKeyFingerprints[A]})
      expect((err as Error).message).toContain(`${file} line 2`)
    }
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3)
  })

  it('refuses a @revoked key even when a plain line also lists it', async () => {
    const file = await knownHosts([lab.knownHostsLine(A), `@revoked * ${lab.host(A).publicKey}`])
    const err = await connectSsh(spec(A), opts(file)).catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'HOST_KEY_REVOKED', knownHostsLine: 2})
  })

  it('accepts hashed (ssh-keygen -H), wildcard and global known_hosts entries', async () => {
    const hashed = await knownHosts([lab.knownHostsLine(A)])
    execFileSync('ssh-keygen', ['-H', '-f', hashed], {stdio: 'ignore'})
    expect(await readFile(hashed, 'utf8')).not.toContain(A)
    await (await connectSsh(spec(A), opts(hashed))).close()

    const wildcard = await knownHosts([`[127.0.0.*]:${lab.port},!127.0.0.9 ${lab.host(A).publicKey}`])
    await (await connectSsh(spec(A), opts(wildcard))).close()

    const global = await knownHosts([lab.knownHostsLine(A)])
    await (await connectSsh(spec(A), opts(await knownHosts([]), {globalKnownHostsFiles: [global]}))).close()
  })

  it('HostKeyAlias: the alias is looked up instead of the address', async () => {
    const file = await knownHosts([`dom0-alias ${lab.host(A).publicKey}`])
    await (await connectSsh({...spec(A), hostKeyAlias: 'dom0-alias'}, opts(file))).close()
  })

  it('authentication failure is a ConnectError(AUTH_FAILED) naming user and keys tried', async () => {
    const stranger = join(dir, 'stranger_key')
    await generateKey(stranger)
    const err = await connectSsh(spec(A), {...opts(lab.knownHostsFile), identityFiles: [stranger]}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectError)
    expect(err).toMatchObject({code: 'AUTH_FAILED', host: A})
    expect((err as Error).message).toContain(`permission denied for ${lab.user}@${A}`)
    expect((err as Error).message).toContain(stranger)
  })

  it('an encrypted identity is skipped with a hint, and the next key is used', async () => {
    const locked = join(dir, 'locked_key')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', locked], {stdio: 'ignore'})
    const warnings: string[] = []
    const t = await connectSsh(spec(A), {...opts(lab.knownHostsFile), identityFiles: [locked, lab.clientKeyFile], onWarning: (m) => warnings.push(m)})
    await t.close()
    expect(warnings.join('\n')).toContain(`ssh-add ${locked}`)
  })

  it('a closed port is a ConnectError naming host and port', async () => {
    const err = await connectSsh({host: '127.0.0.9', port: lab.port, user: lab.user}, opts(lab.knownHostsFile)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectError)
    expect((err as ConnectError).code).toBe('CONNECT_FAILED')
    expect((err as Error).message).toContain(`127.0.0.9:${lab.port}`)
  })
})
