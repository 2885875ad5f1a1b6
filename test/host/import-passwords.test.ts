/**
 * VNC/SPICE passwords through `import`: carried into libvirt, handed to virsh on stdin (never in
 * argv, never in a file), compared with what libvirt has without a spurious difference, and
 * masked in every outcome and diff. The simulated libvirt, like the real one, omits passwords
 * from `dumpxml` unless `--security-info`; its stand-ins log every argv.
 */
import {randomBytes} from 'node:crypto'
import {mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {importDomains, stampOf, withImportStamp} from '../../src/host/import-domains.js'
import {importItemsFrom} from '../../src/host/import-sources.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'

/** A secret made for this run: no file on disk (this source, vitest's transform cache) holds it beforehand. */
const secret = () => randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')
const PW = secret()
const cfg = (pw: string) =>
  `name = "console1"\nuuid = "0c8e6a4d-1b2f-4c3d-9e5f-6a7b8c9d0e1f"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\n` +
  `disk = [ "phy:/dev/vg/console1,xvda,w" ]\nvfb = [ "type=vnc,vnclisten=0.0.0.0,vncpasswd=${pw}" ]\n`
const items = (pw: string) => importItemsFrom([{path: '/etc/xen/console1', text: cfg(pw)}], targetFor('9.0.0')).items

/**
 * Every file below `dir` whose content holds `needle`, except libvirt's own store of definitions.
 * `since`: only files written from then on (a second's slack for coarse timestamps) are read: the
 * whole temp directory is searched, and what other runs keep there (a clone with its
 * node_modules, say) made reading every file take minutes.
 */
async function filesHolding(dir: string, needle: string, since = 0): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, {withFileTypes: true, recursive: true})) {
    const p = path.join(e.parentPath, e.name)
    if (!e.isFile() || p.includes(`${path.sep}.sim${path.sep}libvirt${path.sep}xml${path.sep}`)) continue
    if (since > 0 && ((await stat(p).catch(() => undefined))?.mtimeMs ?? 0) < since - 1000) continue
    if ((await readFile(p, 'utf8').catch(() => '')).includes(needle)) out.push(p)
  }
  return out
}

let dir: string
let host: SimHost
let t: LocalTransport
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-import-pw-'))
  host = await createSimHost({dir, name: 'bookworm', profile: 'debian12-libvirt'})
  t = new LocalTransport({env: host.env})
})
afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

describe('import carries VNC passwords into libvirt and shows them nowhere', () => {
  it('defines the guest with its passwd=, through virsh stdin: no argv, no file holds it', async () => {
    const started = Date.now()
    const [o] = await importDomains(t, items(PW))
    expect(o).toMatchObject({status: 'changed', action: 'define'})
    // libvirt has it (what `virsh dumpxml --security-info` reads back)
    expect(await host.libvirtXml('console1')).toMatch(new RegExp(`<graphics type='vnc'[^>]* passwd='${PW}'`))
    const log = (await host.commandLog()).join('\n')
    expect(log).toMatch(/begin virsh -c xen:\/\/\/system define \/dev\/stdin$/m)
    expect(log).not.toContain(PW)
    expect(await filesHolding(host.root, PW)).toEqual([])
    expect(await filesHolding(tmpdir(), PW, started).catch(() => [])).toEqual([])
    expect(JSON.stringify(o)).not.toContain(PW)
  }, 120_000)

  it('a second import is "unchanged": libvirt hiding passwords from plain dumpxml is no difference', async () => {
    await importDomains(t, items(PW))
    const plain = await t.exec(['virsh', 'dumpxml', '--inactive', 'console1'])
    expect(plain.stdout).not.toContain('passwd') // as real libvirt without --security-info
    const [again] = await importDomains(t, items(PW), {dryRun: true})
    expect(again).toMatchObject({status: 'ok', action: 'unchanged'})
  }, 120_000)

  it('a changed password is a difference, said without either password, in the message and the diff', async () => {
    await importDomains(t, items(PW))
    const NEW = secret()
    const [differs] = await importDomains(t, items(NEW))
    expect(differs).toMatchObject({status: 'skipped', action: 'differs'})
    expect(differs?.message).toMatch(/password differs/)
    const [plan] = await importDomains(t, items(NEW), {dryRun: true, update: true})
    expect(plan).toMatchObject({status: 'changed', action: 'redefine'})
    expect(plan?.message).toMatch(/would redefine/)
    for (const pw of [PW, NEW]) expect(JSON.stringify([differs, plan])).not.toContain(pw)
    const [done] = await importDomains(t, items(NEW), {update: true})
    expect(done).toMatchObject({status: 'changed', action: 'redefine'})
    expect(await host.libvirtXml('console1')).toContain(`passwd='${NEW}'`)
  }, 120_000)

  it('the dry-run diff against a definition without a password shows the one it adds, masked', async () => {
    const [plan] = await importDomains(t, items(PW), {dryRun: true})
    expect(plan?.diff).toMatch(/^\+ {4}<graphics type='vnc'[^\n]* passwd='\*\*\*'>$/m)
    expect(plan?.diff).not.toContain(PW)
  }, 120_000)

  it("the import stamp's hash does not depend on the password (no offline guessing against it)", () => {
    const [a] = items(PW)
    const [b] = items('Zt3NcQwE')
    expect(a?.xml).toContain(PW)
    expect(stampOf(withImportStamp(a!.xml!, 's'))).toBe(stampOf(withImportStamp(b!.xml!, 's')))
  })

  it('a failing define is masked too (virsh quotes what it was given)', async () => {
    // libvirtd refuses; the message path is the same whatever virsh says.
    await t.exec(['systemctl', 'stop', 'libvirtd'])
    const [o] = await importDomains(t, items(PW))
    expect(o?.status).toBe('failed')
    expect(JSON.stringify(o)).not.toContain(PW)
    expect((await stat(host.root)).isDirectory()).toBe(true)
  })
})
