import {execFileSync} from 'node:child_process'
import {mkdtemp, rename, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {defaultIdentityFiles, planAuth} from '../../src/transport/ssh/auth.js'

const haveKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'})
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT'
  }
})()

describe.skipIf(!haveKeygen)('planAuth: identity files first, then the agent', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xenlift-auth-'))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'a')])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pw', '-f', join(dir, 'locked')])
    // Keys opened once stay open for the process: cases that must not open use keys of their own.
    for (const name of ['locked-never', 'locked-shared']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pw', '-f', join(dir, name)])
    await writeFile(join(dir, 'junk'), 'not a key')
  })
  afterAll(async () => rm(dir, {recursive: true, force: true}))

  it('keeps order, skips what cannot be used with a reason, adds the agent last', async () => {
    const plan = await planAuth({
      username: 'root',
      identityFiles: [join(dir, 'missing-cli'), join(dir, 'missing-config'), join(dir, 'locked'), join(dir, 'junk'), join(dir, 'a'), join(dir, 'a')],
      explicitFiles: [join(dir, 'missing-cli')],
      agent: '/run/agent.sock',
      identitiesOnly: false,
    })
    expect(plan.methods.map((m) => m.type)).toEqual(['publickey', 'agent'])
    expect(plan.tried).toEqual([join(dir, 'a'), 'ssh-agent (/run/agent.sock)'])
    // The encrypted key is left to the agent without a word (where ssh-add put it).
    expect(plan.warnings).toHaveLength(2)
    expect(plan.warnings[0]).toContain('missing-cli')
    expect(plan.warnings.join('\n')).not.toContain('missing-config')
    expect(plan.warnings[1]).toContain('junk')
  })

  it('a passphrase unlocks an encrypted key; IdentitiesOnly drops the agent', async () => {
    const plan = await planAuth({username: 'u', identityFiles: [join(dir, 'locked')], agent: '/s', identitiesOnly: true, passphrase: 'pw'})
    expect(plan.methods.map((m) => m.type)).toEqual(['publickey'])
    expect(plan.warnings).toEqual([])
  })

  it('an encrypted key: quietly left to the agent when there is one; else locked, naming the file and both ways out', async () => {
    const withAgent = await planAuth({username: 'u', identityFiles: [join(dir, 'locked')], agent: '/run/agent.sock', identitiesOnly: false})
    expect(withAgent.methods.map((m) => m.type)).toEqual(['agent'])
    expect(withAgent.warnings).toEqual([])
    expect(withAgent.locked).toEqual([])
    const alone = await planAuth({username: 'u', identityFiles: [join(dir, 'locked')], agent: undefined, identitiesOnly: false})
    expect(alone.methods).toEqual([])
    expect(alone.locked).toHaveLength(1)
    expect(alone.locked[0]).toContain(`identity file ${join(dir, 'locked')} is encrypted`)
    expect(alone.locked[0]).toContain(`ssh-add ${join(dir, 'locked')}`)
    expect(alone.locked[0]).toContain('terminal')
  })

  it('an encrypted key without an agent: asks, again after a wrong passphrase (at most 3 times), and the passphrase is in no message', async () => {
    const asked: [string, boolean][] = []
    const answers = ['wrong', 'pw']
    const plan = await planAuth({
      username: 'u',
      identityFiles: [join(dir, 'locked')],
      agent: undefined,
      identitiesOnly: false,
      askPassphrase: async (file, retry) => {
        asked.push([file, retry])
        return answers.shift()
      },
    })
    expect(asked).toEqual([
      [join(dir, 'locked'), false],
      [join(dir, 'locked'), true],
    ])
    expect(plan.methods.map((m) => m.type)).toEqual(['publickey'])
    const neverRight = await planAuth({username: 'u', identityFiles: [join(dir, 'locked-never')], agent: undefined, identitiesOnly: false, askPassphrase: async () => 'nope-secret'})
    expect(neverRight.methods).toEqual([])
    expect(neverRight.locked[0]).toContain('no right passphrase')
    expect(JSON.stringify(neverRight)).not.toContain('nope-secret')
    const cancelled = await planAuth({username: 'u', identityFiles: [join(dir, 'locked-never')], agent: undefined, identitiesOnly: false, askPassphrase: async () => undefined})
    expect(cancelled.locked).toHaveLength(1)
  })

  it('an encrypted key is opened once per process: concurrent and later connections share it; a changed file is asked for again', async () => {
    const file = join(dir, 'locked-shared')
    let asked = 0
    const ask = async () => {
      asked++
      await new Promise((r) => setTimeout(r, 50)) // the others plan while the first is being asked
      return 'pw'
    }
    const plan = () => planAuth({username: 'u', identityFiles: [file], agent: undefined, identitiesOnly: false, askPassphrase: ask})
    const plans = [...(await Promise.all([plan(), plan(), plan()])), await plan()]
    expect(asked).toBe(1)
    for (const p of plans) expect(p.methods.map((m) => m.type)).toEqual(['publickey'])
    // Same path, another key (rotated since): asked again, never the old key.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pw', '-f', `${file}.new`])
    await rename(`${file}.new`, file)
    const after = await plan()
    expect(asked).toBe(2)
    const pub = (k: unknown) => (k as {getPublicSSH(): Buffer}).getPublicSSH().toString('base64')
    const first = plans[0]?.methods[0]
    const rotated = after.methods[0]
    expect(first?.type === 'publickey' && rotated?.type === 'publickey' && pub(first.key) !== pub(rotated.key)).toBe(true)
  })

  it("falls back to OpenSSH's default identity names", () => {
    expect(defaultIdentityFiles('/home/u').slice(0, 4)).toEqual(['/home/u/.ssh/id_rsa', '/home/u/.ssh/id_ecdsa', '/home/u/.ssh/id_ecdsa_sk', '/home/u/.ssh/id_ed25519'])
  })
})
