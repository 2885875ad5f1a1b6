/**
 * Round trips through the native writers, over every config of the shared corpus that converts
 * (libvirt's xm/xl/sexpr2xml inputs, xen-examples, wild xm/xl/SXP) and of the demo host
 * (fixtures/demo-host: /etc/xen, xend domain SXP): for a domain D read from a
 * file, XML1 = writeLibvirtXml(applyLibvirtDefaults(D)); D2 = readXl(writeXl(D)) (and the same
 * with xm); XML2 likewise; XML1 must semantically equal XML2 (test/helpers/xml-compare.ts).
 *
 * What cannot survive the trip is ONE table, LIMITATIONS, each with its reason and the change it
 * makes to D (the expected XML is built from D with every applicable change). A limitation that is
 * a loss names the finding the writer must have reported whenever it changes anything for a file,
 * so nothing is dropped silently; one that changes nothing for any file fails the table (stale).
 * Skipped with a message when ../shared is absent.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {basename, join, relative} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {readConfig} from '../../src/convert/convert.js'
import {applyLibvirtDefaults} from '../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../src/formats/libvirt/write.js'
import {formatXmDisk} from '../../src/formats/xen-common/format-specs.js'
import {readXl} from '../../src/formats/xl/read.js'
import {writeXl} from '../../src/formats/xl/write.js'
import {readXm} from '../../src/formats/xm/read.js'
import {writeXm} from '../../src/formats/xm/write.js'
import type {Diagnostic} from '../../src/model/diagnostic.js'
import type {Domain} from '../../src/model/domain.js'
import type {ReadResult} from '../../src/model/read-result.js'
import {REPO_ROOT} from '../helpers/cli.js'
import {compareXml, formatXmlDifferences} from '../helpers/xml-compare.js'

type Native = 'xl' | 'xm'

interface Limitation {
  readonly formats: readonly Native[]
  readonly reason: string
  /**
   * A loss: the writer must have given a warning whose code or message matches, whenever this
   * limitation changes the expected XML. Absent: a reading normalisation (libvirt's xm/xl reader
   * says the same thing another way), not a loss.
   */
  readonly reported?: RegExp
  /** Change D (a private copy) into what the trip brings back. */
  readonly apply: (d: Domain) => void
}

const isEmptyCdrom = (x: Domain['devices']['disks'][number]) => x.device === 'cdrom' && x.source?.file === undefined && x.source?.dev === undefined

