/**
 * Real-world SXP (shared/corpus/wild/sxp: Oracle VM `xm list -l` dumps, a one-line HVM SXP,
 * Domain-0) and xend's own daemon configs (shared/corpus/xen-examples/*.sxp): each one converts
 * to valid libvirt XML, or is skipped, or fails with a located readable error — never a crash.
 * Skips cleanly when the shared corpus is absent.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {readSxp} from '../../../src/formats/sxp/read.js'
import {REPO_ROOT} from '../../helpers/cli.js'

const CORPUS = join(REPO_ROOT, '../shared/corpus')
const WILD = join(CORPUS, 'wild/sxp')
const EXAMPLES = join(CORPUS, 'xen-examples')
const VALIDATE = '/usr/bin/virt-xml-validate'

const list = (dir: string, pred: (f: string) => boolean) => (existsSync(dir) ? readdirSync(dir).filter(pred).sort() : [])
const wild = list(WILD, () => true)
const daemonConfigs = list(EXAMPLES, (f) => f.endsWith('.sxp'))

describe.skipIf(wild.length === 0)('wild SXP files', () => {
  const target = targetFor('9.0.0')
  const tmp = existsSync(VALIDATE) ? mkdtempSync(join(tmpdir(), 'xenlift-sxp-')) : ''
  for (const f of wild) {
    it(`${f} converts or is skipped, with located diagnostics`, () => {
      const r = readSxp(readFileSync(join(WILD, f), 'utf8'), {file: f})
      expect(r.domains.length + r.skipped.length, f).toBeGreaterThan(0)
      for (const d of [...r.diagnostics, ...r.domains.flatMap((x) => x.diagnostics)]) {
        expect(d.line, d.message).toBeGreaterThanOrEqual(1)
        expect(d.file).toBe(f)
      }
      for (const {domain, diagnostics} of r.domains) {
        expect(diagnostics.filter((d) => d.severity === 'error'), f).toEqual([])
        const xml = writeLibvirtXml(applyLibvirtDefaults(domain, target), target)
        expect(xml).toContain(`<uuid>${domain.uuid}</uuid>`)
        if (tmp) {
          const out = join(tmp, `${f}.xml`)
          writeFileSync(out, xml)
          expect(() => execFileSync(VALIDATE, [out, 'domain'], {stdio: 'pipe'}), xml).not.toThrow()
        }
      }
    })
  }

  it('Oracle VM PV dump: pygrub, phy-less file disk, runtime keys dropped, weight → shares', () => {
    const f = '01-a-ovm-pv-pygrub.sxp'
    if (!wild.includes(f)) return
    const r = readSxp(readFileSync(join(WILD, f), 'utf8'), {file: f})
    const d = r.domains[0]
    expect(d?.domain.os.bootloader).toBe('/usr/bin/pygrub')
    expect(d?.domain.devices.disks[0]?.source?.file).toMatch(/^\/OVS\/Repositories\/.*\.img$/)
    expect(d?.domain.cputune?.shares).toBe(27500)
    expect(d?.diagnostics.map((x) => x.code)).toEqual(expect.arrayContaining(['SXP-RUNTIME', 'CPU-WEIGHT', 'DM-PATH']))
  })

  it('Domain-0 dump is skipped, not converted', () => {
    const f = '03-c-ovm-domain0.sxp'
    if (!wild.includes(f)) return
    const r = readSxp(readFileSync(join(WILD, f), 'utf8'), {file: f})
    expect(r.domains).toEqual([])
    expect(r.skipped).toEqual([expect.objectContaining({name: 'Domain-0'})])
  })

  it('one-line HVM dump with SPICE: converted with VNC, SPICE reported', () => {
    const f = '04-d-hvm-spice-oneline.sxp'
    if (!wild.includes(f)) return
    const r = readSxp(readFileSync(join(WILD, f), 'utf8'), {file: f})
    const d = r.domains[0]
    expect(d?.domain.os.kind).toBe('hvm')
    expect(d?.domain.devices.inputs).toEqual([{type: 'tablet', bus: 'usb'}])
    expect(d?.domain.devices.serials.map((s) => s.type)).toEqual(['pty'])
    expect(d?.diagnostics).toContainEqual(expect.objectContaining({code: 'UNSUPPORTED', path: 'image/hvm/spice', line: 1}))
  })
})

describe.skipIf(daemonConfigs.length === 0)('xend daemon configs (xen-examples/*.sxp)', () => {
  for (const f of daemonConfigs) {
    it(`${f} is skipped as not a domain config`, () => {
      const r = readSxp(readFileSync(join(EXAMPLES, f), 'utf8'), {file: f})
      expect(r.domains).toEqual([])
      expect(r.skipped).toHaveLength(1)
      expect(r.diagnostics).toEqual([expect.objectContaining({code: 'NOT-A-CONFIG', severity: 'info', file: f})])
      expect(r.diagnostics[0]?.line).toBeGreaterThanOrEqual(1)
    })
  }
})

const XML2SEXPR = join(CORPUS, 'libvirt/xml2sexpr')
const libvirtWritten = list(XML2SEXPR, (f) => f.endsWith('.sexpr'))

/**
 * libvirt's own SXP writer output (`xml2sexpr-*.sexpr`: the `(vm …)` it sent to xend) read
 * back: one domain each, no errors, and the identity of the source XML.
 */
describe.skipIf(libvirtWritten.length === 0)('SXP written by libvirt (xml2sexpr vectors) read back', () => {
  for (const f of libvirtWritten) {
    it(f, () => {
      const r = readSxp(readFileSync(join(XML2SEXPR, f), 'utf8'), {file: f})
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      expect(r.domains).toHaveLength(1)
      const {domain, diagnostics} = r.domains[0] as (typeof r.domains)[number]
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      expect(diagnostics.map((d) => d.code)).toContain('SXP-VM-ROOT')
      const xmlFile = join(XML2SEXPR, f.replace(/\.sexpr$/, '.xml'))
      if (!existsSync(xmlFile)) return
      const xml = readFileSync(xmlFile, 'utf8')
      expect(domain.name).toBe(/<name>([^<]*)<\/name>/.exec(xml)?.[1]?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&apos;/g, "'").replace(/&quot;/g, '"'))
      expect(domain.uuid?.replace(/-/g, '')).toBe(/<uuid>([^<]*)<\/uuid>/.exec(xml)?.[1]?.replace(/-/g, ''))
      const disks = (xml.match(/<disk /g) ?? []).length
      expect(domain.devices.disks.length).toBe(disks)
      expect(domain.devices.interfaces.length).toBe((xml.match(/<interface /g) ?? []).length)
    })
  }
})
