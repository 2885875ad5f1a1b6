/**
 * applyLibvirtDefaults against libvirt's vectors, without any native reader: read the expected
 * XML, strip everything libvirt's post-parse adds (inputs, video, consoles, memballoon, xenbus,
 * drive addresses and their controllers, os arch/machine, default loader, default clock form,
 * zero MACs), apply our defaults with the vector's target, and compare with the expected XML.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {Domain} from '../../../src/model/domain.js'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {targetFor, type LibvirtTarget} from '../../../src/formats/libvirt/target.js'
import {hvmLoaderOf} from '../../../src/formats/target-profile.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {compareXml, formatXmlDifferences} from '../../helpers/xml-compare.js'

const LIBVIRT = join(REPO_ROOT, '../shared/corpus/libvirt')
const SETS: readonly [string, LibvirtTarget][] = [
  ['sexpr2xml', targetFor('4.5.0', {runtimeId: true})],
  ['xm', targetFor('9.0.0', {runtimeId: true})],
  ['xl', targetFor('9.0.0', {runtimeId: true})],
  ['xm-v11.3.0', targetFor('11.3.0', {runtimeId: true})],
  ['xl-v11.3.0', targetFor('11.3.0', {runtimeId: true})],
]

/** Files that are not libvirt post-parse output of the set's version. */
const NOT_DEFAULTED: Record<string, string> = {
  'xm/sexpr2xml-pv-bootloader.xml': 'stray 4.5-era file in the 9.0 xm set (no console defaults, no xenbus)',
  'xl/test-fullvirt-vnuma-nodistances.xml': 'xml2cfg-only input written by hand (no xenbus controller)',
  'xl/test-fullvirt-vnuma-partialdist.xml': 'xml2cfg-only input written by hand (no xenbus controller)',
}

function strip(d: Domain, target: LibvirtTarget): Domain {
  const hvm = d.os.kind === 'hvm'
  const os = {...d.os}
  delete os.arch
  delete os.machine
  if (os.loader?.path === hvmLoaderOf(target.profile) && os.loader.type === 'rom' && os.loader.readonly === undefined) delete os.loader
  if (os.loader?.path === `${target.profile.firmwareDir}/ovmf.bin` && os.loader.type === 'pflash') {
    delete os.loader
    os.bios = 'ovmf'
  }
  const clock = {...d.clock}
  if (hvm && clock.offset === 'variable' && clock.adjustment === '0') {
    clock.offset = clock.basis ?? 'utc'
    delete clock.adjustment
    delete clock.basis
  } else if (!hvm && clock.adjustment === 'reset') delete clock.adjustment
  const dev = d.devices
  const first = dev.serials[0]
  const consoles = dev.consoles.filter((c) =>
    hvm ? !(first && c.target.type === 'serial' && c.type === first.type && c.target.port === (first.target.port ?? 0)) : !(c.type === 'pty' && c.target.type === 'xen'),
  )
  const bus = hvm ? 'ps2' : 'xen'
  const videoDefault = hvm ? 'cirrus/8192' : d.os.kind === 'pv' ? 'xen/4096' : 'cirrus/16384'
  const videos = dev.videos.filter((v) => !(dev.graphics.length > 0 && `${v.model.type}/${v.model.vram}` === videoDefault && v.model.heads === 1 && v.model.primary))
  const devices = {
    ...dev,
    disks: dev.disks.map((x) => {
      const y = {...x}
      delete y.address
      return y
    }),
    controllers: dev.controllers.filter(
      (c) => !(c.type === 'ide' || c.type === 'scsi' || (c.type === 'xenbus' && c.maxGrantFrames === undefined && c.maxEventChannels === undefined)),
    ),
    interfaces: dev.interfaces.map((n) => {
      if (n.mac !== '00:00:00:00:00:00') return n
      const m = {...n}
      delete m.mac
      return m
    }),
    consoles,
    inputs: dev.inputs.filter((i) => i.bus !== bus),
    videos,
  }
  delete (devices as Partial<typeof devices>).memballoon
  return {...d, os, clock, devices}
}

describe.skipIf(!existsSync(LIBVIRT))('applyLibvirtDefaults reproduces libvirt post-parse on the vectors', () => {
  for (const [set, target] of SETS) {
    const dir = join(LIBVIRT, set)
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort() : []
    describe(`${set} `, () => {
      for (const f of files) {
        if (NOT_DEFAULTED[`${set}/${f}`]) continue
        it(f, () => {
          const xml = readFileSync(join(dir, f), 'utf8')
          const d = readLibvirtXml(xml).domains[0]!.domain
          const out = writeLibvirtXml(applyLibvirtDefaults(strip(d, target), target), target, {securityInfo: true})
          const diffs = compareXml(xml, out)
          expect(diffs, `${formatXmlDifferences(diffs)}\n--- written ---\n${out}`).toEqual([])
        })
      }
    })
  }
})
