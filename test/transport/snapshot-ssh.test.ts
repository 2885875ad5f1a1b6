import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {gatherHost} from '../../src/host/gather.js'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {connectSsh} from '../../src/transport/ssh/ssh-transport.js'
import {writeLoggingTools} from '../helpers/logging-tools.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

/**
 * What the snapshot costs a real host over SSH, in processes: logging stand-ins for the tools
 * the remote command line and the script may start (first on PATH) write one line per start.
 */
const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const LOGGED = ['sh', 'env', 'timeout', 'od', 'stat', 'readlink', 'ls']
// The program file, not a shell built-in of that name (`true`, `printf`).
const which = (tool: string): string => execFileSync('bash', ['-c', `type -P ${tool}`]).toString().trim()

describe.skipIf(sshdUnavailableReason() !== undefined)('the snapshot over a real sshd', () => {
  let dir: string
  let lab: SshdLab
  let host: SimHost
  let log: string
  let noTimeoutRoot: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-snapshot-ssh-'))
    host = await createSimHost({dir, name: 'dom0', profile: 'sles11-xend', tree: DEMO})
    const logBin = path.join(dir, 'bin-logged')
    log = path.join(dir, 'started.log')
    // One line per start: the tool and its first words (for timeout: what it runs).
    await writeLoggingTools(logBin, LOGGED, log, {withArgs: true})
    // A host without timeout(1) (coreutils < 7): only what the login shell and the script use.
    const bare = path.join(dir, 'bin-no-timeout')
    await mkdir(bare)
    for (const tool of ['sh', 'env', 'true', 'od', 'stat', 'readlink', 'ls', 'sleep', 'touch', 'cat']) await symlink(which(tool), path.join(bare, tool))
    noTimeoutRoot = path.join(dir, 'no-timeout')
    await mkdir(noTimeoutRoot)
    lab = await startSshd({
      hosts: [
        {address: '127.0.0.2', name: host.name, root: host.root, pathPrepend: [logBin, host.binDir]},
        {address: '127.0.0.3', name: 'old', root: noTimeoutRoot, env: {PATH: bare}},
      ],
    })
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  const connect = (address: string) =>
    connectSsh({host: address, port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false})
  const started = async (): Promise<string[]> => (await readFile(log, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean)

  it('a scan\'s gather is one bare `sh -s`: no `sh -c`, `env` or `timeout` layer around the script', async () => {
    const ssh = await connect('127.0.0.2')
    let view
    try {
      await writeFile(log, '')
      view = await gatherHost(new RootedTransport(ssh, host.root), {timeoutMs: 20_000})
      expect((await view.exec(['xm', 'list'])).stdout).toContain('Domain-0')
    } finally {
      await ssh.close()
    }
    const lines = await started()
    expect(lines.filter((l) => l.startsWith('sh '))).toEqual(['sh -s'])
    expect(lines.filter((l) => l.startsWith('env '))).toEqual([])
    // The demo tree's sizes with one stat, its one symlink with one readlink, every file's
    // contents and every probe's output with one od.
    expect(lines.filter((l) => /^(od|stat|readlink|ls) /.test(l)).map((l) => l.split(' ')[0]).sort()).toEqual(['od', 'readlink', 'stat'])
    // timeout(1) only around the probes that can wait on xend, the hypervisor or libvirtd: not
    // around the script itself, nor `virsh --version` and `modinfo` (quick: local files only).
    const timed = lines.filter((l) => l.startsWith('timeout ')).map((l) => l.split(' ').slice(4).join(' '))
    expect(timed).toEqual(['xm list', 'xl info', 'virsh -c xen:///system uri'])
    expect((await view.exec(['virsh', '--version'])).exitCode).toBe(0)
  }, 60_000)

  it('with timeout(1) on the host, a probe that hangs is stopped there and the next probe still answers', async () => {
    const marker = path.join(dir, 'hung-probe-ran-on')
    const ssh = await connect('127.0.0.2')
    try {
      const snap = await ssh.snapshot({trees: [], probes: [{argv: ['sh', '-c', `sleep 3; touch ${marker}`]}, {argv: ['echo', 'next']}], maxFileBytes: 0, timeoutMs: 1000})
      expect(snap?.probes).toEqual(['timeout', {stdout: 'next\n', stderr: '', exitCode: 0}])
    } finally {
      await ssh.close()
    }
    // Killed on the host (not merely abandoned): the rest of its command never runs.
    await new Promise((r) => setTimeout(r, 3500))
    expect(existsSync(marker)).toBe(false)
  }, 30_000)

  it('without timeout(1) on the host, the local timer still ends the snapshot', async () => {
    const ssh = await connect('127.0.0.3')
    try {
      expect((await ssh.exec(['sh', '-c', 'command -v timeout || echo none'])).stdout).toBe('none\n')
      const t0 = Date.now()
      const err = await ssh.snapshot({trees: [], probes: [{argv: ['sleep', '20']}], maxFileBytes: 0, timeoutMs: 1000}).catch((e: unknown) => e)
      expect(err).toMatchObject({code: 'TIMEOUT'})
      expect(Date.now() - t0).toBeLessThan(10_000)
      expect((await ssh.exec(['true'])).exitCode).toBe(0)
    } finally {
      await ssh.close()
    }
  }, 30_000)
})
