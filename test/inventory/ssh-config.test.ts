import {execFileSync} from 'node:child_process'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {expandTokens, type LoadedSshConfig, loadSshConfig, parseProxyJump, resolveInventoryHost, resolveSshHost} from '../../src/inventory/ssh-config.js'

let home: string
let loaded: LoadedSshConfig

const files: Record<string, string> = {
  '.ssh/config': `
# top-level defaults come first in a real config only when they should win
ConnectTimeout 7
Include config.d/*.conf

Host dom0-*
  User admin
  IdentityFile ~/.ssh/id_fleet
  IdentityFile %d/.ssh/id_%h_%r
  Include extra/port.conf
  UserKnownHostsFile ~/.ssh/known_hosts.fleet

Host dom0-1
  HostName 10.0.0.1

Host behind
  HostName 10.9.9.9
  ProxyJump bastion

Host agent-none
  IdentityAgent none

Host agent-path
  IdentityAgent ~/.1password/agent.sock

Host two-hops
  HostName 10.8.8.8
  ProxyJump ops@bastion:2200,dom0-1

Host chain-of-chain
  ProxyJump behind

Host exec-trap
  HostName trapped.example

Match exec "touch @TRAP_FILE@"
  HostName should-not-apply

Match user deploy
  IdentityFile ~/.ssh/id_deploy

Host *
  User fallback
  Port 22
  CanonicalizeHostName yes
`,
  '.ssh/config.d/10-bastion.conf': `
Host bastion
  HostName bastion.example.org
  User jump
  Port 2022
  IdentityFile ~/.ssh/id_jump
  HostKeyAlias bastion-key
`,
  '.ssh/config.d/20-other.conf': `
Host other
  HostName other.example.org
`,
  '.ssh/config.d/ignored.txt': `
Host other
  HostName WRONG
`,
  '.ssh/extra/port.conf': `
Port 2222
IdentitiesOnly yes
`,
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'xenlift-sshcfg-'))
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(home, rel, '..'), {recursive: true})
    await writeFile(join(home, rel), text.replaceAll('@TRAP_FILE@', join(home, 'trap')))
  }
  loaded = await loadSshConfig({home, localUser: 'me', systemConfigFile: false})
})
afterAll(async () => rm(home, {recursive: true, force: true}))

