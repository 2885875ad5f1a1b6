import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'
import {importDomains, sameDefinition, withImportStamp, type ImportItem} from '../../src/host/import-domains.js'
import {inventoryFromDiscovery} from '../../src/host/check-inventory.js'
import {discoverConfigs} from '../../src/host/discover.js'
import {importItemsFrom} from '../../src/host/import-sources.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {diag} from '../../src/model/diagnostic.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const UUID = '11111111-2222-4333-8444-555555555555'
const xml = (name: string, uuid: string, mem = 524288) => `<domain type='xen'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>${mem}</memory>
  <currentMemory unit='KiB'>${mem}</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <bootloader>/usr/bin/pygrub</bootloader>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
  </os>
  <devices>
    <disk type='block' device='disk'>
      <source dev='/dev/vg/${name}'/>
      <target dev='xvda' bus='xen'/>
    </disk>
  </devices>
</domain>
`
const item = (over: Partial<ImportItem> = {}): ImportItem => ({name: 'vm1', uuid: UUID, xml: xml('vm1', UUID), source: '/etc/xen/vm1', diagnostics: [], blockers: [], ...over})

let dir: string
let host: SimHost
let t: LocalTransport
let tmp: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-import-'))
  host = await createSimHost({dir, name: 'bookworm', profile: 'debian12-libvirt'})
  t = new LocalTransport({env: host.env})
  tmp = path.join(dir, 'tmp')
  await import('node:fs/promises').then((fs) => fs.mkdir(tmp))
})
afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

