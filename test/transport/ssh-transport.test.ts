import {readFileSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import ssh2 from 'ssh2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConnectError, RemoteFileError, TimeoutError} from '../../src/transport/errors.js'
import {connectSsh, type SshTransport} from '../../src/transport/ssh/ssh-transport.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== undefined)('SshTransport against a real sshd on loopback', () => {
  let lab: SshdLab
  let roots: string
  let t: SshTransport

  beforeAll(async () => {
    roots = await mkdtemp(join(tmpdir(), 'xenlift-ssh-roots-'))
    await mkdir(join(roots, 'h2/etc/xen'), {recursive: true})
    await writeFile(join(roots, 'h2/etc/xen/vm1.cfg'), 'name = "vm1"\n')
    lab = await startSshd({hosts: [{address: '127.0.0.2', name: 'dom0-a', root: join(roots, 'h2')}]})
    t = await connectSsh({host: '127.0.0.2', port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false})
  })
  afterAll(async () => {
    await t?.close()
    await lab?.stop()
    await rm(roots, {recursive: true, force: true})
  })

  it('logs in with the identity file and runs a command in the simulated host', async () => {
    expect(t.label).toBe(`ssh://${lab.user}@127.0.0.2:${lab.port}`)
    const r = await t.exec(['sh', '-c', 'echo "$XENLIFT_SIM_HOST $XENLIFT_SIM_ROOT"; echo oops >&2; exit 3'])
    expect(r).toEqual({stdout: `dom0-a ${join(roots, 'h2')}\n`, stderr: 'oops\n', exitCode: 3})
  })

  it('quotes every argument: spaces, quotes, $ and globs arrive verbatim', async () => {
    const args = ["it's", '$HOME', 'a  b', '*', '"x"', '`id`', ';', '', '\\n', 'ü']
    const r = await t.exec(['printf', '%s\\n', ...args])
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(''))
  })

  it('runs with LC_ALL=C and the requested env, and feeds stdin', async () => {
    const r = await t.exec(['sh', '-c', 'echo "$LC_ALL $FOO"; cat'], {env: {FOO: 'b a r'}, input: 'from stdin\n'})
    expect(r.stdout).toBe('C b a r\nfrom stdin\n')
  })

  it('reports a killed command with a null exit code and the signal', async () => {
    const r = await t.exec(['sh', '-c', 'kill -KILL $$'])
    expect(r.exitCode).toBeNull()
    expect(r.signal).toBe('SIGKILL') // Node's spelling, as LocalTransport reports it
  })

  it('writes atomically over sftp (tmp + posix-rename), keeps mode, reads back', async () => {
    const file = join(roots, 'h2/etc/xen/vm1.cfg')
    await t.writeFileAtomic(file, 'name = "vm1"\nmemory = 512\n', {mode: 0o640})
    expect(await readFile(file, 'utf8')).toBe('name = "vm1"\nmemory = 512\n')
    expect((await stat(file)).mode & 0o7777).toBe(0o640)
    // No mode given: the existing file's mode is kept.
    await t.writeFileAtomic(file, Buffer.from('name = "vm1"\n'))
    expect((await stat(file)).mode & 0o7777).toBe(0o640)
    expect((await t.readFile(file)).toString()).toBe('name = "vm1"\n')
    // No temp file left behind.
    expect((await t.readdir(join(roots, 'h2/etc/xen'))).map((e) => e.name)).toEqual(['vm1.cfg'])
  })

  it('stats, lists and resolves paths over sftp; missing paths are undefined / ENOENT', async () => {
    const dir = join(roots, 'h2/etc/xen')
    expect(await t.stat(join(dir, 'vm1.cfg'))).toMatchObject({type: 'file', size: 13, mode: 0o640}) // permission bits, as LocalTransport
    expect(await t.stat(join(dir, 'nope'))).toBeUndefined()
    expect(await t.readdir(join(roots, 'h2/etc'))).toEqual([{name: 'xen', type: 'directory'}])
    expect(await t.realpath(join(dir, '../xen/./vm1.cfg'))).toBe(join(dir, 'vm1.cfg'))
    const err = await t.readFile(join(dir, 'nope')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RemoteFileError)
    expect((err as RemoteFileError).code).toBe('ENOENT')
    expect((err as RemoteFileError).message).toContain('host 127.0.0.2')
  })

  it('kills a command that outlives its timeout, locally and on the remote side', async () => {
    const marker = join(roots, 'h2/timeout-marker')
    const err = await t.exec(['sh', '-c', `sleep 4; touch ${marker}`], {timeoutMs: 800}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect((err as TimeoutError).code).toBe('TIMEOUT')
    expect((err as TimeoutError).message).toContain('host 127.0.0.2')
    // The remote timeout(1) (1 s + 1 s) killed the whole process group before `touch` ran.
    await new Promise((r) => setTimeout(r, 4500))
    await expect(stat(marker)).rejects.toThrow(/ENOENT/)
    // The connection is still usable afterwards.
    expect((await t.exec(['true'])).exitCode).toBe(0)
  }, 15_000)

  it('fails a command cleanly (ConnectError, no hang) when the host drops the connection', async () => {
    const t2 = await connectSsh({host: '127.0.0.2', port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false})
    const running = t2.exec(['sleep', '30'])
    await new Promise((r) => setTimeout(r, 300))
    expect(lab.killSessions('127.0.0.2')).toBeGreaterThan(0)
    const err = await running.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectError)
    expect((err as ConnectError).code).toBe('CONNECTION_LOST')
    // Later calls fail fast with the same error instead of hanging.
    await expect(t2.exec(['true'])).rejects.toBeInstanceOf(ConnectError)
    await expect(t2.readFile('/etc/hostname')).rejects.toBeInstanceOf(ConnectError)
    await t2.close()
  })
})

