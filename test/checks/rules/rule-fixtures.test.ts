import {readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ruleCatalog} from '../../../src/checks/registry.js'
import {checkPath, FIXTURES} from '../check-fixture.js'

/**
 * One directory per rule id under fixtures/checks/rules/<ID>/: every `hit*` input (a config
 * file, or a directory = a host root) must raise that rule, every `clean*` input must not
 * (false positives matter as much as misses). A `clean-default*` input holds the value xend or xm
 * wrote by default (checklist.md says which), and must raise no finding of that id from any origin.
 */
const RULES_DIR = path.join(FIXTURES, 'checks/rules')
const dirs = readdirSync(RULES_DIR).sort()

describe('rule fixtures', () => {
  it('every rule has a fixture directory with a hit and a clean input', () => {
    const missing: string[] = []
    for (const id of ruleCatalog().keys()) {
      const entries = dirs.includes(id) ? readdirSync(path.join(RULES_DIR, id)) : []
      if (!entries.some((e) => e.startsWith('hit')) || !entries.some((e) => e.startsWith('clean'))) missing.push(id)
    }
    expect(missing).toEqual([])
  })

  for (const id of dirs) {
    for (const input of readdirSync(path.join(RULES_DIR, id)).sort()) {
      const expectHit = input.startsWith('hit')
      it(`${id}: ${input} ${expectHit ? 'raises' : 'does not raise'} it`, async () => {
        const report = await checkPath(path.join(RULES_DIR, id, input))
        const all = report.findings.filter((f) => f.rule === id)
        // The rule itself must decide: reader diagnostics with the same id only count when the
        // reader refused the whole file (no domain for the rule to look at).
        const hits = report.summary.domains > 0 ? all.filter((f) => f.origin === 'rule') : all
        if (expectHit) {
          expect(hits.length, JSON.stringify(report.findings.map((f) => `${f.rule}: ${f.message}`), null, 1)).toBeGreaterThan(0)
          for (const h of hits) {
            expect(h.message).not.toBe('')
            expect(h.remediation).not.toBe('')
          }
        } else if (input.startsWith('clean-default')) {
          // A value xend or xm wrote by default (checklist.md) is no finding at all: neither the
          // rule nor the reader's conversion-loss report may speak about it.
          expect(report.summary.domains).toBeGreaterThan(0)
          expect(all.map((h) => `${h.origin}: ${h.message} @${h.file}:${h.line}`)).toEqual([])
        } else {
          // Clean inputs: no finding of this id from the rule (reader-only diagnostics are the readers' contract).
          expect(all.filter((f) => f.origin === 'rule').map((h) => `${h.message} @${h.file}:${h.line}`)).toEqual([])
        }
      })
    }
  }
})