describe('importDomains (local transport, simulated libvirt with the real virt-xml-validate)', () => {
  it('defines, then reports unchanged on the second run, and cleans its temp files', async () => {
    const [first] = await importDomains(t, [item()])
    expect(first).toMatchObject({status: 'changed', action: 'define'})
    expect(await host.libvirtDomains()).toEqual({vm1: UUID})
    expect(await host.libvirtXml('vm1')).toBe(withImportStamp(xml('vm1', UUID), '/etc/xen/vm1'))
    expect(await host.libvirtXml('vm1')).toMatch(/<xenlift:import xmlns:xenlift="[^"]+" sha256="[0-9a-f]{64}" source="\/etc\/xen\/vm1"\/>/)
    const [second] = await importDomains(t, [item()])
    expect(second).toMatchObject({status: 'ok', action: 'unchanged'})
    expect(await readdir(tmp)).toEqual([])
  })

  it('stays "unchanged" when libvirt rewrote the definition (defaults added) but kept our stamp', async () => {
    await importDomains(t, [item()])
    // What a real libvirtd does on define: adds defaults (a MAC, a controller), reformats.
    const stored = path.join(host.root, '.sim/libvirt/xml/vm1.xml')
    const rewritten = (await readFile(stored, 'utf8')).replace('  </devices>', "    <controller type='xenbus' index='0'/>\n  </devices>")
    await writeFile(stored, rewritten)
    const [again] = await importDomains(t, [item({source: '/copy/elsewhere/vm1'})])
    expect(again).toMatchObject({status: 'ok', action: 'unchanged'})
    // a real change in the config still shows
    const [changed] = await importDomains(t, [item({xml: xml('vm1', UUID, 1048576)})])
    expect(changed).toMatchObject({status: 'skipped', action: 'differs'})
  })

  it('dry run changes nothing and shows a unified diff against dumpxml', async () => {
    const [plan] = await importDomains(t, [item()], {dryRun: true})
    expect(plan).toMatchObject({status: 'changed', action: 'define', dryRun: true})
    expect(plan?.diff).toContain('--- /dev/null')
    expect(plan?.diff).toContain("+  <name>vm1</name>")
    expect(await host.libvirtDomains()).toEqual({})
    await importDomains(t, [item()])
    const [again] = await importDomains(t, [item({xml: xml('vm1', UUID, 1048576)})], {dryRun: true, update: true})
    expect(again).toMatchObject({status: 'changed', action: 'redefine'})
    expect(again?.diff).toMatch(/^- {2}<memory unit='KiB'>524288<\/memory>$/m)
    expect(again?.diff).toMatch(/^\+ {2}<memory unit='KiB'>1048576<\/memory>$/m)
    expect(await host.libvirtXml('vm1')).toContain('524288')
  })

  it('a different definition is redefined only with --update', async () => {
    await importDomains(t, [item()])
    const bigger = item({xml: xml('vm1', UUID, 1048576)})
    const [skipped] = await importDomains(t, [bigger])
    expect(skipped).toMatchObject({status: 'skipped', action: 'differs'})
    expect(skipped?.message).toMatch(/--update/)
    expect(await host.libvirtXml('vm1')).toContain('524288')
    const [updated] = await importDomains(t, [bigger], {update: true})
    expect(updated).toMatchObject({status: 'changed', action: 'redefine'})
    expect(await host.libvirtXml('vm1')).toContain('1048576')
  })

  it('refuses a name held by another uuid, and a uuid held by another name', async () => {
    await importDomains(t, [item()])
    const other = '99999999-2222-4333-8444-555555555555'
    const [clash] = await importDomains(t, [item({uuid: other, xml: xml('vm1', other)})], {update: true})
    expect(clash).toMatchObject({status: 'failed', action: 'name-clash'})
    expect(clash?.message).toContain(`already has a domain named 'vm1' with uuid ${UUID}`)
    const [uuidClash] = await importDomains(t, [item({name: 'vm2', xml: xml('vm2', UUID)})])
    expect(uuidClash).toMatchObject({status: 'failed', action: 'uuid-clash'})
    expect(uuidClash?.message).toContain("already belongs to libvirt domain 'vm1'")
    expect(await host.libvirtDomains()).toEqual({vm1: UUID})
  })

  it('blockers stop a domain unless --force, and the outcome says so', async () => {
    const pvscsi = diag('PVSCSI', 'blocker', 'PV SCSI not converted', {file: '/etc/xen/vm1', line: 3, column: 1})
    const blocked = item({diagnostics: [pvscsi], blockers: [pvscsi]})
    const [stopped] = await importDomains(t, [blocked])
    expect(stopped).toMatchObject({status: 'skipped', action: 'blocked'})
    expect(stopped?.message).toMatch(/1 blocker \(PVSCSI\).*--force/)
    expect(await host.libvirtDomains()).toEqual({})
    const [forced] = await importDomains(t, [blocked], {force: true})
    expect(forced).toMatchObject({status: 'changed', forced: true})
    expect(forced?.blockers.map((b) => b.code)).toEqual(['PVSCSI'])
  })

  it('a domain whose name starts with "-" (NAME-CHARS, imported with --force) reaches virsh and xl as data after "--"', async () => {
    const odd = item({name: '--inactive', xml: xml('--inactive', UUID), source: '/etc/xen/odd'})
    const [defined] = await importDomains(t, [odd], {force: true, start: true})
    expect(defined, defined?.message).toMatchObject({status: 'changed', action: 'define', started: true})
    expect(await host.libvirtDomains()).toEqual({'--inactive': UUID})
    // the stand-ins refuse an unknown option as the real tools do, so this is what made it work
    const log = await host.commandLog()
    expect(log).toEqual(expect.arrayContaining([expect.stringMatching(/ begin virsh -c xen:\/\/\/system start -- --inactive$/), expect.stringMatching(/ begin xl list -- --inactive$/)]))
    const [again] = await importDomains(t, [odd], {force: true})
    expect(again).toMatchObject({status: 'ok', action: 'unchanged'})
  })

  it('XML that libvirt schema rejects fails that domain only', async () => {
    const bad = item({name: 'bad', uuid: '22222222-2222-4333-8444-555555555555', xml: "<domain type='xen'><name>bad</name><bogus/></domain>\n"})
    const out = await importDomains(t, [bad, item()])
    expect(out.map((o) => o.status)).toEqual(['failed', 'changed'])
    expect(out[0]?.message).toMatch(/virsh define failed: .*/)
  })

  it('--autostart marks only the domains xend started at boot', async () => {
    const other = '33333333-2222-4333-8444-555555555555'
    const out = await importDomains(t, [item({autostart: true}), item({name: 'vm2', uuid: other, xml: xml('vm2', other)})], {autostart: true})
    expect(out.map((o) => [o.name, o.autostart ?? false])).toEqual([
      ['vm1', true],
      ['vm2', false],
    ])
    const state = JSON.parse(await readFile(path.join(host.root, '.sim/libvirt/domains.json'), 'utf8')) as Record<string, {autostart: boolean}>
    expect([state.vm1?.autostart, state.vm2?.autostart]).toEqual([true, false])
  })

  it('--start starts once; a running domain is left alone', async () => {
    const [a] = await importDomains(t, [item()], {start: true})
    expect(a).toMatchObject({status: 'changed', started: true})
    const [b] = await importDomains(t, [item()], {start: true})
    expect(b).toMatchObject({status: 'ok', started: false})
    expect((await t.exec(['virsh', 'domstate', 'vm1'])).stdout.trim()).toBe('running')
  })

  it('--start refuses a domain that runs outside libvirt (still under xend)', async () => {
    const h2 = await createSimHost({dir, name: 'both', profile: 'debian12-libvirt', running: [{name: 'vm1'}]})
    const t2 = new LocalTransport({env: h2.env})
    const [r] = await importDomains(t2, [item()], {start: true})
    expect(r).toMatchObject({status: 'failed'})
    expect(r?.message).toMatch(/^defined from \/etc\/xen\/vm1; not started: 'vm1' is already running outside libvirt/)
    expect((await t2.exec(['virsh', 'domstate', 'vm1'])).stdout.trim()).toBe('shut off')
  })

  it('fails the host when libvirtd is down (a connection error is not "domain missing")', async () => {
    await t.exec(['systemctl', 'stop', 'libvirtd'])
    const [r] = await importDomains(t, [item()])
    expect(r).toMatchObject({status: 'failed', action: 'error'})
    expect(r?.message).toMatch(/Failed to connect socket/)
  })
})

