import {execFileSync, spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConnectError, TimeoutError} from '../../src/transport/errors.js'
import {connectSsh, type SshTransportOptions} from '../../src/transport/ssh/ssh-transport.js'
import {generateKey, type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== undefined)('connect timeout, keepalive, host key algorithm order, agent', () => {
  let lab: SshdLab
  let dir: string
  let opts: SshTransportOptions
  const A = '127.0.0.2'
  const R = '127.0.0.3'
  const STRICT = '127.0.0.4'
  const OLD_KEX = '127.0.0.5'
  const DSA_ONLY = '127.0.0.6'

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xenlift-live-'))
    lab = await startSshd({
      hosts: [
        {address: A},
        {address: R, extraHostKeyTypes: ['rsa', 'ecdsa']},
        {address: STRICT, extraConfig: ['MaxAuthTries 1']},
        // Old dom0s: SHA-1 DH only with an RSA key (pre-6.7 era), and a DSA-only host.
        {address: OLD_KEX, extraHostKeyTypes: ['rsa'], extraConfig: ['KexAlgorithms diffie-hellman-group14-sha1', 'HostKeyAlgorithms ssh-rsa']},
        {address: DSA_ONLY, extraHostKeyTypes: ['dsa'], extraConfig: ['HostKeyAlgorithms ssh-dss']},
      ],
    })
    opts = {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], globalKnownHostsFiles: [], agent: false}
  })
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('a host that accepts TCP but never speaks SSH fails with TimeoutError after ConnectTimeout', async () => {
    const sockets: Socket[] = []
    const silent: Server = createServer((s) => sockets.push(s))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
    const port = (silent.address() as {port: number}).port
    const err = await connectSsh({host: 'silent', hostName: '127.0.0.1', port, user: 'root', connectTimeoutMs: 500}, opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(err).toMatchObject({code: 'TIMEOUT', host: 'silent', timeoutMs: 500})
    expect((err as Error).message).toContain(`127.0.0.1:${port}`)
    for (const s of sockets) s.destroy()
    silent.close()
  })

  it('keepalive notices a peer that silently stopped answering: pending exec fails, no hang', async () => {
    const t = await connectSsh({host: A, port: lab.port, user: lab.user}, {...opts, keepaliveIntervalMs: 200, keepaliveCountMax: 2})
    const running = t.exec(['sleep', '60'])
    await new Promise((r) => setTimeout(r, 300))
    expect(lab.signalSessions(A, 'SIGSTOP')).toBeGreaterThan(0)
    try {
      const err = await running.catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConnectError)
      expect((err as ConnectError).code).toBe('CONNECTION_LOST')
      expect(t.connected).toBe(false)
    } finally {
      lab.signalSessions(A, 'SIGKILL')
      await t.close()
    }
  })

  it('offers the key types known_hosts has for the host first (RSA-only entry on a host that prefers ed25519)', async () => {
    const rsa = lab.host(R).publicKeys['ssh-rsa']!
    const ecdsa = lab.host(R).publicKeys['ecdsa-sha2-nistp256']!
    expect(rsa).toMatch(/^ssh-rsa /)
    for (const key of [rsa, ecdsa]) {
      const file = join(dir, `kh-${key.split(' ')[0]}`)
      await writeFile(file, `[${R}]:${lab.port} ${key}\n`)
      const t = await connectSsh({host: R, port: lab.port, user: lab.user}, {...opts, knownHostsFiles: [file]})
      expect((await t.exec(['true'])).exitCode).toBe(0)
      await t.close()
    }
  })

  it('old algorithms only behind legacyAlgorithms (SHA-1 DH kex, ssh-dss host key), with a hint when missing', async () => {
    for (const [address, type] of [
      [OLD_KEX, 'ssh-rsa'],
      [DSA_ONLY, 'ssh-dss'],
    ] as const) {
      const file = join(dir, `kh-legacy-${address}`)
      await writeFile(file, `[${address}]:${lab.port} ${lab.host(address).publicKeys[type]}\n`)
      const o = {...opts, knownHostsFiles: [file]}
      const err = await connectSsh({host: address, port: lab.port, user: lab.user}, o).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConnectError)
      expect((err as Error).message).toContain('--ssh-legacy-algorithms')
      const t = await connectSsh({host: address, port: lab.port, user: lab.user}, {...o, legacyAlgorithms: true})
      expect((await t.exec(['true'])).exitCode).toBe(0)
      await t.close()
    }
  })

  it('uses identity files first, then ssh-agent', async () => {
    const agentDir = await mkdtemp(join(tmpdir(), 'xenlift-agent-'))
    const sock = join(agentDir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], {stdio: 'ignore'})
    try {
      for (let i = 0; i < 100 && !(await exists(sock)); i++) await new Promise((r) => setTimeout(r, 20))
      const stranger = join(agentDir, 'stranger')
      await generateKey(stranger)
      const env = {...process.env, SSH_AUTH_SOCK: sock}
      // 1. The file key is a stranger, the agent holds the right key: falls through to the agent.
      execFileSync('ssh-add', [lab.clientKeyFile], {env, stdio: 'ignore'})
      const t = await connectSsh({host: A, port: lab.port, user: lab.user}, {...opts, identityFiles: [stranger], agent: sock})
      expect((await t.exec(['true'])).exitCode).toBe(0)
      await t.close()
      // The same agent named by ssh_config IdentityAgent (no agent option given).
      const {agent: _none, ...noAgentOpts} = opts
      const viaConfig = await connectSsh({host: A, port: lab.port, user: lab.user, identityAgent: sock}, {...noAgentOpts, identityFiles: [stranger]})
      await viaConfig.close()
      await expect(connectSsh({host: A, port: lab.port, user: lab.user, identityAgent: false}, {...noAgentOpts, identityFiles: [stranger]})).rejects.toMatchObject({code: 'AUTH_FAILED'})
      // IdentitiesOnly: the agent is not used, so the stranger key alone fails.
      await expect(connectSsh({host: A, port: lab.port, user: lab.user, identitiesOnly: true}, {...opts, identityFiles: [stranger], agent: sock})).rejects.toMatchObject({code: 'AUTH_FAILED'})
      // 2. Order: the agent now holds only the stranger key, the file is right, and sshd allows
      //    ONE attempt (MaxAuthTries 1). Only "file first" gets in.
      execFileSync('ssh-add', ['-D'], {env, stdio: 'ignore'})
      execFileSync('ssh-add', [stranger], {env, stdio: 'ignore'})
      const first = await connectSsh({host: STRICT, port: lab.port, user: lab.user}, {...opts, agent: sock})
      await first.close()
      // The control: agent first (stranger) and the right key second is rejected by sshd.
      await expect(connectSsh({host: STRICT, port: lab.port, user: lab.user}, {...opts, identityFiles: [stranger, lab.clientKeyFile], agent: false})).rejects.toMatchObject({code: 'AUTH_FAILED'})
    } finally {
      agent.kill('SIGTERM')
      await rm(agentDir, {recursive: true, force: true})
    }
  })
})

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
  )
}
