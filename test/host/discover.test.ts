import {cp, mkdtemp, mkdir, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discoverConfigs} from '../../src/host/discover.js'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {LocalTransport} from '../../src/transport/local.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname

describe('discoverConfigs on the demo dom0 tree', () => {
  it('finds managed SXP configs, /etc/xen configs, autostart links; skips non-configs', async () => {
    const d = await discoverConfigs(new LocalTransport({root: DEMO}))
    expect(d.configs.map((c) => [c.path, c.role, c.format])).toEqual([
      ['/etc/xen/build-farm', 'etc-xen', 'xm'],
      ['/etc/xen/db01.cfg', 'etc-xen', expect.stringMatching(/^x[lm]$/)],
      ['/etc/xen/mail01', 'etc-xen', 'xm'],
      ['/etc/xen/old-web01', 'etc-xen', expect.stringMatching(/^x[lm]$/)],
      ['/var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp', 'managed-sxp', 'sxp'],
      ['/var/lib/xend/domains/a3e2c9d4-5f61-4b7a-8c3e-91d2f0b6e4a7/config.sxp', 'managed-sxp', 'sxp'],
      ['/var/lib/xend/domains/c81b7f2e-3d49-4e0a-b6f5-7a2d9e1c4b38/config.sxp', 'managed-sxp', 'sxp'],
    ])
    const mail = d.configs.find((c) => c.path === '/etc/xen/mail01')
    expect(mail?.autostartLinks).toEqual(['/etc/xen/auto/mail01'])
    expect(d.autoLinks).toEqual([{path: '/etc/xen/auto/mail01', target: '/etc/xen/mail01'}])
    const backup = d.configs.find((c) => c.domainDir === 'c81b7f2e-3d49-4e0a-b6f5-7a2d9e1c4b38')
    expect(backup?.checkpoint).toBe('/var/lib/xend/domains/c81b7f2e-3d49-4e0a-b6f5-7a2d9e1c4b38/checkpoint.chk')
    expect(d.otherPaths).toContain(backup?.checkpoint)
    const skipped = Object.fromEntries(d.skipped.map((s) => [s.path, s.reason]))
    expect(Object.keys(skipped)).toEqual(
      expect.arrayContaining(['/etc/xen/mail01.bak', '/etc/xen/xend-config.sxp', '/etc/xen/xl.conf', '/etc/xen/scripts']),
    )
    expect(d.xendConfig?.path).toBe('/etc/xen/xend-config.sxp')
    expect(d.errors).toEqual([])
  })
})

describe('discoverConfigs edge cases', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'xenlift-disc-'))
    await cp(DEMO, root, {recursive: true, verbatimSymlinks: true})
    // absolute link (as xendomains users make them), a link to a config outside /etc/xen, a dangling link
    await writeFile(path.join(root, 'srv-vm.cfg'), 'name = "outside"\nmemory = 256\n')
    await symlink('/etc/xen/db01.cfg', path.join(root, 'etc/xen/auto/db01'))
    await symlink('/srv-vm.cfg', path.join(root, 'etc/xen/auto/outside'))
    await symlink('/etc/xen/gone', path.join(root, 'etc/xen/auto/gone'))
    // a SUSE-style subdirectory and a binary file
    await mkdir(path.join(root, 'etc/xen/vm'))
    await writeFile(path.join(root, 'etc/xen/vm/sles-guest'), '(domain (name sles-guest) (memory 512))\n')
    await writeFile(path.join(root, 'etc/xen/vm/disk.img'), Buffer.from([0, 1, 2, 0, 61]))
    await mkdir(path.join(root, 'var/lib/xen/save'), {recursive: true})
    await writeFile(path.join(root, 'var/lib/xen/save/web01'), 'saved')
    await mkdir(path.join(root, 'etc/network'), {recursive: true})
    await writeFile(path.join(root, 'etc/network/interfaces'), 'auto br0\niface br0 inet dhcp\n')
  })
  afterAll(() => rm(root, {recursive: true, force: true}))

  it('resolves absolute auto links inside the root and de-duplicates by realpath', async () => {
    const d = await discoverConfigs(new LocalTransport({root}))
    expect(d.configs.find((c) => c.path === '/etc/xen/db01.cfg')?.autostartLinks).toEqual(['/etc/xen/auto/db01'])
    // the outside target is read once, through its link
    const outside = d.configs.find((c) => c.realPath === '/srv-vm.cfg')
    expect(outside).toMatchObject({path: '/etc/xen/auto/outside', autostartLinks: ['/etc/xen/auto/outside']})
    expect(d.autoLinks.find((l) => l.path === '/etc/xen/auto/gone')).toEqual({path: '/etc/xen/auto/gone'})
    expect(d.errors.map((e) => e.path)).toEqual(['/etc/xen/auto/gone'])
    expect(d.configs.find((c) => c.path === '/etc/xen/vm/sles-guest')?.format).toBe('sxp')
    expect(d.skipped.find((s) => s.path === '/etc/xen/vm/disk.img')?.reason).toMatch(/binary/)
    expect(d.otherPaths).toContain('/var/lib/xen/save/web01')
    expect(d.networkConfigs.map((n) => n.path)).toEqual(['/etc/network/interfaces'])
    expect(d.configs.filter((c) => c.realPath === '/etc/xen/db01.cfg')).toHaveLength(1)
  })

  it('works the same through RootedTransport (a root below any transport)', async () => {
    const d = await discoverConfigs(new RootedTransport(new LocalTransport(), root))
    expect(d.configs.map((c) => c.path)).toContain('/etc/xen/mail01')
    expect(d.configs.find((c) => c.path === '/etc/xen/mail01')?.autostartLinks).toEqual(['/etc/xen/auto/mail01'])
  })

  it('an empty host has nothing and no errors', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'xenlift-empty-'))
    const d = await discoverConfigs(new LocalTransport({root: empty}))
    expect(d).toMatchObject({configs: [], errors: [], autoLinks: []})
    await rm(empty, {recursive: true})
  })
})