describe('importItemsFrom', () => {
  it("prefers xend's config.sxp over an /etc/xen copy with the same uuid", () => {
    const sxp = `(domain (name web01) (uuid ${UUID}) (memory 256) (bootloader /usr/bin/pygrub) (image (linux (kernel ''))))\n`
    const xm = `name = "web01"\nuuid = "${UUID}"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\n`
    const {items} = importItemsFrom(
      [
        {path: '/etc/xen/old-web01', text: xm, role: 'etc-xen'},
        {path: `/var/lib/xend/domains/${UUID}/config.sxp`, text: sxp, role: 'managed-sxp'},
      ],
      targetFor('9.0.0'),
    )
    expect(items.map((i) => [i.source, i.skip === undefined ? 'imported' : 'skipped'])).toEqual([
      ['/etc/xen/old-web01', 'skipped'],
      [`/var/lib/xend/domains/${UUID}/config.sxp`, 'imported'],
    ])
    expect(items.find((i) => i.skip !== undefined)?.skip).toMatch(/duplicate of \/var\/lib\/xend/)
  })

  it("blockers are check's blockers, including host findings in other files (checkpoint.chk)", async () => {
    const found = await discoverConfigs(new LocalTransport({root: DEMO}))
    const {items} = importItemsFrom(
      found.configs.map((c) => ({path: c.path, text: c.text, role: c.role})),
      targetFor('9.0.0'),
      inventoryFromDiscovery('demo', found),
    )
    const codes = (name: string) => [...new Set(items.find((i) => i.name === name && i.skip === undefined)?.blockers?.map((b) => b.code))].sort()
    expect(codes('backup01')).toEqual(['PVSCSI', 'XL-STATE-001'])
    expect(codes('build07')).toEqual(expect.arrayContaining(['PY-CONTROL', 'PY-IMPORT']))
    expect(codes('mail01')).toEqual([])
    // loose files (no host tree): check's file and domain rules still apply
    const loose = importItemsFrom([{path: '/x/build-farm', text: found.configs.find((c) => c.path === '/etc/xen/build-farm')?.text ?? ''}], targetFor('9.0.0'))
    expect(loose.items[0]?.blockers?.map((b) => b.code)).toContain('PY-IMPORT')
  })

  it('compares definitions ignoring indentation and the runtime id', () => {
    expect(sameDefinition("<domain type='xen' id='3'>\n  <name>a</name>\n</domain>\n", "<domain type='xen'>\n<name>a</name>\n\n</domain>")).toBe(true)
    expect(sameDefinition('<domain><name>a</name></domain>', '<domain><name>b</name></domain>')).toBe(false)
  })
})
