import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pLimit from 'p-limit'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadSshConfig, resolveSshHost} from '../../src/inventory/ssh-config.js'
import {ConnectError, HostKeyError} from '../../src/transport/errors.js'
import {SshConnectionPool} from '../../src/transport/ssh/connection-pool.js'
import {connectSsh, type SshTransportOptions} from '../../src/transport/ssh/ssh-transport.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== undefined)('ProxyJump, sudo and ~/.ssh/config end to end', () => {
  let lab: SshdLab
  let dir: string
  let opts: SshTransportOptions
  const [J, T, U] = ['127.0.0.2', '127.0.0.3', '127.0.0.4']

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xenlift-topo-'))
    // A stand-in sudo that records its argv, then runs the command after `--` (we are root).
    const bin = join(dir, 'bin')
    await mkdir(bin)
    await writeFile(join(bin, 'sudo'), `#!/bin/sh\nprintf '%s\\n' "$@" > "$XENLIFT_SIM_ROOT/sudo-argv"\n[ "$1" = -n ] && shift\n[ "$1" = -- ] && shift\nexec "$@"\n`)
    await chmod(join(bin, 'sudo'), 0o755)
    for (const h of [J, T, U]) await mkdir(join(dir, h))
    lab = await startSshd({hosts: [J, T, U].map((address) => ({address, root: join(dir, address), pathPrepend: [bin]}))})
    opts = {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], globalKnownHostsFiles: [], agent: false}
  })
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  const hop = (address: string) => ({host: `jump-${address}`, hostName: address, port: lab.port, user: lab.user})

  it('reaches a host through a jump host; the target session really rides on the jump connection', async () => {
    const t = await connectSsh({host: 'target', hostName: T, port: lab.port, user: lab.user, proxyJump: [hop(J)]}, opts)
    expect((await t.exec(['sh', '-c', 'echo $XENLIFT_SIM_HOST'])).stdout).toBe(`${T}\n`)
    // Killing the JUMP host's sessions drops the target connection: the path went through it.
    expect(lab.killSessions(J)).toBeGreaterThan(0)
    await expect(t.exec(['sleep', '5'])).rejects.toBeInstanceOf(ConnectError)
    await t.close()
  })

  it('chains two hops (J → T → U)', async () => {
    const t = await connectSsh({host: 'deep', hostName: U, port: lab.port, user: lab.user, proxyJump: [hop(J), hop(T)]}, opts)
    expect((await t.exec(['sh', '-c', 'echo $XENLIFT_SIM_HOST'])).stdout).toBe(`${U}\n`)
    await t.writeFileAtomic(join(dir, U, 'f'), 'via two hops')
    expect(await readFile(join(dir, U, 'f'), 'utf8')).toBe('via two hops')
    await t.close()
  })

  it('verifies every hop against its own known_hosts name', async () => {
    // known_hosts knows the target but not the jump host: the error names the jump host.
    const onlyTarget = join(dir, 'kh-only-target')
    await writeFile(onlyTarget, `${lab.knownHostsLine(T)}\n`)
    const err = await connectSsh({host: 'target', hostName: T, port: lab.port, user: lab.user, proxyJump: [hop(J)]}, {...opts, knownHostsFiles: [onlyTarget]}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HostKeyError)
    expect(err).toMatchObject({host: `jump-${J}`, fingerprint: lab.hostKeyFingerprints[J]})
    // And the other way round: a key valid for the jump does not pass for the target.
    const onlyJump = join(dir, 'kh-only-jump')
    await writeFile(onlyJump, `${lab.knownHostsLine(J)}\n[${T}]:${lab.port} ${lab.host(J).publicKey}\n`)
    const err2 = await connectSsh({host: 'target', hostName: T, port: lab.port, user: lab.user, proxyJump: [hop(J)]}, {...opts, knownHostsFiles: [onlyJump]}).catch((e: unknown) => e)
    expect(err2).toMatchObject({code: 'HOST_KEY_CHANGED', host: 'target'})
  })

  it('resolves ProxyJump from an ssh config file and connects through it', async () => {
    const cfg = join(dir, 'ssh_config')
    await writeFile(
      cfg,
      [`Host bastion`, `  HostName ${J}`, `Host dom0-*`, `  ProxyJump bastion`, `Host dom0-u`, `  HostName ${U}`, `Host *`, `  Port ${lab.port}`, `  User ${lab.user}`, `  IdentityFile ${lab.clientKeyFile}`, `  UserKnownHostsFile ${lab.knownHostsFile}`, ''].join('\n'),
    )
    const spec = resolveSshHost(await loadSshConfig({userConfigFile: cfg, systemConfigFile: false, home: dir}), 'dom0-u')
    expect(spec.proxyJump?.map((h) => h.hostName)).toEqual([J])
    const t = await connectSsh(spec, {agent: false, globalKnownHostsFiles: []})
    expect((await t.exec(['sh', '-c', 'echo $XENLIFT_SIM_HOST'])).stdout).toBe(`${U}\n`)
    await t.close()
  })

  it('ProxyCommand from ssh config: the stream goes through the spawned command', async () => {
    // A tiny TCP relay standing in for `nc %h %p` / `ssh -W %h:%p bastion`; it logs what it relays.
    const relay = join(dir, 'relay.cjs')
    await writeFile(relay, `const fs = require('fs'); fs.appendFileSync(process.argv[4], process.argv[2] + ':' + process.argv[3] + '\\n'); const s = require('net').connect(+process.argv[3], process.argv[2]); process.stdin.pipe(s).pipe(process.stdout); s.on('close', () => process.exit(0))`)
    const log = join(dir, 'relay.log')
    const cfg = join(dir, 'ssh_config_pc')
    await writeFile(cfg, [`Host via-pc`, `  HostName ${T}`, `  Port ${lab.port}`, `  User ${lab.user}`, `  ProxyCommand ${process.execPath} ${relay} %h %p ${log}`, ''].join('\n'))
    const spec = resolveSshHost(await loadSshConfig({userConfigFile: cfg, systemConfigFile: false, home: dir}), 'via-pc')
    expect(spec.proxyCommand).toBe(`${process.execPath} ${relay} ${T} ${lab.port} ${log}`)
    const t = await connectSsh(spec, opts)
    expect((await t.exec(['sh', '-c', 'echo $XENLIFT_SIM_HOST'])).stdout).toBe(`${T}\n`)
    await t.close()
    expect(await readFile(log, 'utf8')).toBe(`${T}:${lab.port}\n`)
    // A failing ProxyCommand is a ConnectError carrying its stderr.
    const err = await connectSsh({...spec, proxyCommand: 'echo "bastion unreachable" >&2; exit 1'}, opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConnectError)
    expect((err as Error).message).toContain('bastion unreachable')
  })

  it('wraps in sudo -n -- env LC_ALL=C when asked (argv as sudo received it)', async () => {
    const t = await connectSsh({host: T, port: lab.port, user: lab.user}, opts)
    const r = await t.exec(['sh', '-c', 'echo "$LC_ALL:$1"', 'sh', 'a b'], {sudo: true})
    expect(r).toMatchObject({exitCode: 0, stdout: 'C:a b\n'})
    expect((await readFile(join(dir, T, 'sudo-argv'), 'utf8')).split('\n')).toEqual(['-n', '--', 'env', 'LC_ALL=C', 'sh', '-c', 'echo "$LC_ALL:$1"', 'sh', 'a b', ''])
    await rm(join(dir, T, 'sudo-argv'))
    await t.exec(['true'])
    await expect(readFile(join(dir, T, 'sudo-argv'))).rejects.toThrow(/ENOENT/)
    await t.close()
  })
})

