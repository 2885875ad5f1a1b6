import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {RULE_SEVERITIES, withRuleSeverity} from '../../src/checks/rule-severity.js'
import {BUILTIN_RULES} from '../../src/checks/registry.js'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {importDomains} from '../../src/host/import-domains.js'
import {importItemsFrom} from '../../src/host/import-sources.js'
import {diag} from '../../src/model/diagnostic.js'
import {LocalTransport} from '../../src/transport/local.js'
import {renderImport} from '../../src/ui/import-report.js'
import {checkPath, FIXTURES} from './check-fixture.js'

const TABLE: Readonly<Record<string, {severity: string; varies?: {to: string}}>> = RULE_SEVERITIES
const RULES_DIR = path.join(FIXTURES, 'checks/rules')

describe('one severity per rule (src/checks/rule-severity.ts)', () => {
  it('every built-in rule takes its severity from the table, and the table names no other id', () => {
    for (const r of BUILTIN_RULES) {
      expect(r.severity, r.id).toBe(TABLE[r.id]?.severity)
      expect(r.blocker, r.id).toBe(r.severity === 'blocker')
    }
    expect(Object.keys(RULE_SEVERITIES).sort()).toEqual([...new Set(BUILTIN_RULES.map((r) => r.id))].sort())
  })

  it('gives a reader diagnostic its rule severity, keeping errors, allowed variants and other codes', () => {
    expect(withRuleSeverity(diag('STUBDOM', 'warning', 'x')).severity).toBe('blocker')
    expect(withRuleSeverity(diag('PVSCSI', 'warning', 'x')).severity).toBe('blocker')
    expect(withRuleSeverity(diag('XL-SYNTAX', 'info', 'x')).severity).toBe('warning')
    expect(withRuleSeverity(diag('FLOPPY', 'info', 'x')).severity).toBe('warning')
    expect(withRuleSeverity(diag('DISK-TAP-UNKNOWN', 'error', 'x')).severity).toBe('error')
    expect(withRuleSeverity(diag('PY-EXPR', 'warning', 'evaluated')).severity).toBe('warning')
    expect(withRuleSeverity(diag('UNSUPPORTED', 'warning', 'x')).severity).toBe('warning')
  })

  // Every hit fixture of every rule, through convert and check: a diagnostic or finding carrying a
  // rule id has that rule's severity (or the one variant the rule allows) in both.
  const hits = readdirSync(RULES_DIR)
    .sort()
    .flatMap((id) => readdirSync(path.join(RULES_DIR, id)).map((f) => path.join(RULES_DIR, id, f)))
    .filter((p) => path.basename(p).startsWith('hit') && statSync(p).isFile())
  it.each(hits.map((p) => [path.relative(RULES_DIR, p), p]))('%s: convert and check agree with the table', async (_name, file) => {
    const allowed = (code: string, sev: string) => {
      const e = TABLE[code]
      return e === undefined || sev === e.severity || sev === e.varies?.to
    }
    const r = convertText(readFileSync(file, 'utf8'), {file})
    const ds = [...r.diagnostics, ...r.domains.flatMap((d) => d.diagnostics)].filter((d) => d.severity !== 'error')
    expect(ds.filter((d) => !allowed(d.code, d.severity)).map((d) => `${d.code} ${d.severity}`)).toEqual([])
    const report = await checkPath(file)
    const wrong = report.findings.filter((f) => f.rule !== 'INTERNAL' && !allowed(f.rule, f.severity) && !(f.origin === 'reader' && ds.every((d) => d.code !== f.rule)))
    expect(wrong.map((f) => `${f.rule} ${f.severity} (${f.origin})`)).toEqual([])
  })

  it('STUBDOM reads "blocker" in convert, check and import alike', async () => {
    const file = path.join(RULES_DIR, 'STUBDOM/hit-target7.sxp')
    const text = readFileSync(file, 'utf8')
    const converted = convertText(text, {file})
    const ds = converted.domains[0]?.diagnostics ?? []
    expect(ds.filter((d) => d.code === 'STUBDOM').map((d) => d.severity)).toEqual(['blocker'])
    const report = await checkPath(file)
    expect(report.findings.filter((f) => f.rule === 'STUBDOM').map((f) => f.severity)).toEqual(['blocker'])
    const {items} = importItemsFrom([{path: file, text}], targetFor('9.0.0'))
    // A blocked domain is refused before the transport is used.
    const outcomes = await importDomains(new LocalTransport(), items, {dryRun: true})
    expect(outcomes.map((o) => o.action)).toEqual(['blocked'])
    expect(outcomes[0]?.blockers.map((b) => `${b.code} ${b.severity}`)).toEqual(['STUBDOM blocker'])
    const out = renderImport([{host: 'local', ok: true, domains: outcomes, fileErrors: []}], {showDiff: false})
    const lines = out.split('\n').filter((l) => l.trimStart().startsWith('blocker:'))
    expect(lines.length).toBeGreaterThan(0)
    for (const l of lines) expect(l).not.toMatch(/: (warning|info): /)
  })
})
