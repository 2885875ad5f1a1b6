import {spawn} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {REPO_ROOT} from '../helpers/cli.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd} from '../helpers/sim-host/fleet.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'

/** Start the built CLI, send SIGINT once `ready()` holds, and collect the outcome. */
function interruptWhen(args: readonly string[], ready: () => boolean): Promise<{code: number | null; stdout: string; stderr: string; finishedFirst: boolean}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run.js'), ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    let exited = false
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const poll = setInterval(() => {
      if (exited || !ready()) return
      clearInterval(poll)
      child.kill('SIGINT')
    }, 5)
    child.on('error', reject)
    child.on('exit', (code, sig) => {
      stderr += `[exit ${code} ${sig}]`
      exited = true
      const finishedFirst = !stderr.includes('interrupted')
      clearInterval(poll)
      child.on('close', () => resolve({code, stdout, stderr, finishedFirst}))
    })
  })
}

describe('Ctrl-C (SIGINT to a real child process)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-sigint-'))
    const src = path.join(dir, 'xen')
    await mkdir(src)
    // Enough inputs that the run is still staging outputs when SIGINT arrives.
    await Promise.all(
      Array.from({length: 3000}, (_, i) =>
        writeFile(path.join(src, `vm${i}.cfg`), `name = "vm${i}"\nmemory = 512\nvcpus = 1\nkernel = "/boot/vmlinuz-xen"\ndisk = ['phy:/dev/vg0/vm${i},xvda,w']\nvif = ['bridge=br0']\n`),
      ),
    )
  }, 60_000)
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('convert -r -o: exits 130 and leaves no temp file and no partial output', async () => {
    const out = path.join(dir, 'out')
    const r = await interruptWhen(['convert', '-r', path.join(dir, 'xen'), '-o', out], () => existsSync(out) && readdirSync(out).some((n) => n.includes('.tmp-')))
    expect(r.finishedFirst, `${r.code} ${r.stderr.slice(0, 500)}` + 'the run finished before SIGINT arrived: make it longer').toBe(false)
    expect(r.code, r.stderr).toBe(130)
    const names = existsSync(out) ? await readdir(out) : []
    expect(names.filter((n) => !n.endsWith('.xml'))).toEqual([])
    for (const n of names) expect(await readFile(path.join(out, n), 'utf8'), n).toMatch(/<\/domain>\n$/)
  }, 120_000)

  it('check -o (a 5 MB HTML report, written in chunks): exits 130 with no report or a whole one, and no temp file', async () => {
    const out = path.join(dir, 'report')
    await mkdir(out)
    // SIGINT the moment the report (or its temp file) appears: mid-write.
    const r = await interruptWhen(['check', '-r', path.join(dir, 'xen'), '--format', 'html', '-o', path.join(out, 'check.html'), '--fail-on', 'never'], () => readdirSync(out).length > 0)
    expect(r.finishedFirst, `${r.code} ${r.stderr.slice(0, 500)}: the run finished before SIGINT arrived`).toBe(false)
    expect(r.code, r.stderr).toBe(130)
    const names = await readdir(out)
    expect(names.filter((n) => n !== 'check.html')).toEqual([])
    for (const n of names) expect(await readFile(path.join(out, n), 'utf8')).toMatch(/<\/html>\n?$/)
  }, 120_000)
})

/** Until none of the host's sshd session processes is left (the client closed its connections), or a deadline. */
async function sessionsLeft(lab: {signalSessions(address: string, signal: NodeJS.Signals): number}, address: string): Promise<number> {
  let n = lab.signalSessions(address, 'SIGCONT')
  for (let i = 0; i < 100 && n > 0; i++) {
    await new Promise((r) => setTimeout(r, 100))
    n = lab.signalSessions(address, 'SIGCONT')
  }
  return n
}

describe.skipIf(sshdUnavailableReason() !== undefined)('Ctrl-C during check -o and import over SSH (a dom0 whose commands are slow)', () => {
  for (const cmd of ['check', 'import'] as const) {
    it(`${cmd}: exits 130 while a remote command runs, no result, no output file, connections closed`, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), `xenlift-sigint-${cmd}-`))
      const log = path.join(dir, 'commands.log')
      const h = await createSimHost({dir, name: 'slow', profile: 'debian12-libvirt', delayMs: 3000, sharedLog: log})
      const lab = await startFleetSshd([h])
      try {
        const report = path.join(dir, 'report.md')
        const host = ['--host', `${lab.user}@127.0.0.2:${lab.port}`, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile]
        const args = cmd === 'check' ? ['check', ...host, '--format', 'markdown', '-o', report] : ['import', ...host, '--json']
        const r = await interruptWhen(args, () => existsSync(log) && readFileSync(log, 'utf8').includes(' begin'))
        expect(r.finishedFirst, r.stderr).toBe(false)
        expect(r.code, r.stderr).toBe(130)
        expect(r.stdout).toBe('')
        expect(readdirSync(dir).filter((n) => n.startsWith('report'))).toEqual([])
        expect(await sessionsLeft(lab, '127.0.0.2'), 'sshd session processes left after the client exited').toBe(0)
      } finally {
        await lab.stop()
        await rm(dir, {recursive: true, force: true})
      }
    }, 120_000)
  }
})

describe.skipIf(sshdUnavailableReason() !== undefined)('Ctrl-C during scan over SSH (a dom0 whose commands are slow)', () => {
  it('exits 130 while a remote command runs, printing no result', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xenlift-sigint-scan-'))
    const log = path.join(dir, 'commands.log')
    const h = await createSimHost({dir, name: 'slow', profile: 'sles11-xend', delayMs: 3000, sharedLog: log})
    const lab = await startFleetSshd([h])
    try {
      const args = ['scan', '--host', `${lab.user}@127.0.0.2:${lab.port}`, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--json']
      // SIGINT once a stand-in has begun: the connection is up and a command is in flight.
      const r = await interruptWhen(args, () => existsSync(log) && readFileSync(log, 'utf8').includes(' begin'))
      expect(r.finishedFirst, r.stderr).toBe(false)
      expect(r.code, r.stderr).toBe(130)
      expect(r.stdout).toBe('')
    } finally {
      await lab.stop()
      await rm(dir, {recursive: true, force: true})
    }
  }, 120_000)
})
