/**
 * Every domain XML xenlift writes for the corpus (xm, xl, SXP and libvirt XML inputs) is
 * accepted by the real libvirt 9.0 libxl driver: `virsh define`, then `virsh dumpxml` gives
 * back the same domain (semantic compare, after libvirt's own defaults), then `undefine`.
 */
import {afterAll, describe, expect, inject, it} from 'vitest'
import {compareXml} from '../helpers/xml-compare.js'
import {type Comparison, compareDefined, type Outcome} from './compare-outcomes.js'
import {corpusSourceCases} from './corpus-configs.js'
import {groupByIdentity, type Written} from './define-groups.js'
import {KNOWN_DIFFERENCES} from './known-differences.js'
import {staleRules, unexplainedSummary, writeLabReport} from './lab-report.js'
import {ScratchDir, virsh} from './virsh.js'
import {convertToXml} from './xenlift-outcome.js'

const lab = inject('xenLab')

describe.skipIf(lab.skip !== undefined)(`define on the real driver${lab.skip ? ` (SKIPPED: ${lab.skip})` : ''}`, () => {
  const scratch = new ScratchDir()
  const results: Comparison[] = []
  afterAll(() => scratch.remove())

  it('every corpus XML xenlift writes is defined, read back the same and undefined', async () => {
    const uri = lab.uri as string
    const written: Written[] = []
    const notWritten: string[] = []
    for (const c of corpusSourceCases()) {
      for (const d of convertToXml(c.text, c.format, c.id)) {
        if (d.xml === undefined) notWritten.push(`${c.id} (${d.name}): ${d.error ?? ''}`)
        else {
          const uuid = /<uuid>([^<]*)<\/uuid>/.exec(d.xml)?.[1]
          written.push({id: `${c.id}@${d.name}`, name: d.name, xml: d.xml, ...(uuid ? {uuid} : {})})
        }
      }
    }
    const undefineFailures: string[] = []
    const defineOne = async (w: Written): Promise<Comparison> => {
      const def = await virsh(uri, ['define', scratch.file(w.xml, '.xml')])
      if (!def.ok) return compareDefined(w.id, w.xml, {ok: false, error: def.error}, KNOWN_DIFFERENCES, compareXml)
      // Address the domain by UUID when it has one: names may hold anything (spaces, `&`, UTF-8).
      const handle = w.uuid ?? w.name
      const dump = await virsh(uri, ['dumpxml', handle])
      const dumped: Outcome = dump.ok ? {ok: true, text: dump.stdout} : {ok: false, error: `dumpxml: ${dump.error}`}
      const undef = await virsh(uri, ['undefine', handle])
      if (!undef.ok) undefineFailures.push(`${w.id}: ${undef.error}`)
      return compareDefined(w.id, w.xml, dumped, KNOWN_DIFFERENCES, compareXml)
    }
    const groups = groupByIdentity(written)
    const perGroup = await Promise.all(
      groups.map(async (g) => {
        const out: Comparison[] = []
        for (const w of g) out.push(await defineOne(w))
        return out
      }),
    )
    results.push(...perGroup.flat())
    const left = await virsh(uri, ['list', '--all', '--name'])
    writeLabReport('define', results, {notWritten, undefineFailures})
    const defined = results.filter((r) => r.libvirt.ok).length
    process.stdout.write(
      `[xen-lab] define: ${written.length} XMLs written by xenlift (${notWritten.length} corpus domains not converted), ` +
        `${defined} defined + read back + undefined, ${results.length - defined} refused\n`,
    )
    expect(undefineFailures).toEqual([])
    expect(left.stdout.split('\n').filter((n) => n.trim() !== '' && n.trim() !== 'Domain-0'), 'domains left defined on the lab').toEqual([])
    expect(written.length, 'xenlift wrote no XML for the corpus').toBeGreaterThan(0)
    expect(results.filter((r) => r.verdict === 'unexplained').length, unexplainedSummary(results)).toBe(0)
  })

  it('every define known difference still occurs', () => {
    expect(results.length, 'the define test did not run').toBeGreaterThan(0)
    expect(staleRules('define', results), 'stale entries in known-differences.ts').toEqual([])
  })
})
