import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {sha256Fingerprint, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const skip = sshdUnavailableReason()

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

describe.skipIf(skip !== undefined)('sshd harness', () => {
  it('gives each host its own key, fingerprint and known_hosts line; stop() removes everything', async () => {
    const lab = await startSshd({hosts: [{address: '127.0.0.2'}, {address: '127.0.0.3'}]})
    const [a, b] = lab.hosts
    expect(a!.publicKey).not.toBe(b!.publicKey)
    expect(lab.hostKeyFingerprints['127.0.0.2']).toBe(sha256Fingerprint(a!.publicKey))
    expect(readFileSync(lab.knownHostsFile, 'utf8')).toBe(`[127.0.0.2]:${lab.port} ${a!.publicKey}\n[127.0.0.3]:${lab.port} ${b!.publicKey}\n`)
    expect(alive(a!.pid) && alive(b!.pid)).toBe(true)
    await lab.stop()
    expect(alive(a!.pid) || alive(b!.pid)).toBe(false)
    expect(() => readFileSync(lab.knownHostsFile)).toThrow(/ENOENT/)
  })

  it('leaves no sshd behind when the test process is SIGKILLed (watchdog pipe)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xenlift-harness-'))
    const script = join(dir, 'crash.mts')
    await writeFile(
      script,
      `import {startSshd} from ${JSON.stringify(resolve('test/helpers/sshd.ts'))}\n` +
        `const lab = await startSshd({hosts: [{address: '127.0.0.2'}]})\n` +
        `console.log(lab.host('127.0.0.2').pid)\n` +
        `setInterval(() => {}, 1000)\n`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], {stdio: ['ignore', 'pipe', 'inherit']})
    const pid = await new Promise<number>((res) => child.stdout.once('data', (b: Buffer) => res(Number(b.toString().trim()))))
    expect(alive(pid)).toBe(true)
    child.kill('SIGKILL')
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50))
    expect(alive(pid)).toBe(false)
    await rm(dir, {recursive: true, force: true})
  })
})