describe.skipIf(skip !== undefined)('fleet scale: 50 simulated hosts', () => {
  let lab: SshdLab
  const addresses = Array.from({length: 50}, (_, i) => `127.0.0.${i + 2}`)

  beforeAll(async () => {
    lab = await startSshd({hosts: addresses.map((address, i) => ({address, name: `dom0-${i}`}))})
  }, 120_000)
  afterAll(async () => lab?.stop())

  it('connects to all 50 concurrently, one pooled connection each, and every host answers as itself', async () => {
    const pool = new SshConnectionPool({identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], globalKnownHostsFiles: [], agent: false})
    const limit = pLimit(25)
    const answers = await Promise.all(
      addresses.map((address) =>
        limit(async () => {
          const t = await pool.get({host: address, port: lab.port, user: lab.user})
          // Several commands per host over the same connection, concurrently.
          const rs = await Promise.all([t.exec(['sh', '-c', 'echo $XENLIFT_SIM_HOST']), t.exec(['true']), t.stat('/')])
          expect(await pool.get({host: address, port: lab.port, user: lab.user})).toBe(t)
          return (rs[0] as {stdout: string}).stdout.trim()
        }),
      ),
    )
    expect(answers).toEqual(addresses.map((_, i) => `dom0-${i}`))
    expect(pool.size).toBe(50)
    await pool.closeAll()
    expect(pool.size).toBe(0)
  }, 120_000)
})
