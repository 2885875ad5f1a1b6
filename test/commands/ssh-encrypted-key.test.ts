import {execFileSync, spawn} from 'node:child_process'
import {copyFile, mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {REPO_ROOT, runCli} from '../helpers/cli.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd} from '../helpers/sim-host/fleet.js'
import {type SshdLab, sshdUnavailableReason} from '../helpers/sshd.js'

const PASSPHRASE = 'Tr0ub4dor-x9-passphrase'
const haveTools = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v ssh-agent && command -v ssh-add && command -v script'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

/** Runs the built CLI under `script`, i.e. on a real pseudo-terminal; answers each passphrase prompt when it shows. */
function onPty(args: readonly string[], answer: string): Promise<{code: number | null; screen: string}> {
  const command = [process.execPath, path.join(REPO_ROOT, 'bin/run.js'), ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, SSH_AUTH_SOCK: '', NO_COLOR: '1', TERM: 'dumb'}})
    let screen = ''
    let answered = 0
    const onData = (d: Buffer) => {
      screen += d.toString()
      // Answer every prompt that shows (a wrong answer brings another).
      while (answered < (screen.match(/Enter passphrase for key/g) ?? []).length) {
        answered++
        child.stdin.write(`${answer}\r`)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('close', (code) => resolve({code, screen}))
  })
}

describe.skipIf(sshdUnavailableReason() !== undefined || !haveTools)('an encrypted private key (-i) against a real sshd', () => {
  let dir: string
  let lab: SshdLab
  let key: string
  let common: string[]
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-enckey-'))
    const hosts = [await createSimHost({dir, name: 'a', profile: 'debian7-xend'}), await createSimHost({dir, name: 'b', profile: 'debian7-xend'})]
    lab = await startFleetSshd(hosts)
    // The lab's authorized key, encrypted with a passphrase (ssh-keygen -p on a copy).
    key = path.join(dir, 'id_enc')
    await copyFile(lab.clientKeyFile, key)
    execFileSync('ssh-keygen', ['-q', '-p', '-N', PASSPHRASE, '-f', key], {stdio: 'ignore'})
    common = ['--identity', key, '--known-hosts', lab.knownHostsFile, '--timeout', '30']
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  })
  const hostArgs = () => ['--host', `${lab.user}@127.0.0.2:${lab.port}`, '--host', `${lab.user}@127.0.0.3:${lab.port}`]

  it('no agent and no terminal: fails, naming the key file and both ways out (agent, terminal)', async () => {
    const r = await runCli(['scan', ...hostArgs(), ...common, '--json'], {env: {SSH_AUTH_SOCK: ''}})
    expect(r.code, r.stderr).toBe(1)
    const out = r.stdout + r.stderr
    expect(out).toContain(`identity file ${key} is encrypted`)
    expect(out).toContain(`ssh-add ${key}`)
    expect(out).toContain('run on a terminal to be asked')
  }, 120_000)

  it('with an ssh-agent holding the key (SSH_AUTH_SOCK): connects, no prompt, no warning', async () => {
    const sock = path.join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], {stdio: 'ignore'})
    try {
      for (let i = 0; i < 200; i++) {
        if (await stat(sock).then(() => true, () => false)) break
        await new Promise((r) => setTimeout(r, 20))
      }
      // ssh-add reads the passphrase through SSH_ASKPASS when forced (no terminal here).
      const askpass = path.join(dir, 'askpass.sh')
      execFileSync('sh', ['-c', `printf '#!/bin/sh\\necho %s\\n' '${PASSPHRASE}' > '${askpass}' && chmod 700 '${askpass}'`])
      execFileSync('ssh-add', [key], {env: {...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0'}, stdio: 'ignore'})
      const r = await runCli(['scan', ...hostArgs(), ...common, '--json'], {env: {SSH_AUTH_SOCK: sock}})
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({summary: {hosts: 2, failedHosts: 0}})
      expect(r.stderr).not.toContain('encrypted')
    } finally {
      agent.kill()
    }
  }, 120_000)

  // Exit 0 from scan: both hosts scanned (one failed host is exit 4). Uses the built CLI (npm run build).
  it('on a terminal without an agent: asks once for two hosts, without echo, and connects', async () => {
    const r = await onPty(['scan', ...hostArgs(), ...common], PASSPHRASE)
    expect(r.code, r.screen).toBe(0)
    expect(r.screen.match(/Enter passphrase for key '[^']+id_enc': /g), r.screen).toHaveLength(1)
    expect(r.screen).not.toContain(PASSPHRASE)
  }, 180_000)

  it('on a terminal, a wrong passphrase three times: fails naming the key, the passphrase shown nowhere', async () => {
    const r = await onPty(['scan', '--host', `${lab.user}@127.0.0.2:${lab.port}`, ...common], 'not-it')
    expect(r.code, r.screen).toBe(1)
    expect(r.screen.match(/Bad passphrase, try again/g), r.screen).toHaveLength(2)
    expect(r.screen).toContain(`identity file ${key} is encrypted and no right passphrase was given`)
    expect(r.screen).not.toContain('not-it')
  }, 180_000)
})