const LIMITATIONS: Readonly<Record<string, Limitation>> = {
  'pae-always': {
    formats: ['xl', 'xm'],
    reason: "libvirt 9.0's xm/xl reader prints <pae/> for every HVM guest, whatever `pae` says (the lab saw the same from virsh domxml-from-native)",
    apply: (d) => {
      if (d.os.kind === 'hvm') d.features.pae = true
    },
  },
  'hap-default': {
    formats: ['xl', 'xm'],
    reason: 'hap is on by default in xm/xl; libvirt reads `hap = 1` as nothing said, so an explicit <hap/> (from SXP) is not printed again',
    apply: (d) => {
      if (d.features.hap === 'on') delete d.features.hap
    },
  },
  'cpu-weight-unread': {
    formats: ['xl', 'xm'],
    reason: "<cputune><shares> is written as cpu_weight, which libvirt's xm/xl readers (and so ours) keep out of the XML (checklist CPU-WEIGHT)",
    apply: (d) => {
      if (d.cputune?.shares === undefined) return
      delete d.cputune.shares
      if (d.cputune.vcpupin.length === 0) delete d.cputune
    },
  },
  'no-description': {
    formats: ['xl', 'xm'],
    reason: 'neither xm nor xl has a description key (xend kept it in SXP only)',
    reported: /description/,
    apply: (d) => {
      delete d.description
    },
  },
  'xl-disk-backend': {
    formats: ['xl'],
    reason: 'xl names no disk driver, only a backend: every disk that is not phy is qdisk and reads back as driver qemu (file, tap, tap2 are gone with xend); an empty CD-ROM has no target, so it reads back as a file qdisk',
    apply: (d) => {
      for (const x of d.devices.disks) {
        if (isEmptyCdrom(x)) {
          x.type = 'file'
          x.driver = {...x.driver, name: 'qemu'}
        } else if (x.type !== 'network' && x.driver?.name !== 'phy' && !(x.driver?.name === undefined && x.type === 'block')) x.driver = {...x.driver, name: 'qemu'}
      }
    },
  },
  'xl-shared-disk': {
    formats: ['xl'],
    reason: 'xl has no shared-writable access mode (w!): the disk is left out',
    reported: /DISK-SHARED/,
    apply: (d) => {
      d.devices.disks = d.devices.disks.filter((x) => !x.shareable)
    },
  },
  'xl-hvm-loader': {
    formats: ['xl'],
    reason: 'xl picks the HVM firmware itself (bios = seabios|rombios|ovmf): a custom hvmloader path cannot be written',
    reported: /BOOT-HVM-LOADER/,
    apply: (d) => {
      if (d.os.kind === 'hvm' && d.os.loader?.path !== undefined && d.os.loader.type !== 'pflash' && !/\/hvmloader$/.test(d.os.loader.path)) delete d.os.loader.path
    },
  },
  'xm-disk-prefix': {
    formats: ['xm'],
    reason: "xm has no qdisk prefix: driver qemu is written file: (phy: for a block device), and libvirt's xm reader reads an empty CD-ROM as a phy block device",
    apply: (d) => {
      for (const x of d.devices.disks) {
        if (isEmptyCdrom(x)) {
          x.type = 'block'
          x.driver = {...x.driver, name: 'phy'}
        } else if (x.driver?.name === 'qemu') x.driver = {...x.driver, name: x.type === 'block' ? 'phy' : 'file'}
      }
    },
  },
  'xm-disk-lost': {
    formats: ['xm'],
    reason: 'xm cannot say network disks, floppies, or image formats other than raw without blktap (gone from libxl): the disk is left out',
    reported: /xm: (network disk|floppy|disk \S+: \S+ image format)/,
    apply: (d) => {
      d.devices.disks = d.devices.disks.filter((x) => !('lost' in formatXmDisk(x)))
    },
  },
  'xm-cpu': {
    formats: ['xm'],
    reason: 'CPU model/features (cpuid, nestedhvm) and vNUMA are xl keys',
    reported: /CPU-CPUID|vNUMA/,
    apply: (d) => {
      delete d.cpu
    },
  },
  'xm-spice': {
    formats: ['xm'],
    reason: 'SPICE is an xl feature',
    reported: /SPICE/,
    apply: (d) => {
      d.devices.graphics = d.devices.graphics.filter((g) => g.type !== 'spice')
    },
  },
  'xm-pvh': {
    formats: ['xm'],
    reason: 'PVH is an xl feature: written as PV',
    reported: /PVH/,
    apply: (d) => {
      if (d.os.kind === 'pvh') d.os.kind = 'pv'
    },
  },
  'xm-hvm-direct-kernel': {
    formats: ['xm'],
    reason: "xm's HVM `kernel` is the firmware (hvmloader): direct kernel boot cannot be said",
    reported: /BOOT-HVM-DIRECT/,
    apply: (d) => {
      if (d.os.kind !== 'hvm') return
      delete d.os.kernel
      delete d.os.initrd
      delete d.os.cmdline
    },
  },
  'xm-xl-only-keys': {
    formats: ['xm'],
    reason: 'acpi_firmware, device_model_args, e820_host, passthrough are xl keys',
    reported: /acpi_firmware|device_model_args|e820_host|passthrough/,
    apply: (d) => {
      delete d.os.acpiTables
      delete d.qemuArgs
      delete d.features.e820Host
      delete d.features.passthrough
    },
  },
  'xm-xl-only-devices': {
    formats: ['xm'],
    reason: 'channels, USB controllers and USB host devices (PVUSB), and the xenbus grant/event-channel limits are xl keys',
    reported: /channels are an xl key|PVUSB|max_grant_frames/,
    apply: (d) => {
      d.devices.channels = []
      d.devices.controllers = d.devices.controllers.filter((c) => c.type !== 'usb').map((c) => {
        if (c.type !== 'xenbus') return c
        const {maxGrantFrames: _g, maxEventChannels: _e, ...rest} = c
        return rest
      })
      d.devices.hostdevs = d.devices.hostdevs.filter((h) => h.type !== 'usb')
    },
  },
  'xm-one-serial': {
    formats: ['xm'],
    reason: 'an xm config holds one serial port: the first is written, as port 0',
    reported: /SERIAL-MULTI/,
    apply: (d) => {
      if (d.os.kind !== 'hvm' || d.devices.serials.length === 0) return
      const first = [...d.devices.serials].sort((a, b) => (a.target.port ?? 0) - (b.target.port ?? 0))[0]!
      if (d.devices.serials.length === 1 && (first.target.port ?? 0) === 0) return
      d.devices.serials = [{...first, target: {...first.target, port: 0}}]
    },
  },
}

