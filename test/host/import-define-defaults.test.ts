/**
 * import against a libvirt that changes what it defines, as libvirt 9.0 does (the sim-host's
 * define-defaults.mjs: <pae/> on HVM, <hap state='on'/>, disks in virDomainDiskInsert's order):
 * what is already defined is compared knowing those, so that only real differences count.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {importDomains, type ImportItem} from '../../src/host/import-domains.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'

const sxp = (memory: number) => `(domain
    (name win1)
    (uuid 6a0b3a48-2c1d-4c3e-9f6e-1d2c3b4a5f60)
    (memory ${memory})
    (maxmem ${memory})
    (vcpus 1)
    (image (hvm (kernel /usr/lib/xen/boot/hvmloader) (acpi 1) (apic 1) (hap 1) (boot c)))
    (device (vbd (uname phy:/dev/vg/win1-data) (dev hdb:disk) (mode w)))
    (device (vbd (uname phy:/dev/vg/win1) (dev hda:disk) (mode w)))
)
`
const item = (memory = 512): ImportItem => {
  const d = convertText(sxp(memory), {file: '/var/lib/xend/domains/win1/config.sxp'}).domains[0]!
  return {name: 'win1', uuid: d.uuid!, xml: d.output!, source: '/var/lib/xend/domains/win1/config.sxp', diagnostics: [], blockers: []}
}

let dir: string
let host: SimHost
let t: LocalTransport
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-define-defaults-'))
  host = await createSimHost({dir, name: 'bookworm', profile: 'debian12-libvirt'})
  t = new LocalTransport({env: host.env})
})
afterEach(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

describe('import knows what libvirt adds on define', () => {
  it('a domain defined from the same config without our stamp (another tool, an older xenlift) is unchanged, not "differs"', async () => {
    const ours = item().xml!
    const def = await t.exec(['virsh', '-c', 'xen:///system', 'define', '/dev/stdin'], {input: ours})
    expect(def.exitCode).toBe(0)
    // The stand-in stores what libvirt would: the defined XML is not ours.
    const stored = await host.libvirtXml('win1')
    expect(stored).toContain("<pae/>\n    <hap state='on'/>")
    expect(stored.indexOf("dev='hda'")).toBeLessThan(stored.indexOf("dev='hdb'"))
    expect(stored).not.toBe(ours)
    const [again] = await importDomains(t, [item()], {dryRun: true})
    expect(again).toMatchObject({status: 'ok', action: 'unchanged'})
  })

  it('a real change (more memory) is the only thing its --dry-run diff shows', async () => {
    const [defined] = await importDomains(t, [item()])
    expect(defined).toMatchObject({status: 'changed', action: 'define'})
    const [second] = await importDomains(t, [item()], {dryRun: true})
    expect(second).toMatchObject({status: 'ok', action: 'unchanged'})
    const [changed] = await importDomains(t, [item(1024)], {dryRun: true, update: true})
    expect(changed).toMatchObject({status: 'changed', action: 'redefine'})
    const changes = changed!.diff!.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))
    expect(changes.filter((l) => !/xenlift:import /.test(l))).toEqual([
      "-  <memory unit='KiB'>524288</memory>",
      "-  <currentMemory unit='KiB'>524288</currentMemory>",
      "+  <memory unit='KiB'>1048576</memory>",
      "+  <currentMemory unit='KiB'>1048576</currentMemory>",
    ])
  })
})
