/**
 * Differential conversion, XML → native: libvirt's own XMLs (the corpus vectors, and what the
 * real driver made of the generated configs) go through xenlift's xl/xm writers (in process)
 * and through `virsh domxml-to-native xen-xl|xen-xm`; the configs are compared as sets of
 * `key = value` lines. Skipped with the writer's own message while it is the placeholder.
 */
import {afterAll, describe, expect, inject, it} from 'vitest'
import {type Comparison, compareOutcomes, type Outcome} from './compare-outcomes.js'
import {corpusXmlCases} from './corpus-configs.js'
import {generateConfigs} from './generate-configs.js'
import {KNOWN_DIFFERENCES} from './known-differences.js'
import {staleRules, unexplainedSummary, writeLabReport} from './lab-report.js'
import {normaliseNativeConfig} from './normalise.js'
import {ScratchDir, virsh} from './virsh.js'
import {convertOne, nativeWriterMissing} from './xenlift-outcome.js'

const lab = inject('xenLab')
const GENERATED = Number(process.env.XENLIFT_LAB_GENERATED ?? 150)

interface XmlInput {
  readonly id: string
  readonly xml: string
  readonly to: 'xl' | 'xm'
}

function normalised(o: Outcome): Outcome {
  return o.ok ? {ok: true, text: normaliseNativeConfig(o.text)} : o
}

/** Corpus XMLs in both native formats; generated configs as libvirt read them, in their own format. */
async function inputs(uri: string, scratch: ScratchDir, formats: readonly ('xl' | 'xm')[]): Promise<XmlInput[]> {
  const out: XmlInput[] = []
  for (const c of corpusXmlCases()) for (const to of formats) out.push({id: `${c.id}>${to}`, xml: c.text, to})
  const gen = generateConfigs(GENERATED).filter((c) => formats.includes(c.format))
  const xmls = await Promise.all(gen.map((c) => virsh(uri, ['domxml-from-native', c.format === 'xm' ? 'xen-xm' : 'xen-xl', scratch.file(c.text, '.cfg')])))
  gen.forEach((c, i) => {
    const r = xmls[i]
    if (r?.ok) out.push({id: `${c.id}>xml>${c.format}`, xml: r.stdout, to: c.format})
  })
  return out
}

const missing = {xl: nativeWriterMissing('xl'), xm: nativeWriterMissing('xm')}
const ready = (['xl', 'xm'] as const).filter((f) => missing[f] === undefined)
const skipNote = (['xl', 'xm'] as const)
  .filter((f) => missing[f] !== undefined)
  .map((f) => `${f}: writer not implemented (${missing[f]})`)
  .join('; ')

describe.skipIf(lab.skip !== undefined)(`to-native differential${lab.skip ? ` (SKIPPED: ${lab.skip})` : ''}`, () => {
  const scratch = new ScratchDir()
  const results: Comparison[] = []
  afterAll(() => scratch.remove())

  for (const f of ['xl', 'xm'] as const) {
    it.skipIf(missing[f] !== undefined)(
      `${f} writer: the real driver reads back what xenlift writes${missing[f] ? ` (SKIPPED: writer not implemented: ${missing[f]})` : ''}`,
      async () => {
        const xml = `<domain type='xen'>\n  <name>lab-roundtrip</name>\n  <uuid>6c4a2b1e-5d1f-4e8a-9b0c-1234567890ab</uuid>\n  <memory unit='KiB'>262144</memory>\n  <currentMemory unit='KiB'>262144</currentMemory>\n  <vcpu placement='static'>2</vcpu>\n  <os>\n    <type arch='x86_64' machine='xenpv'>linux</type>\n    <kernel>/root/guest/vmlinuz</kernel>\n  </os>\n</domain>\n`
        const cfg = convertOne(xml, 'libvirt', f, `roundtrip>${f}`)
        expect(cfg.ok, cfg.ok ? '' : cfg.error).toBe(true)
        const back = await virsh(lab.uri as string, ['domxml-from-native', f === 'xm' ? 'xen-xm' : 'xen-xl', scratch.file(cfg.ok ? cfg.text : '', '.cfg')])
        expect(back.error).toBe('')
        expect(back.stdout).toContain('<name>lab-roundtrip</name>')
        expect(back.stdout).toContain("<vcpu placement='static'>2</vcpu>")
        expect(back.stdout).toContain('<kernel>/root/guest/vmlinuz</kernel>')
      },
    )
  }

  it.skipIf(ready.length === 0)(
    `xenlift writeXl/writeXm = virsh domxml-to-native as key = value sets${skipNote ? ` (partly SKIPPED: ${skipNote})` : ''}`,
    async () => {
      const uri = lab.uri as string
      const cases = await inputs(uri, scratch, ready)
      const compared = await Promise.all(
        cases.map(async (c) => {
          const r = await virsh(uri, ['domxml-to-native', c.to === 'xm' ? 'xen-xm' : 'xen-xl', scratch.file(c.xml, '.xml')])
          const libvirt = normalised(r.ok ? {ok: true, text: r.stdout} : {ok: false, error: r.error})
          const xenlift = normalised(convertOne(c.xml, 'libvirt', c.to, c.id))
          return compareOutcomes(c.id, 'to-native', xenlift, libvirt, KNOWN_DIFFERENCES)
        }),
      )
      results.push(...compared)
      writeLabReport('to-native', results, {skipped: skipNote || undefined})
      expect(results.filter((r) => r.libvirt.ok).length, 'libvirt converted too few XMLs: is the lab up?').toBeGreaterThan(results.length / 2)
      expect(results.filter((r) => r.verdict === 'unexplained').length, unexplainedSummary(results)).toBe(0)
    },
  )

  it.skipIf(ready.length < 2)('every to-native known difference still occurs', () => {
    expect(results.length, 'the differential test did not run').toBeGreaterThan(0)
    expect(staleRules('to-native', results), 'stale entries in known-differences.ts').toEqual([])
  })
})