const CORPUS = join(REPO_ROOT, '../shared/corpus')
const present = existsSync(join(CORPUS, 'MANIFEST.tsv'))
const DEMO = join(REPO_ROOT, 'fixtures/demo-host')
const TARGET = targetFor('9.0.0')

/** Native and SXP inputs: libvirt's expected XML, reference SXP outputs and docs are not inputs. */
function inputFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (!/\.(xml|md|tsv)$/.test(name) && !/README/.test(name)) out.push(p)
    }
  }
  for (const d of ['libvirt/xm', 'libvirt/xl', 'libvirt/sexpr2xml', 'xen-examples', 'wild']) walk(join(CORPUS, d))
  // The demo host's own configs (xm files, xend domain SXP) too.
  for (const d of ['etc/xen', 'var/lib/xend/domains']) walk(join(DEMO, d))
  return out
}

// Passwords are part of the trip: written with securityInfo (convert --security-info) on both sides.
const xmlOf = (d: Domain) => writeLibvirtXml(applyLibvirtDefaults(d, TARGET), TARGET, {securityInfo: true})
const WRITE = {xl: (d: Domain) => writeXl(d, {securityInfo: true}), xm: (d: Domain) => writeXm(d, {securityInfo: true})} as const
const READ = {xl: readXl, xm: readXm} as const
const errors = (r: ReadResult) => [...r.diagnostics, ...r.domains.flatMap((x) => x.diagnostics)].filter((x) => x.severity === 'error')

interface Case {
  readonly id: string
  readonly domain: Domain
}

function cases(): Case[] {
  const out: Case[] = []
  for (const path of inputFiles()) {
    const rel = path.startsWith(DEMO) ? relative(REPO_ROOT, path) : relative(CORPUS, path)
    const r = readConfig(readFileSync(path, 'utf8'), {baseName: basename(path), file: rel})
    if ('skip' in r || r.format === 'libvirt' || errors(r).length > 0) continue
    for (const [i, x] of r.domains.entries()) out.push({id: r.domains.length > 1 ? `${rel}#${i}` : rel, domain: x.domain})
  }
  return out
}

const used = new Set<string>()
let trips = 0

describe.skipIf(!present)('round trips through xl and xm (native → XML → native → XML)', () => {
  const all = present ? cases() : []

  it('finds the corpus configs that convert', () => {
    // ~100 at the time of writing; far fewer means the walk or a reader broke and the rest passes vacuously.
    expect(all.length).toBeGreaterThan(80)
  })

  for (const c of all) {
    for (const fmt of ['xl', 'xm'] as const) {
      it(`${fmt}: ${c.id}`, () => {
        trips++
        const written = WRITE[fmt](c.domain)
        const back = READ[fmt](written.text, {file: `${c.id}.${fmt}`})
        expect(errors(back), written.text).toEqual([])
        const xml2 = xmlOf(back.domains[0]!.domain)
        const base = xmlOf(c.domain)
        const expected = structuredClone(c.domain)
        const losses = written.diagnostics.filter((x: Diagnostic) => x.severity !== 'info')
        for (const [id, lim] of Object.entries(LIMITATIONS)) {
          if (!lim.formats.includes(fmt)) continue
          const alone = structuredClone(c.domain)
          lim.apply(alone)
          if (compareXml(base, xmlOf(alone)).length > 0) {
            used.add(id)
            if (lim.reported) {
              const re = lim.reported
              expect(losses.some((x) => re.test(x.code) || re.test(x.message)), `${id} changed ${c.id} but ${fmt} reported no matching loss: ${JSON.stringify(losses)}`).toBe(true)
            }
          }
          lim.apply(expected)
        }
        const diff = compareXml(xmlOf(expected), xml2)
        expect(diff, `${fmt}: ${c.id}\n${formatXmlDifferences(diff)}\n--- written:\n${written.text}`).toEqual([])
      })
    }
  }

  afterAll(() => {
    // Runs after every trip above: a limitation no config needs is stale and must go.
    // Only when every trip ran (not under `-t`, which would leave limitations unused).
    if (all.length === 0 || trips < all.length * 2) return
    const stale = Object.keys(LIMITATIONS).filter((id) => !used.has(id))
    expect(stale, 'LIMITATIONS entries that change no corpus config: remove them or add a config that needs them').toEqual([])
  })
})

describe.skipIf(present)('round trips through xl and xm', () => {
  it.skip(`skipped: ${CORPUS} is absent (the shared corpus is not checked out next to the repo)`, () => {})
})
