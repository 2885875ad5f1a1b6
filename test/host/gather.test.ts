import {existsSync} from 'node:fs'
import {mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {collectHostInventory} from '../../src/host/check-inventory.js'
import {discoverConfigs} from '../../src/host/discover.js'
import {collectFacts} from '../../src/host/facts.js'
import {gatherHost} from '../../src/host/gather.js'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {scanHost} from '../../src/host/scan.js'
import {LocalTransport} from '../../src/transport/local.js'
import {SnapshotView} from '../../src/transport/snapshot-view.js'
import {connectSsh} from '../../src/transport/ssh/ssh-transport.js'
import type {Transport} from '../../src/transport/transport.js'
import {createSimHost, type SimHost, type SimHostOptions} from '../helpers/sim-host/create-sim-host.js'
import {addManagedDomains} from '../helpers/sim-host/many-domains.js'
import {type SshdLab, sshdUnavailableReason, startSshd} from '../helpers/sshd.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const WEB01 = 'var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp'

/** The same transport without `snapshot`: the file-by-file path discovery took before. */
function fileByFile(t: Transport): Transport {
  return {
    label: t.label,
    exec: (a, o) => t.exec(a, o),
    readFile: (p) => t.readFile(p),
    writeFileAtomic: (p, d, o) => t.writeFileAtomic(p, d, o),
    readdir: (p) => t.readdir(p),
    stat: (p) => t.stat(p),
    realpath: (p) => t.realpath(p),
    close: () => t.close(),
  }
}

/** The demo tree under each profile, plus what makes gathering hard: a domain running without a config, hostile names, a big file. */
const PROFILES: (Omit<SimHostOptions, 'dir'> & {name: string})[] = [
  {name: 'sles11', profile: 'sles11-xend', tree: DEMO, running: [{name: 'web01', sxp: WEB01}, {name: 'adhoc', memory: 256}, {name: 'other one'}]},
  {name: 'wheezy', profile: 'debian7-xend', tree: DEMO, xendRunning: false},
  {name: 'bookworm', profile: 'debian12-libvirt', tree: DEMO},
]

async function roughen(h: SimHost): Promise<void> {
  await writeFile(path.join(h.root, 'etc/xen', "it's a\nname.cfg"), 'name = "hostile"\nmemory = 256\n')
  await writeFile(path.join(h.root, 'etc/xen', 'disk.img'), Buffer.alloc(1024 * 1024 + 1))
  await symlink('/nonexistent/x.cfg', path.join(h.root, 'etc/xen/auto', 'dangling'))
  await writeFile(path.join(h.root, 'etc/os-release-ignored'), 'ID=none\n')
}

let dir: string
let hosts: SimHost[]
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-gather-'))
  hosts = []
  for (const p of PROFILES) {
    const h = await createSimHost({dir, ...p})
    await roughen(h)
    hosts.push(h)
  }
}, 60_000)
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('gathering a host in one round trip gives what file-by-file discovery gives (locally)', () => {
  it.each(PROFILES.map((p, i) => [p.name, i] as const))('%s: the same scan and the same check inventory', async (_name, i) => {
    const h = hosts[i]!
    const t = new RootedTransport(new LocalTransport({env: h.env}), h.root)
    const gathered = await gatherHost(t, {timeoutMs: 20_000})
    expect(gathered).toBeInstanceOf(SnapshotView)
    const before = await scanHost(fileByFile(t), {timeoutMs: 20_000})
    const after = await scanHost(t, {timeoutMs: 20_000})
    expect(after).toEqual(before)
    expect(after.domains.length).toBeGreaterThan(3)
    expect(await collectHostInventory(h.name, gathered)).toEqual(await collectHostInventory(h.name, fileByFile(t)))
    // Nothing the scan asked fell through to a file-by-file call (the target profile's reads included).
    await discoverAndFacts(gathered as SnapshotView)
    expect((gathered as SnapshotView).misses).toEqual([])
  }, 120_000)
})

async function discoverAndFacts(v: SnapshotView): Promise<void> {
  await discoverConfigs(v)
  await collectFacts(v, {timeoutMs: 20_000})
}

const noSshd = sshdUnavailableReason()
const TCSH = ['/usr/bin/tcsh', '/bin/tcsh'].find((p) => existsSync(p))

