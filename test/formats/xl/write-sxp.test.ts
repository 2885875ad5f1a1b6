/**
 * SXP → xl directly (no libvirt in between): the demo host's xend domains
 * (fixtures/demo-host/var/lib/xend/domains/*\/config.sxp) write sensible xl that readXl reads
 * back without errors: PV SCSI carried as an xl vscsi spec, tap:aio disks as qdisk specs, w!
 * reported (xl has no shared-writable mode).
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readSxp} from '../../../src/formats/sxp/read.js'
import {readXl} from '../../../src/formats/xl/read.js'
import {writeXl} from '../../../src/formats/xl/write.js'
import {writeXm} from '../../../src/formats/xm/write.js'
import type {Diagnostic} from '../../../src/model/diagnostic.js'
import {REPO_ROOT} from '../../helpers/cli.js'

const DOMAINS = join(REPO_ROOT, 'fixtures/demo-host/var/lib/xend/domains')

function demo(uuidPrefix: string) {
  const dir = readdirSync(DOMAINS).find((d) => d.startsWith(uuidPrefix))!
  const r = readSxp(readFileSync(join(DOMAINS, dir, 'config.sxp'), 'utf8'), {file: `${dir}/config.sxp`})
  expect(r.domains).toHaveLength(1)
  const domain = r.domains[0]!.domain
  const xl = writeXl(domain)
  const back = readXl(xl.text, {file: `${domain.name}.cfg`})
  return {domain, xl, back, lines: xl.text.split('\n').filter((l) => l !== '')}
}

const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error')
const warnings = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'warning')

describe('SXP → xl (demo host)', () => {
  it('every demo domain writes xl that readXl reads without errors, same identity and devices', () => {
    for (const dir of readdirSync(DOMAINS)) {
      const r = readSxp(readFileSync(join(DOMAINS, dir, 'config.sxp'), 'utf8'))
      for (const {domain} of r.domains) {
        const out = writeXl(domain)
        const back = readXl(out.text)
        expect(errorsOf([...back.diagnostics, ...back.domains.flatMap((x) => x.diagnostics)]), out.text).toEqual([])
        const b = back.domains[0]!.domain
        expect(b.name).toBe(domain.name)
        expect(b.uuid).toBe(domain.uuid)
        expect(b.os.kind).toBe(domain.os.kind)
        expect(b.currentMemoryKiB).toBe(domain.currentMemoryKiB)
        expect(b.devices.interfaces.map((i) => i.mac)).toEqual(domain.devices.interfaces.map((i) => i.mac))
        // Every disk comes back, except those the writer reported lost.
        const lost = warnings(out.diagnostics).filter((d) => /disk \w+/.test(d.message)).length
        expect(b.devices.disks.length).toBe(domain.devices.disks.length - lost)
      }
    }
  })

  it('web01 (PV, pygrub): the tap:aio disk becomes a qdisk spec, reported as a note', () => {
    const {xl, back, lines} = demo('6f1c3a52')
    expect(lines).toContain('bootloader = "/usr/bin/pygrub"')
    expect(lines).toContain('disk = [ "format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/vg_xen/web01-root", "format=raw,vdev=xvdb,access=rw,backendtype=qdisk,target=/srv/xen/web01-data.img" ]')
    expect(xl.diagnostics.find((d) => /xvdb: blktap \(tap\) written as qdisk/.test(d.message))?.severity).toBe('info')
    expect(xl.text).not.toMatch(/tap:/)
    expect(back.domains[0]!.domain.devices.disks[1]!.source?.file).toBe('/srv/xen/web01-data.img')
  })

  it("Bob's win2k8 (HVM): the w! disk is reported (DISK-SHARED) and left out; the name's quote survives", () => {
    const {domain, xl, back, lines} = demo('a3e2c9d4')
    const shared = domain.devices.disks.find((d) => d.shareable)!
    expect(shared).toBeDefined()
    expect(warnings(xl.diagnostics).filter((d) => d.code === 'DISK-SHARED').map((d) => d.message)).toEqual([expect.stringContaining(`disk ${shared.target.dev} is shared writable`)])
    expect(xl.text).not.toContain(`vdev=${shared.target.dev}`)
    expect(lines).toContain(`name = "Bob's win2k8"`)
    expect(lines).toContain('builder = "hvm"')
    expect(back.domains[0]!.domain.name).toBe("Bob's win2k8")
  })

  it('backup01: PV SCSI is carried as an xl vscsi spec (pdev,vdev), not as an SXP structure', () => {
    const {xl, back, lines} = demo('c81b7f2e')
    expect(lines).toContain('vscsi = [ "/dev/sdc,0:0:0:0" ]')
    expect(xl.diagnostics.find((d) => d.code === 'CARRIED')?.message).toMatch(/vscsi carried over as vscsi/)
    expect(back.native?.entries.find((e) => e.key === 'vscsi')?.value).toEqual(['/dev/sdc,0:0:0:0'])
  })

  it('xm gets the vscsi spec in its own spelling', () => {
    const {domain} = demo('c81b7f2e')
    expect(writeXm(domain).text.split('\n')).toContain('vscsi = [ "/dev/sdc, 0:0:0:0" ]')
  })
})

describe('SXP device blocks without a native spelling are losses, not garbage', () => {
  it('feature-host vscsi in xm, unknown blocks, nested structures', async () => {
    const {newDomain} = await import('../../../src/model/domain.js')
    const d = newDomain('g', 'pv')
    d.os.kernel = '/k'
    d.extra = {
      vscsi: [['vscsi', ['feature-host', '1'], ['dev', ['p-dev', '2:0:3:0'], ['v-dev', '0:0:0:0']]]],
      ioports: [['ioports', ['from', '0x3f8'], ['to', '0x3ff']]],
      irq: [['irq', ['irq', '4']]],
      vusb: [['vusb', ['usb-ver', '2']]],
    }
    const xl = writeXl(d)
    expect(xl.text.split('\n')).toEqual(expect.arrayContaining(['vscsi = [ "2:0:3:0,0:0:0:0,feature-host" ]', 'ioports = [ "3f8-3ff" ]', 'irqs = [ "4" ]']))
    expect(warnings(xl.diagnostics).map((x) => `${x.code} ${x.message}`)).toEqual([expect.stringMatching(/^PVUSB xl: vusb: xend's \(vusb …\) device block has no xl spelling/)])
    const xm = writeXm(d)
    expect(warnings(xm.diagnostics).map((x) => x.code)).toEqual(['PVSCSI', 'PVUSB'])
    expect(xm.text).not.toMatch(/vscsi|vusb|\[ \[/)
  })
})
