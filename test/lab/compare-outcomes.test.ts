// The differential machinery itself (no lab needed): a classifier that called everything
// "identical" would make the whole lab suite worthless, so it is tested on its own.
import {describe, expect, it} from 'vitest'
import {compareXml} from '../helpers/xml-compare.js'
import {compareDefined, compareOutcomes, formatTally, tally} from './compare-outcomes.js'
import {KNOWN_DIFFERENCES, type KnownDifference} from './known-differences.js'
import {staleRules} from './lab-report.js'
import {configHasUuid, normaliseDomainXml, normaliseNativeConfig} from './normalise.js'

const rules: KnownDifference[] = [
  {id: 'mac', phase: 'from-native', reason: 'test', onlyLibvirt: /<mac address='00:00:00:00:00:00'\/>/, onlyXenlift: /<mac address='00:16:3e:/},
  {id: 'strict', phase: 'from-native', reason: 'test', cases: /^gen:/, outcome: 'only-xenlift-fails', error: /duplicate key/},
]
const ok = (text: string) => ({ok: true as const, text})
const fail = (error: string) => ({ok: false as const, error})

describe('compareOutcomes', () => {
  it('equal texts are identical, two failures are agreement', () => {
    expect(compareOutcomes('a', 'from-native', ok('<x/>\n'), ok('<x/>\n'), rules).verdict).toBe('identical')
    expect(compareOutcomes('a', 'from-native', fail('bad'), fail('worse'), rules).verdict).toBe('both-failed')
  })

  it('a difference is reasoned only when every changed line is claimed by a rule', () => {
    const lv = "<i>\n<mac address='00:00:00:00:00:00'/>\n</i>\n"
    const xl = "<i>\n<mac address='00:16:3e:01:02:03'/>\n</i>\n"
    const r = compareOutcomes('a', 'from-native', ok(xl), ok(lv), rules)
    expect(r.verdict).toBe('reasoned')
    expect(r.rules).toEqual(['mac'])
    const extra = compareOutcomes('a', 'from-native', ok(xl.replace('</i>', '<x/>\n</i>')), ok(lv), rules)
    expect(extra.verdict).toBe('unexplained')
    expect(extra.unexplained).toEqual(['+<x/>'])
  })

  it('rules apply only to their phase and cases', () => {
    expect(compareOutcomes('corpus:x', 'from-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('unexplained')
    expect(compareOutcomes('gen:xl:1', 'from-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('reasoned')
    expect(compareOutcomes('gen:xl:1', 'to-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('unexplained')
    expect(compareOutcomes('gen:xl:1', 'from-native', ok('<x/>'), fail('duplicate key'), rules).verdict).toBe('unexplained')
  })

  it('equate rules pair lines that agree after the rewrite, and explain lines rewritten to nothing', () => {
    const eq: KnownDifference[] = [
      {id: 'order', phase: 'to-native', reason: 'test', equate: (l) => (l.startsWith('d = ') ? `d = ${l.slice(4).split(',').sort().join(',')}` : l)},
      {id: 'zero', phase: 'to-native', reason: 'test', equate: (l) => (l === 'p = 0' ? '' : l)},
    ]
    const r = compareOutcomes('a', 'to-native', ok('d = b,a\n'), ok('d = a,b\np = 0\n'), eq)
    expect(r.verdict).toBe('reasoned')
    expect([...r.rules].sort()).toEqual(['order', 'zero'])
    expect(compareOutcomes('a', 'to-native', ok('d = b,c\n'), ok('d = a,b\n'), eq).verdict).toBe('unexplained')
  })

  it('tallies and prints the three counts', () => {
    const t = tally([
      compareOutcomes('a', 'from-native', ok('x'), ok('x'), []),
      compareOutcomes('b', 'from-native', fail('x'), fail('y'), []),
      compareOutcomes('c', 'from-native', ok('x'), ok('y'), []),
    ])
    expect(t).toEqual({identical: 1, bothFailed: 1, reasoned: 0, unexplained: 1})
    expect(formatTally('from-native', t)).toBe('from-native: 3 cases: identical 2 (incl. 1 both failed) / reasoned differences 0 / unexplained 1')
  })
})

describe('compareDefined', () => {
  const defined = "<domain type='xen'>\n  <name>a</name>\n  <devices>\n    <disk type='block'/>\n  </devices>\n</domain>\n"
  it('is identical when dumpxml gives the same domain back, whatever the formatting', () => {
    const dumped = `<domain type="xen">\n  <name>a</name>\n  <devices>\n    <disk type="block"></disk>\n  </devices>\n</domain>\n`
    expect(compareDefined('a', defined, ok(dumped), [], compareXml).verdict).toBe('identical')
  })
  it('explains a semantic difference line by line (- dumpxml, + defined)', () => {
    const r = compareDefined('a', defined, ok(defined.replace('block', 'file')), [], compareXml)
    expect(r.verdict).toBe('unexplained')
    expect(r.unexplained).toEqual(["-    <disk type='file'/>", "+    <disk type='block'/>"])
    expect(r.diff).toContain('/domain/devices[1]/disk[1]/@type: defined block, dumpxml file')
    const rule: KnownDifference = {id: 'f', phase: 'define', reason: 'test', onlyLibvirt: /type='file'/, onlyXenlift: /type='block'/}
    expect(compareDefined('a', defined, ok(defined.replace('block', 'file')), [rule], compareXml).verdict).toBe('reasoned')
  })
  it('a refused define is unexplained unless a rule names its error', () => {
    expect(compareDefined('a', defined, fail('XML error: nope'), [], compareXml).unexplained).toEqual(['only-libvirt-fails: XML error: nope'])
  })
})

describe('normalisation', () => {
  it('hides an invented uuid only when the config has none', () => {
    const xml = '<domain>\n  <uuid>c7a5fdb0-cdaf-9455-926a-d65c16db1809</uuid>\n</domain>\n\n'
    expect(normaliseDomainXml(xml, false)).toBe('<domain>\n  <uuid>(generated)</uuid>\n</domain>\n')
    expect(normaliseDomainXml(xml, true)).toBe('<domain>\n  <uuid>c7a5fdb0-cdaf-9455-926a-d65c16db1809</uuid>\n</domain>\n')
    expect(configHasUuid('name = "a"\n  uuid = "x"\n')).toBe(true)
    expect(configHasUuid('name = "uuid = x"\n# uuid = "x"\n')).toBe(false)
  })
  it('compares native configs as sorted key = value sets', () => {
    expect(normaliseNativeConfig('b = 2\n# c\n\na = 1   \n')).toBe(normaliseNativeConfig('a = 1\nb = 2\n'))
    expect(normaliseNativeConfig('a = 1\n')).not.toBe(normaliseNativeConfig('a = 2\n'))
  })
})

describe('known-differences.ts', () => {
  it('a rule no comparison used is reported as stale, per phase', () => {
    const fromNative = KNOWN_DIFFERENCES.filter((k) => k.phase === 'from-native').map((k) => k.id)
    expect(staleRules('from-native', [])).toEqual(fromNative)
    const first = fromNative[0] ?? ''
    const used = {...compareOutcomes('x', 'from-native', ok('a'), ok('a'), []), rules: [first]}
    expect(staleRules('from-native', [used])).toEqual(fromNative.slice(1))
  })

  it('every entry has a unique id, a reason and something to match', () => {
    const ids = KNOWN_DIFFERENCES.map((k) => k.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const k of KNOWN_DIFFERENCES) {
      expect(k.reason.length, k.id).toBeGreaterThan(30)
      const matchers = [k.onlyLibvirt, k.onlyXenlift, k.outcome, k.equate].filter((m) => m !== undefined)
      expect(matchers.length, k.id).toBeGreaterThan(0)
    }
  })
})