describe('ssh config resolution', () => {
  it('follows Include (glob relative to ~/.ssh, sorted) and records the files read', () => {
    expect(loaded.files.map((f) => f.slice(home.length + 1))).toEqual([
      '.ssh/config',
      '.ssh/config.d/10-bastion.conf',
      '.ssh/config.d/20-other.conf',
      '.ssh/extra/port.conf',
    ])
    expect(resolveSshHost(loaded, 'other').hostName).toBe('other.example.org')
  })

  it('first value wins; Host patterns; ~ and %d %h %r tokens; Include inside a Host block', () => {
    const s = resolveSshHost(loaded, 'dom0-1')
    expect(s).toMatchObject({
      host: 'dom0-1',
      // HostName comes from the later `Host dom0-1`, User/Port from the earlier `Host dom0-*`.
      hostName: '10.0.0.1',
      user: 'admin',
      port: 2222,
      identitiesOnly: true,
      connectTimeoutMs: 7000,
      identityFiles: [join(home, '.ssh/id_fleet'), join(home, '.ssh/id_10.0.0.1_admin')],
      userKnownHostsFiles: [join(home, '.ssh/known_hosts.fleet')],
    })
    expect(s.proxyJump).toBeUndefined()
  })

  it('directives after an Include still belong to the enclosing Host block', () => {
    // UserKnownHostsFile follows `Include extra/port.conf` inside `Host dom0-*`.
    expect(resolveSshHost(loaded, 'dom0-7').userKnownHostsFiles).toEqual([join(home, '.ssh/known_hosts.fleet')])
    expect(resolveSshHost(loaded, 'other').userKnownHostsFiles).toBeUndefined()
  })

  it('defaults: Host * user, port 22, the name itself as HostName; overrides win', () => {
    expect(resolveSshHost(loaded, 'plain.example')).toMatchObject({host: 'plain.example', hostName: 'plain.example', user: 'fallback', port: 22})
    expect(resolveSshHost(loaded, 'dom0-1', {name: 'inv-name', user: 'root', port: 2200})).toMatchObject({host: 'inv-name', hostName: '10.0.0.1', user: 'root', port: 2200})
  })

  it('Match user sees a user given by the inventory / command line', () => {
    expect(resolveSshHost(loaded, 'plain.example', {user: 'deploy'}).identityFiles).toEqual([join(home, '.ssh/id_deploy')])
    expect(resolveSshHost(loaded, 'plain.example').identityFiles).toBeUndefined()
  })

  it('resolves an inventory host by its hostname, named by its inventory name', () => {
    expect(resolveInventoryHost(loaded, {name: 'web-a', hostname: 'dom0-1'})).toMatchObject({host: 'web-a', hostName: '10.0.0.1', user: 'admin', port: 2222})
    expect(resolveInventoryHost(loaded, {name: 'web-a', hostname: 'dom0-1', user: 'root', port: 22})).toMatchObject({user: 'root', port: 22})
  })

  it('IdentityAgent: none disables the agent, a path is ~-expanded', () => {
    expect(resolveSshHost(loaded, 'agent-none').identityAgent).toBe(false)
    expect(resolveSshHost(loaded, 'agent-path').identityAgent).toBe(join(home, '.1password/agent.sock'))
    expect(resolveSshHost(loaded, 'plain.example').identityAgent).toBeUndefined()
  })

  it('never runs Match exec and does not canonicalize', async () => {
    expect(resolveSshHost(loaded, 'exec-trap').hostName).toBe('trapped.example')
    await expect(import('node:fs/promises').then((fs) => fs.stat(join(home, 'trap')))).rejects.toThrow(/ENOENT/)
  })

  it('ProxyJump resolves the jump host through the config too (HostKeyAlias, User, Port, IdentityFile)', () => {
    const s = resolveSshHost(loaded, 'behind')
    expect(s.hostName).toBe('10.9.9.9')
    expect(s.proxyJump).toEqual([
      {
        host: 'bastion',
        hostName: 'bastion.example.org',
        user: 'jump',
        port: 2022,
        identityFiles: [join(home, '.ssh/id_jump')],
        hostKeyAlias: 'bastion-key',
        connectTimeoutMs: 7000,
      },
    ])
  })

  it('multi-hop ProxyJump keeps order; user@host:port in the hop overrides the config', () => {
    const s = resolveSshHost(loaded, 'two-hops')
    expect(s.proxyJump?.map((h) => `${h.user}@${h.hostName}:${h.port}`)).toEqual(['ops@bastion.example.org:2200', 'admin@10.0.0.1:2222'])
  })

  it("a jump host's own ProxyJump is followed (flattened, outermost first)", () => {
    const s = resolveSshHost(loaded, 'chain-of-chain')
    expect(s.proxyJump?.map((h) => h.host)).toEqual(['bastion', 'behind'])
    expect(s.proxyJump?.every((h) => h.proxyJump === undefined)).toBe(true)
  })

  it('parses ProxyJump hop syntax', () => {
    expect(parseProxyJump('a, u@b:2200,ssh://c@[::1]:22')).toEqual([{host: 'a'}, {host: 'b', user: 'u', port: 2200}, {host: '::1', user: 'c', port: 22}])
  })

  it('expands tokens and ~ like ssh_config TOKENS', () => {
    expect(expandTokens('~/.ssh/%h-%p-%r-%%-%z', {h: 'x', p: '22', r: 'root', '%': '%'}, '/home/u')).toBe('/home/u/.ssh/x-22-root-%-%z')
    expect(expandTokens('~', {}, '/home/u')).toBe('/home/u')
  })
})

const haveSsh = (() => {
  try {
    execFileSync('ssh', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!haveSsh)('cross-check with OpenSSH (ssh -G)', () => {
  it('agrees with ssh -G on hostname, user, port, identityfile, proxyjump for an absolute-Include config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xenlift-sshG-'))
    const cfg = join(dir, 'config')
    await writeFile(join(dir, 'inc.conf'), 'Host web*\n  User www\n  Port 2201\n')
    await writeFile(
      cfg,
      `Include ${dir}/inc.conf\nHost web1\n  HostName 192.0.2.10\n  IdentityFile ${dir}/id_web\n  ProxyJump j1,j2\nHost *\n  User other\n`,
    )
    const ours = resolveSshHost(await loadSshConfig({userConfigFile: cfg, systemConfigFile: false, home: dir}), 'web1')
    const g = Object.fromEntries(
      execFileSync('ssh', ['-G', '-F', cfg, 'web1'], {encoding: 'utf8'})
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]),
    )
    expect(ours.hostName).toBe(g['hostname'])
    expect(ours.user).toBe(g['user'])
    expect(String(ours.port)).toBe(g['port'])
    // ssh -G prints IdentityFile before token expansion, so this one has none.
    expect(ours.identityFiles).toEqual([g['identityfile']])
    expect(ours.proxyJump?.map((h) => h.host).join(',')).toBe(g['proxyjump'])
    await rm(dir, {recursive: true, force: true})
  })
})
