/**
 * Differential conversion, native → XML: every xm/xl config of the corpus plus a few hundred
 * generated ones go through xenlift (in process) and through the real libvirt 9.0 libxl
 * driver (`virsh domxml-from-native`); after the same normalisation the XML must be the same,
 * or the difference must be a reasoned entry of known-differences.ts.
 */
import {afterAll, describe, expect, inject, it} from 'vitest'
import {type Comparison, compareOutcomes, type Outcome} from './compare-outcomes.js'
import {corpusNativeCases, type NativeCase} from './corpus-configs.js'
import {generateConfigs} from './generate-configs.js'
import {KNOWN_DIFFERENCES} from './known-differences.js'
import {staleRules, unexplainedSummary, writeLabReport} from './lab-report.js'
import {configHasUuid, normaliseDomainXml} from './normalise.js'
import {ScratchDir, virsh} from './virsh.js'
import {convertOne} from './xenlift-outcome.js'

const lab = inject('xenLab')
/** Generated configs per format (xm and xl each). */
const GENERATED = Number(process.env.XENLIFT_LAB_GENERATED ?? 150)

async function libvirtFromNative(uri: string, scratch: ScratchDir, c: NativeCase): Promise<Outcome> {
  const r = await virsh(uri, ['domxml-from-native', c.format === 'xm' ? 'xen-xm' : 'xen-xl', scratch.file(c.text, '.cfg')])
  return r.ok ? {ok: true, text: r.stdout} : {ok: false, error: r.error}
}

function normalised(o: Outcome, hasUuid: boolean): Outcome {
  return o.ok ? {ok: true, text: normaliseDomainXml(o.text, hasUuid)} : o
}

describe.skipIf(lab.skip !== undefined)(`from-native differential${lab.skip ? ` (SKIPPED: ${lab.skip})` : ''}`, () => {
  const scratch = new ScratchDir()
  const results: Comparison[] = []
  afterAll(() => scratch.remove())

  it('xenlift convert = virsh domxml-from-native for the corpus and generated configs', async () => {
    const uri = lab.uri as string
    const cases = [...corpusNativeCases(), ...generateConfigs(GENERATED)]
    expect(cases.length).toBeGreaterThan(GENERATED * 2)
    const compared = await Promise.all(
      cases.map(async (c) => {
        const hasUuid = configHasUuid(c.text)
        const libvirt = normalised(await libvirtFromNative(uri, scratch, c), hasUuid)
        const xenlift = normalised(convertOne(c.text, c.format, 'libvirt', c.id), hasUuid)
        return compareOutcomes(c.id, 'from-native', xenlift, libvirt, KNOWN_DIFFERENCES)
      }),
    )
    results.push(...compared)
    writeLabReport('from-native', results, {generatedPerFormat: GENERATED})
    // "Both failed" is agreement only while the lab answers: a dead connection must not pass.
    expect(results.filter((r) => r.libvirt.ok).length, 'libvirt converted too few configs: is the lab up?').toBeGreaterThan(results.length / 2)
    expect(results.filter((r) => r.verdict === 'unexplained').length, unexplainedSummary(results)).toBe(0)
  })

  it('every from-native known difference still occurs', () => {
    expect(results.length, 'the differential test did not run').toBeGreaterThan(0)
    expect(staleRules('from-native', results), 'stale entries in known-differences.ts').toEqual([])
  })
})