describe.skipIf(noSshd !== undefined)('gathering over a real sshd', () => {
  let lab: SshdLab
  let big: SimHost
  let csh: SimHost
  beforeAll(async () => {
    big = await createSimHost({dir, name: 'big', profile: 'sles11-xend', tree: DEMO, running: [{name: 'bulk007'}, {name: 'adhoc'}]})
    await addManagedDomains(big.root, 100)
    csh = await createSimHost({dir, name: 'csh', profile: 'sles11-xend', tree: DEMO, running: [{name: 'web01', sxp: WEB01}, {name: 'adhoc'}]})
    const all = [...hosts, big, csh]
    // VERBOSE: sshd logs each session it starts ("Starting session: command …"), our round-trip count.
    lab = await startSshd({
      hosts: all.map((h, i) => ({
        address: `127.0.0.${i + 2}`,
        name: h.name,
        root: h.root,
        pathPrepend: [h.binDir],
        extraConfig: ['LogLevel VERBOSE'],
        ...(h === csh && TCSH !== undefined ? {loginShell: TCSH} : {}),
      })),
    })
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
  })

  const connect = (address: string) =>
    connectSsh({host: address, port: lab.port, user: lab.user}, {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile], agent: false})
  const sessions = (address: string) => {
    const log = lab.logs(address)
    // Under a ForceCommand (loginShell) every session, SFTP too, starts as "forced-command".
    const sftp = (log.match(/subsystem request for sftp/g) ?? []).length
    const forced = (log.match(/Starting session: forced-command/g) ?? []).length
    return {commands: (log.match(/Starting session: command/g) ?? []).length + (forced > 0 ? forced - sftp : 0), sftp}
  }

  it.each(PROFILES.map((p, i) => [p.name, i] as const))('%s: the same scan as file by file over SFTP', async (_name, i) => {
    const address = `127.0.0.${i + 2}`
    const ssh = await connect(address)
    try {
      const t = new RootedTransport(ssh, hosts[i]!.root)
      expect(await scanHost(t, {timeoutMs: 20_000})).toEqual(await scanHost(fileByFile(t), {timeoutMs: 20_000}))
    } finally {
      await ssh.close()
    }
  }, 120_000)

  it('a dom0 with 100 domains: one remote command, no SFTP, plus one for the running domains without a config', async () => {
    const address = `127.0.0.${hosts.length + 2}`
    const ssh = await connect(address)
    const start = sessions(address)
    let scan
    try {
      scan = await scanHost(new RootedTransport(ssh, big.root), {timeoutMs: 20_000})
    } finally {
      await ssh.close()
    }
    await new Promise((r) => setTimeout(r, 200)) // sshd's log line may trail the exit status
    const used = sessions(address)
    expect(scan.domains.filter((d) => d.name.startsWith('bulk'))).toHaveLength(100)
    expect(scan.domains.find((d) => d.name === 'adhoc')).toMatchObject({role: 'runtime', state: 'blocked'})
    expect(scan.domains.find((d) => d.name === 'bulk007')?.state).toBe('blocked')
    // The gather, then `xm list -l adhoc` (it has no config on disk): 2, whatever the number of domains.
    expect({commands: used.commands - start.commands, sftp: used.sftp - start.sftp}).toEqual({commands: 2, sftp: 0})
  }, 120_000)

  // The snapshot script goes on stdin (`sh -s`), every command line is one csh reads as sh does.
  it.skipIf(TCSH === undefined)('a root whose login shell is tcsh: the same one round trip, and the same scan as read locally', async () => {
    const address = `127.0.0.${hosts.length + 3}`
    const ssh = await connect(address)
    const start = sessions(address)
    let scan
    try {
      // tcsh exports OSTYPE at start-up (bash keeps it unexported): the line did go through tcsh.
      expect((await ssh.exec(['printenv', 'OSTYPE'])).stdout).toBe('linux\n')
      scan = await scanHost(new RootedTransport(ssh, csh.root), {timeoutMs: 20_000})
    } finally {
      await ssh.close()
    }
    await new Promise((r) => setTimeout(r, 200))
    const used = sessions(address)
    // The check exec, the gather, then `xm list -l adhoc` (with a timeout: the `sh -c` form).
    expect({commands: used.commands - start.commands, sftp: used.sftp - start.sftp}).toEqual({commands: 3, sftp: 0})
    expect(scan.domains.find((d) => d.name === 'adhoc')).toMatchObject({role: 'runtime', state: 'blocked'})
    expect(scan.facts?.platform?.hvmLoader).toBe('/usr/lib/xen/boot/hvmloader')
    // What the same host gives read locally (no login shell at all).
    expect(scan).toEqual(await scanHost(new RootedTransport(new LocalTransport({env: csh.env}), csh.root), {timeoutMs: 20_000}))
  }, 120_000)
})
