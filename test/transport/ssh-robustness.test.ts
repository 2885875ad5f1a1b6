import {randomBytes} from 'node:crypto'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConnectError, RemoteFileError} from '../../src/transport/errors.js'
import {SshConnectionPool} from '../../src/transport/ssh/connection-pool.js'
import {connectSsh, type SshTransport, type SshTransportOptions} from '../../src/transport/ssh/ssh-transport.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== undefined)('SshTransport robustness on real sshd', () => {
  let lab: SshdLab
  let dir: string
  let opts: SshTransportOptions
  let t: SshTransport
  const A = '127.0.0.2'
  const NOFWD = '127.0.0.3'
  const ONE = '127.0.0.4'
  const NOSFTP = '127.0.0.5'

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xenlift-robust-'))
    lab = await startSshd({hosts: [{address: A}, {address: NOFWD, extraConfig: ['AllowTcpForwarding no']}, {address: ONE, maxSessions: 1}, {address: NOSFTP, sftp: false}]})
    opts = {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], globalKnownHostsFiles: [], agent: false}
    t = await connectSsh({host: A, port: lab.port, user: lab.user}, opts)
  })
  afterAll(async () => {
    await t?.close()
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('any argv survives the real login shell over SSH (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({unit: 'grapheme', maxLength: 10}), {minLength: 1, maxLength: 5}), async (args) => {
        const r = await t.exec(['printf', '%s\\0', ...args])
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(args)
      }),
      {numRuns: 25},
    )
  })

  it('streams large stdin and stdout (beyond the SSH window) intact', async () => {
    const input = randomBytes(1_500_000).toString('base64')
    const r = await t.exec(['sh', '-c', 'cat; head -c 3000000 /dev/zero | tr "\\0" x'], {input})
    expect(r.exitCode).toBe(0)
    expect(r.stdout.length).toBe(input.length + 3_000_000)
    expect(r.stdout.slice(0, input.length)).toBe(input)
  })

  it('round-trips binary files over sftp and refuses writes into a missing directory cleanly', async () => {
    const data = randomBytes(300_000)
    await t.writeFileAtomic(join(dir, 'blob'), data)
    expect((await readFile(join(dir, 'blob'))).equals(data)).toBe(true)
    expect((await t.readFile(join(dir, 'blob'))).equals(data)).toBe(true)
    const err = await t.writeFileAtomic(join(dir, 'missing/dir/f'), 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RemoteFileError)
    expect((err as RemoteFileError).code).toBe('ENOENT')
  })

  it('reports symlinks as symlinks (lstat) and resolves them with realpath', async () => {
    await mkdir(join(dir, 'auto'), {recursive: true})
    await writeFile(join(dir, 'vm.cfg'), 'x')
    const {symlink} = await import('node:fs/promises')
    await symlink(join(dir, 'vm.cfg'), join(dir, 'auto/vm.cfg'))
    expect(await t.readdir(join(dir, 'auto'))).toEqual([{name: 'vm.cfg', type: 'symlink'}])
    expect((await t.stat(join(dir, 'auto/vm.cfg')))?.type).toBe('symlink')
    expect(await t.realpath(join(dir, 'auto/vm.cfg'))).toBe(join(dir, 'vm.cfg'))
  })

  it('a jump host that forbids TCP forwarding gives a ConnectError naming the jump and the target', async () => {
    const err = await connectSsh({host: 'dom0-x', hostName: A, port: lab.port, user: lab.user, proxyJump: [{host: 'bastion', hostName: NOFWD, port: lab.port, user: lab.user}]}, opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectError)
    expect((err as Error).message).toMatch(/jump host bastion could not open a connection to 127\.0\.0\.2/)
  })

  it('legacy algorithms can be enabled without breaking modern servers', async () => {
    const legacy = await connectSsh({host: A, port: lab.port, user: lab.user}, {...opts, legacyAlgorithms: true})
    expect((await legacy.exec(['true'])).exitCode).toBe(0)
    await legacy.close()
  })

  it('the pool reconnects after a lost connection instead of handing out a dead one', async () => {
    const pool = new SshConnectionPool(opts)
    const spec = {host: A, port: lab.port, user: lab.user}
    const first = await pool.get(spec)
    const p = first.exec(['sleep', '10'])
    await new Promise((r) => setTimeout(r, 200))
    lab.killSessions(A)
    await expect(p).rejects.toBeInstanceOf(ConnectError)
    const second = await pool.get(spec)
    expect(second).not.toBe(first)
    expect((await second.exec(['true'])).exitCode).toBe(0)
    await pool.closeAll()
    // The shared transport `t` was on the same host: it is gone too, and says so.
    t = await connectSsh(spec, opts)
  })

  it('MaxSessions 1: execs queue, and an idle sftp session gives its channel back to an exec', async () => {
    const one = await connectSsh({host: ONE, port: lab.port, user: lab.user}, opts)
    const rs = await Promise.all(Array.from({length: 5}, (_, i) => one.exec(['echo', String(i)])))
    expect(rs.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n'])
    expect((await one.stat('/'))?.type).toBe('directory')
    expect((await one.exec(['echo', 'after sftp'])).stdout).toBe('after sftp\n')
    expect((await one.stat('/'))?.type).toBe('directory')
    await one.close()
  })

  it('a host without SFTP: file calls fall back to shell commands, same results, one warning', async () => {
    const warnings: string[] = []
    const n = await connectSsh({host: NOSFTP, port: lab.port, user: lab.user}, {...opts, onWarning: (m) => warnings.push(m)})
    const d = join(dir, 'nosftp')
    await mkdir(join(d, 'sub'), {recursive: true})
    const {symlink} = await import('node:fs/promises')
    const data = Buffer.concat([randomBytes(70_000), Buffer.from("\n'it's' $x\0")])
    await n.writeFileAtomic(join(d, 'f b'), data, {mode: 0o600})
    expect((await readFile(join(d, 'f b'))).equals(data)).toBe(true)
    expect((await n.readFile(join(d, 'f b'))).equals(data)).toBe(true)
    expect(await n.stat(join(d, 'f b'))).toMatchObject({type: 'file', size: data.length, mode: 0o600})
    await n.writeFileAtomic(join(d, 'f b'), 'v2')
    expect(await n.stat(join(d, 'f b'))).toMatchObject({size: 2, mode: 0o600})
    await symlink(join(d, 'f b'), join(d, 'link'))
    expect(await n.readdir(d)).toEqual([
      {name: 'f b', type: 'file'},
      {name: 'link', type: 'symlink'},
      {name: 'sub', type: 'directory'},
    ])
    expect((await n.stat(join(d, 'link')))?.type).toBe('symlink')
    expect(await n.realpath(join(d, 'sub/../link'))).toBe(join(d, 'f b'))
    expect(await n.stat(join(d, 'missing'))).toBeUndefined()
    await expect(n.readFile(join(d, 'missing'))).rejects.toMatchObject({code: 'ENOENT'})
    await expect(n.realpath(join(d, 'missing'))).rejects.toMatchObject({code: 'ENOENT'})
    await expect(n.writeFileAtomic(join(d, 'nodir/x'), 'x')).rejects.toMatchObject({code: 'ENOENT'})
    expect(warnings.filter((w) => w.includes('Subsystem sftp'))).toHaveLength(1)
    await n.close()
  })

  it('close() is idempotent and later calls fail with ConnectError', async () => {
    const c = await connectSsh({host: A, port: lab.port, user: lab.user}, opts)
    await c.close()
    await c.close()
    await expect(c.exec(['true'])).rejects.toBeInstanceOf(ConnectError)
    await expect(c.stat('/')).rejects.toBeInstanceOf(ConnectError)
  })
})
