import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ScanResult} from '../../src/commands/scan.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const noSshd = sshdUnavailableReason()

// An sshd that speaks only what OpenSSH before 6.7 offered: SHA-1 DH kex and an ssh-rsa host key.
describe.skipIf(noSshd !== undefined)('--ssh-legacy-algorithms against an sshd limited to SHA-1 kex + ssh-rsa', () => {
  let dir: string
  let lab: SshdLab
  let knownHosts: string
  let target: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-legacy-ssh-'))
    const h = await createSimHost({dir, name: 'old-sshd', profile: 'debian12-libvirt'})
    lab = await startSshd({
      hosts: [
        {
          address: '127.0.4.1',
          name: h.name,
          root: h.root,
          pathPrepend: [h.binDir],
          extraHostKeyTypes: ['rsa'],
          extraConfig: ['KexAlgorithms diffie-hellman-group14-sha1', 'HostKeyAlgorithms ssh-rsa'],
        },
      ],
    })
    // Only the RSA key is known: the server presents nothing else.
    knownHosts = path.join(dir, 'known_hosts')
    await writeFile(knownHosts, `[127.0.4.1]:${lab.port} ${lab.host('127.0.4.1').publicKeys['ssh-rsa']}\n`)
    target = `${lab.user}@127.0.4.1:${lab.port}`
  }, 60_000)
  afterAll(async () => {
    await lab?.stop()
    await rm(dir, {recursive: true, force: true})
  })

  it('without the flag the handshake fails and the message names --ssh-legacy-algorithms', async () => {
    const r = await runCli(['scan', '--host', target, '--identity', lab.clientKeyFile, '--known-hosts', knownHosts, '--timeout', '10', '--json'])
    expect(r.code, r.stderr).toBe(1) // every host failed
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.hosts[0]).toMatchObject({ok: false})
    expect(out.hosts[0]?.error).toMatch(/handshake.*--ssh-legacy-algorithms/)
  })

  it('with the flag scan connects and reads the host', async () => {
    const r = await runCli(['scan', '--host', target, '--identity', lab.clientKeyFile, '--known-hosts', knownHosts, '--timeout', '10', '--ssh-legacy-algorithms', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as ScanResult
    expect(out.hosts[0]).toMatchObject({ok: true})
    expect(out.hosts[0]?.facts?.libvirt).toEqual({version: '9.0.0', libxl: true})
  })

  it('check, import and the upgrade commands accept the flag', async () => {
    for (const id of ['check', 'import', 'upgrade:plan', 'upgrade:apply']) {
      const r = await runCli([...id.split(':'), '--help'])
      expect(r.stdout, id).toContain('--ssh-legacy-algorithms')
    }
  }, 120_000) // four CLI start-ups
})
