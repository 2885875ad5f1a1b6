/**
 * Every domain XML xenlift writes for the corpus (xm, xl, SXP and libvirt XML inputs) is
 * accepted by the real libvirt 9.0 libxl driver: `virsh define`, then `virsh dumpxml` gives
 * back the same domain (semantic compare, after libvirt's own defaults), then `undefine`.
 */
import {afterAll, describe, expect, inject, it} from 'vitest'
import {compareXml} from '../helpers/xml-compare.js'
import {type Comparison, compareDefined, type Outcome} from './compare-outcomes.js'
import {corpusSourceCases} from './corpus-configs.js'
import {bucketGroups, groupByIdentity, type Written} from './define-groups.js'
import {KNOWN_DIFFERENCES} from './known-differences.js'
import {staleRules, unexplainedSummary, writeLabReport} from './lab-report.js'
import {ScratchDir, virsh, virshScript} from './virsh.js'
import {convertToXml} from './xenlift-outcome.js'

const lab = inject('xenLab')
/** Parallel virsh processes, and domains per virsh process (3 commands each). */
const WORKERS = Number(process.env.XENLIFT_LAB_PARALLEL ?? 3)
const CHUNK = 20

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
    // Address a domain by UUID when it has one: names may hold anything (spaces, `&`, UTF-8).
    const handle = (w: Written) => w.uuid ?? w.name
    const runBucket = async (items: readonly Written[]): Promise<Comparison[]> => {
      const out: Comparison[] = []
      for (let i = 0; i < items.length; i += CHUNK) {
        const chunk = items.slice(i, i + CHUNK)
        // define, dumpxml, undefine of one domain run back to back in one virsh (one connection).
        const script = chunk.flatMap((w) => [['define', scratch.file(w.xml, '.xml')], ['dumpxml', handle(w)], ['undefine', handle(w)]])
        const res = await virshScript(uri, script)
        chunk.forEach((w, k) => {
          const [def, dump, undef] = [res[3 * k], res[3 * k + 1], res[3 * k + 2]]
          if (!def?.ok) {
            out.push(compareDefined(w.id, w.xml, {ok: false, error: def?.error ?? 'no result'}, KNOWN_DIFFERENCES, compareXml))
            return
          }
          if (!undef?.ok) undefineFailures.push(`${w.id}: ${undef?.error ?? 'no result'}`)
          const dumped: Outcome = dump?.ok ? {ok: true, text: dump.stdout} : {ok: false, error: `dumpxml: ${dump?.error ?? 'no result'}`}
          out.push(compareDefined(w.id, w.xml, dumped, KNOWN_DIFFERENCES, compareXml))
        })
      }
      return out
    }
    // Many corpus routes lead to the same XML (a vector's .cfg and its .xml, xm and xl readings
    // of one wild file): define each distinct text once and give its verdict to every route.
    const distinct = [...new Map(written.map((w) => [w.xml, w])).values()]
    const perGroup = await Promise.all(bucketGroups(groupByIdentity(distinct), WORKERS).map(runBucket))
    const byXml = new Map(perGroup.flat().map((c, i) => [c.xenlift.ok ? c.xenlift.text : String(i), c]))
    for (const w of written) {
      const c = byXml.get(w.xml)
      if (c) results.push({...c, id: w.id})
    }
    const left = await virsh(uri, ['list', '--all', '--name'])
    writeLabReport('define', results, {notWritten, undefineFailures})
    const defined = results.filter((r) => r.libvirt.ok).length
    process.stdout.write(
      `[xen-lab] define: ${written.length} XMLs written by xenlift (${distinct.length} distinct; ${notWritten.length} corpus domains not converted), ` +
        `${defined} defined + read back + undefined, ${results.length - defined} refused\n`,
    )
    expect(undefineFailures).toEqual([])
    expect(left.stdout.split('\n').filter((n) => n.trim() !== '' && n.trim() !== 'Domain-0'), 'domains left defined on the lab').toEqual([])
    expect(written.length, 'xenlift wrote no XML for the corpus').toBeGreaterThan(0)
    expect(results, 'a written XML has no define result').toHaveLength(written.length)
    expect(results.filter((r) => r.verdict === 'unexplained').length, unexplainedSummary(results)).toBe(0)
  })

  it('every define known difference still occurs', () => {
    expect(results.length, 'the define test did not run').toBeGreaterThan(0)
    expect(staleRules('define', results), 'stale entries in known-differences.ts').toEqual([])
  })
})
