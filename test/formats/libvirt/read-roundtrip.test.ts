/**
 * For every expected XML in libvirt's vectors: write(read(xml)) is semantically equal to xml,
 * with the target profile of the libvirt version that formatted it. This pins the reader and the
 * writer to each other and to libvirt's own output, independently of the native readers.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatDiagnostic} from '../../../src/model/diagnostic.js'
import {readLibvirtXml} from '../../../src/formats/libvirt/read.js'
import {targetFor, type LibvirtTarget} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {REPO_ROOT} from '../../helpers/cli.js'
import {compareXml, formatXmlDifferences} from '../../helpers/xml-compare.js'

const LIBVIRT = join(REPO_ROOT, '../shared/corpus/libvirt')
const SETS: readonly [string, LibvirtTarget][] = [
  ['sexpr2xml', targetFor('4.5.0', {runtimeId: true})],
  // runtimeId everywhere: the xm set holds a stray 4.5-era file (sexpr2xml-pv-bootloader.xml) with an id=.
  ['xm', targetFor('9.0.0', {runtimeId: true})],
  ['xl', targetFor('9.0.0', {runtimeId: true})],
  ['xm-v11.3.0', targetFor('11.3.0', {runtimeId: true})],
  ['xl-v11.3.0', targetFor('11.3.0', {runtimeId: true})],
]

describe.skipIf(!existsSync(LIBVIRT))('libvirt XML round trip over the corpus', () => {
  for (const [set, target] of SETS) {
    const dir = join(LIBVIRT, set)
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort() : []
    describe(`${set} `, () => {
      for (const f of files) {
        it(f, () => {
          const xml = readFileSync(join(dir, f), 'utf8')
          const r = readLibvirtXml(xml, {file: f})
          const all = [...r.diagnostics, ...(r.domains[0]?.diagnostics ?? [])]
          expect(all.map((d) => formatDiagnostic(d))).toEqual([])
          const d = r.domains[0]!.domain
          const out = writeLibvirtXml(d, target, {securityInfo: true})
          const diffs = compareXml(xml, out)
          expect(diffs, `${formatXmlDifferences(diffs)}\n--- written ---\n${out}`).toEqual([])
        })
      }
    })
  }
})
