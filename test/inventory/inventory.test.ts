import {readFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'
import {parseAnsibleIni} from '../../src/inventory/ansible-ini.js'
import {parseHostAddress} from '../../src/inventory/host-spec.js'
import {applyLimit} from '../../src/inventory/limit.js'
import {parsePlainList} from '../../src/inventory/plain-list.js'
import {InventoryError, parseInventory, readInventory} from '../../src/inventory/read-inventory.js'

const fixture = (name: string) => new URL(`../../fixtures/inventories/${name}`, import.meta.url).pathname

describe('parseHostAddress', () => {
  it('reads user, host, port and bracketed IPv6', () => {
    expect(parseHostAddress('root@h:22')).toEqual({hostname: 'h', port: 22, user: 'root'})
    expect(parseHostAddress('[::1]:2222')).toEqual({hostname: '::1', port: 2222})
    expect(parseHostAddress('h:70000')).toBeUndefined()
    expect(parseHostAddress('a b')).toBeUndefined()
  })
})

describe('hostile inventories', () => {
  it('refuses ansible_host / ansible_user that are not what --host accepts, at the line that sets them', async () => {
    const file = fixture('hostile.ini')
    const inv = parseAnsibleIni(await readFile(file, 'utf8'), file)
    const errors = inv.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`)
    expect(errors).toEqual([
      '5: host evil: ansible_host "x;touch /tmp/pwned" is not a host name or address (letters, digits, ".", "-", "_", IP addresses)',
      '11: host old01: ansible_user "$(reboot)" is not a login name (letters, digits, ".", "-", "_")',
    ])
    await expect(readInventory(file)).rejects.toThrow(new RegExp(`${file}:5:1: .*ansible_host "x;touch /tmp/pwned"`))
    // what --host accepts still passes
    const ok = parseAnsibleIni('a ansible_host=2001:db8::1 ansible_user=svc-xen.1\nb ansible_host=[::1]\nc ansible_ssh_host=dom0-c.example.net\n')
    expect(ok.diagnostics).toEqual([])
    expect(ok.hosts.map((h) => h.hostname)).toEqual(['2001:db8::1', '::1', 'dom0-c.example.net'])
  })
})

describe('plain host list', () => {
  it('parses the fixture with comments', async () => {
    const inv = parsePlainList(await readFile(fixture('hosts.txt'), 'utf8'), 'hosts.txt')
    expect(inv.diagnostics).toEqual([])
    expect(inv.hosts.map((h) => [h.name, h.hostname, h.port, h.user])).toEqual([
      ['dom0-a.example.net', 'dom0-a.example.net', undefined, undefined],
      ['dom0-b.example.net:2222', 'dom0-b.example.net', 2222, 'root'],
      ['[2001:db8::7]:22', '2001:db8::7', 22, undefined],
    ])
    expect(inv.hosts[1]?.source).toEqual({file: 'hosts.txt', line: 3})
  })

  it('locates bad lines and duplicates', () => {
    const inv = parsePlainList('ok\n\n  bad host\nh:99999\nok\n', 'l.txt')
    expect(inv.hosts.map((h) => h.name)).toEqual(['ok'])
    expect(inv.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([
      ['error', 3, 3],
      ['error', 4, 1],
      ['warning', 5, 1],
    ])
  })
})

describe('Ansible INI inventory', () => {
  it('expands ranges, merges group vars by depth, host vars win', async () => {
    const inv = parseAnsibleIni(await readFile(fixture('fleet.ini'), 'utf8'), 'fleet.ini')
    expect(inv.diagnostics).toEqual([])
    const byName = Object.fromEntries(inv.hosts.map((h) => [h.name, h]))
    expect(Object.keys(byName)).toEqual([
      'deb-dom0-a',
      'deb-dom0-b',
      'legacy',
      'lonely.example.net',
      'sles-dom0-01.example.net',
      'sles-dom0-02.example.net',
      'sles-dom0-03.example.net',
    ])
    expect(byName.legacy).toMatchObject({hostname: '10.0.0.9', port: 2200, user: 'root'})
    // host var beats debian7:vars, which beats its parent xend:vars
    expect(byName['deb-dom0-a']).toMatchObject({hostname: '10.0.1.1', user: 'admin'})
    expect(byName['deb-dom0-b']).toMatchObject({hostname: 'deb-dom0-b', port: 2022, user: 'debian'})
    expect(byName['sles-dom0-02.example.net']?.vars.libvirt_version).toBe('9.0.0')
    expect(byName['sles-dom0-02.example.net']?.groups).toEqual(['all', 'sles11', 'xend'])
    expect(byName['lonely.example.net']?.user).toBeUndefined()
    expect(inv.groups.ungrouped).toEqual(['lonely.example.net'])
    expect(inv.groups.xend).toHaveLength(6)
  })

  it('reports located errors', () => {
    const text = '[web\nh1 novalue\n[g]\nh2 ansible_port=abc\n[a:children]\nb\n[b:children]\na\n'
    const inv = parseAnsibleIni(text, 'bad.ini')
    const got = inv.diagnostics.map((d) => `${d.line}:${d.message}`)
    expect(got).toContainEqual(expect.stringMatching(/^1:bad section header/))
    expect(got).toContainEqual(expect.stringMatching(/^4:host h2: ansible_port "abc"/))
    expect(got).toContainEqual(expect.stringMatching(/group cycle/))
    expect(inv.hosts.map((h) => h.name)).not.toContain('h2')
  })

  it('reads host vars with quotes and keeps unknown vars', () => {
    const inv = parseAnsibleIni('[g]\nh note="two words" ansible_user=\'ops\'\n')
    expect(inv.hosts[0]).toMatchObject({user: 'ops', vars: {note: 'two words'}})
  })
})

describe('--limit patterns', () => {
  const inv = parseAnsibleIni('[a]\nh1\nh2\n[b]\nh2\nh3\nweb7\n')
  const names = (p: string) => applyLimit(inv, p).hosts.map((h) => h.name)
  it('selects groups, hosts, globs, regexes, exclusions and intersections', () => {
    expect(names('all')).toEqual(['h1', 'h2', 'h3', 'web7'])
    expect(names('a')).toEqual(['h1', 'h2'])
    expect(names('a:b')).toEqual(['h1', 'h2', 'h3', 'web7'])
    expect(names('a:&b')).toEqual(['h2'])
    expect(names('b:!h3')).toEqual(['h2', 'web7'])
    expect(names('!a')).toEqual(['h3', 'web7'])
    expect(names('h*,!h1')).toEqual(['h2', 'h3'])
    expect(names('~^web\\d$')).toEqual(['web7'])
  })
  it('lists terms that matched nothing', () => {
    expect(applyLimit(inv, 'a,nosuch').unmatched).toEqual(['nosuch'])
  })
})

describe('readInventory', () => {
  it('detects INI vs plain list', async () => {
    expect((await readInventory(fixture('fleet.ini'))).groups.sles11).toHaveLength(4)
    expect((await readInventory(fixture('hosts.txt'))).hosts).toHaveLength(3)
    expect(parseInventory('h1 ansible_port=22\n').hosts[0]?.port).toBe(22)
  })
  it('throws one InventoryError listing file:line of every error', async () => {
    const {mkdtemp, writeFile} = await import('node:fs/promises')
    const dir = await mkdtemp('/tmp/xenlift-inv-')
    await writeFile(`${dir}/bad`, 'good\nbad host here\n')
    const err = await readInventory(`${dir}/bad`).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InventoryError)
    expect((err as Error).message).toContain(`${dir}/bad:2:1: error:`)
  })
})

describe('selectHosts', () => {
  it('--limit @file reads a retry list; --limit without --inventory is a usage error', async () => {
    const {selectHosts, HostSelectionError} = await import('../../src/host/select-hosts.js')
    const {mkdtemp, writeFile} = await import('node:fs/promises')
    const dir = await mkdtemp('/tmp/xenlift-sel-')
    await writeFile(`${dir}/retry`, 'legacy\n# comment\ndeb-dom0-b\n')
    const {targets} = await selectHosts({inventory: fixture('fleet.ini'), limit: `@${dir}/retry`})
    expect(targets.map((t) => t.name)).toEqual(['deb-dom0-b', 'legacy'])
    expect(targets[1]).toMatchObject({kind: 'ssh', spec: {hostname: '10.0.0.9', port: 2200}})
    await expect(selectHosts({limit: 'x'})).rejects.toBeInstanceOf(HostSelectionError)
    // an invalid ~regex is the user's error, never "matches nothing"
    await expect(selectHosts({inventory: fixture('fleet.ini'), limit: 'legacy,~deb-[0-'})).rejects.toThrow(new HostSelectionError('--limit ~deb-[0-: not a valid regular expression (Invalid regular expression: /deb-[0-/: Unterminated character class)'))
    await expect(selectHosts({inventory: fixture('fleet.ini'), limit: 'nothing-matches'})).rejects.toThrow(/selects no host/)
    expect((await selectHosts({})).targets).toEqual([{kind: 'local', name: 'local'}])
    expect((await selectHosts({hosts: ['local', 'root@h:2', 'local'], root: '/mnt/old'})).targets.map((t) => t.name)).toEqual(['/mnt/old', 'root@h:2'])
  })
})