describe.skipIf(skip !== undefined)('channel limiter against MaxSessions 3', () => {
  let lab: SshdLab
  beforeAll(async () => {
    lab = await startSshd({hosts: [{address: '127.0.0.2'}], maxSessions: 3})
  })
  afterAll(async () => lab?.stop())

  it('runs 20 concurrent execs over ONE connection when the limit is 3', async () => {
    const t = await connectSsh({host: '127.0.0.2', port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false, maxChannels: 3})
    const results = await Promise.all(Array.from({length: 20}, (_, i) => t.exec(['sh', '-c', `sleep 0.1; echo ${i}`])))
    expect(results.map((r) => r.stdout)).toEqual(Array.from({length: 20}, (_, i) => `${i}\n`))
    expect(results.every((r) => r.exitCode === 0)).toBe(true)
    await t.close()
  })

  it('learns a lower server limit: default 4 channels + sftp against MaxSessions 3 still all succeed', async () => {
    const t = await connectSsh({host: '127.0.0.2', port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false})
    expect(t.channelLimit).toBe(4)
    const [results, stat] = await Promise.all([Promise.all(Array.from({length: 20}, (_, i) => t.exec(['sh', '-c', `sleep 0.1; echo ${i}`]))), t.stat('/')])
    expect(results.map((r) => r.stdout)).toEqual(Array.from({length: 20}, (_, i) => `${i}\n`))
    expect(stat?.type).toBe('directory')
    expect(t.channelLimit).toBeLessThanOrEqual(3)
    await t.close()
  })

  it('without a limiter the same burst fails: proof that MaxSessions 3 bites', async () => {
    const client = new ssh2.Client()
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject)
      client.connect({host: '127.0.0.2', port: lab.port, username: lab.user, privateKey: readFileSync(lab.clientKeyFile), hostVerifier: () => true})
    })
    const settled = await Promise.allSettled(Array.from({length: 6}, () => rawExec(client, 'sleep 0.3')))
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThan(0)
    client.end()
  })
})

/** Open a channel straight on an ssh2 client, no limiter. */
function rawExec(client: ssh2.Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err)
      stream.on('close', () => resolve())
      stream.resume()
      stream.end()
    })
  })
}
