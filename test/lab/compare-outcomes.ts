/**
 * Classify one differential case: xenlift's outcome against the real libvirt's, after the
 * shared normalisation, with every remaining difference either claimed by a rule of
 * `known-differences.ts` (reasoned) or not (unexplained). Pure: the tests feed it text.
 */
import {diffLines} from 'diff'
import type {DifferencePhase, KnownDifference} from './known-differences.js'

export type Outcome = {readonly ok: true; readonly text: string} | {readonly ok: false; readonly error: string}

export type Verdict = 'identical' | 'both-failed' | 'reasoned' | 'unexplained'

export interface Comparison {
  readonly id: string
  readonly phase: DifferencePhase
  readonly verdict: Verdict
  /** Known differences that explained (part of) this case. */
  readonly rules: readonly string[]
  readonly xenlift: Outcome
  readonly libvirt: Outcome
  /** Lines only one side printed (`-` libvirt, `+` xenlift), or the outcome mismatch. */
  readonly unexplained: readonly string[]
  /** Unified-style diff of the two texts (both succeeded and differ). */
  readonly diff?: string
}

function applies(rule: KnownDifference, phase: DifferencePhase, id: string): boolean {
  return rule.phase === phase && (rule.cases === undefined || rule.cases.test(id))
}

/** One place where the texts differ: the lines only libvirt printed there and those only xenlift printed there. */
export interface Hunk {
  readonly onlyLibvirt: string[]
  readonly onlyXenlift: string[]
}

/**
 * Split a line diff into the lines only libvirt printed and the lines only xenlift printed, and
 * into hunks (the changed lines between two unchanged ones): "libvirt prints X, xenlift prints Y"
 * is a claim about one hunk.
 */
export function changedLines(libvirt: string, xenlift: string): {onlyLibvirt: string[]; onlyXenlift: string[]; hunks: Hunk[]; diff: string} {
  const onlyLibvirt: string[] = []
  const onlyXenlift: string[] = []
  const hunks: Hunk[] = []
  let hunk: Hunk | undefined
  const out: string[] = []
  for (const part of diffLines(libvirt, xenlift)) {
    const lines = part.value.replace(/\n$/, '').split('\n')
    const mark = part.added ? '+' : part.removed ? '-' : ' '
    if (part.added || part.removed) {
      if (hunk === undefined) {
        hunk = {onlyLibvirt: [], onlyXenlift: []}
        hunks.push(hunk)
      }
      ;(part.added ? hunk.onlyXenlift : hunk.onlyLibvirt).push(...lines)
      ;(part.added ? onlyXenlift : onlyLibvirt).push(...lines)
    } else hunk = undefined
    for (const l of lines) out.push(`${mark}${l}`)
  }
  return {onlyLibvirt, onlyXenlift, hunks, diff: out.join('\n')}
}

/**
 * Compare two outcomes. Both failing is agreement (the messages are kept for the report).
 * One failing is an outcome mismatch that only a rule with the matching `outcome` (and error
 * pattern) can explain. Two texts are compared line by line; each line only one side printed
 * must be claimed by an applicable rule's `onlyLibvirt` / `onlyXenlift` pattern. A rule with both
 * patterns ("libvirt prints X where xenlift prints Y") claims lines only in a hunk where it
 * claims lines of both sides: a lone X (or a lone Y) stays unexplained. A rule with one pattern
 * claims lone lines of that side (libvirt adds something on define).
 */
export function compareOutcomes(
  id: string,
  phase: DifferencePhase,
  xenlift: Outcome,
  libvirt: Outcome,
  rules: readonly KnownDifference[],
): Comparison {
  const base = {id, phase, xenlift, libvirt}
  const usable = rules.filter((r) => applies(r, phase, id))
  if (!xenlift.ok && !libvirt.ok) return {...base, verdict: 'both-failed', rules: [], unexplained: []}
  if (!xenlift.ok || !libvirt.ok) {
    const outcome = xenlift.ok ? 'only-libvirt-fails' : 'only-xenlift-fails'
    const error = xenlift.ok ? (libvirt as {error: string}).error : xenlift.error
    const rule = usable.find((r) => r.outcome === outcome && (r.error === undefined || r.error.test(error)))
    if (rule) return {...base, verdict: 'reasoned', rules: [rule.id], unexplained: []}
    return {...base, verdict: 'unexplained', rules: [], unexplained: [`${outcome}: ${error}`]}
  }
  if (xenlift.text === libvirt.text) return {...base, verdict: 'identical', rules: [], unexplained: []}
  const changed = changedLines(libvirt.text, xenlift.text)
  const {diff} = changed
  const used = new Set<string>()
  const unexplained: string[] = []
  const left = pairEquated(changed.onlyLibvirt, changed.onlyXenlift, usable, used)
  const pending = {onlyLibvirt: countLines(left.onlyLibvirt), onlyXenlift: countLines(left.onlyXenlift)}
  for (const h of changed.hunks) {
    // The lines the equate rules left over, hunk by hunk (in order, as the diff printed them).
    const take = (lines: readonly string[], side: 'onlyLibvirt' | 'onlyXenlift') =>
      lines.filter((l) => {
        const n = pending[side].get(l) ?? 0
        if (n === 0) return false
        pending[side].set(l, n - 1)
        return true
      })
    unexplained.push(...claimHunk(take(h.onlyLibvirt, 'onlyLibvirt'), take(h.onlyXenlift, 'onlyXenlift'), usable, used))
  }
  return {...base, verdict: unexplained.length === 0 ? 'reasoned' : 'unexplained', rules: [...used], unexplained, diff}
}

function countLines(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1)
  return m
}

/** Claim one hunk's lines; returns the unexplained ones (`-` libvirt, `+` xenlift). */
function claimHunk(libvirt: readonly string[], xenlift: readonly string[], rules: readonly KnownDifference[], used: Set<string>): string[] {
  const claims: {line: string; mark: '-' | '+'; rule?: KnownDifference}[] = [
    ...libvirt.map((line) => ({line, mark: '-' as const, rule: rules.find((r) => r.onlyLibvirt?.test(line))})),
    ...xenlift.map((line) => ({line, mark: '+' as const, rule: rules.find((r) => r.onlyXenlift?.test(line))})),
  ]
  // A two-sided rule explains a hunk only with a line of each side.
  const paired = (r: KnownDifference): boolean =>
    r.onlyLibvirt === undefined || r.onlyXenlift === undefined || (claims.some((c) => c.rule === r && c.mark === '-') && claims.some((c) => c.rule === r && c.mark === '+'))
  const out: string[] = []
  for (const c of claims) {
    if (c.rule !== undefined && paired(c.rule)) used.add(c.rule.id)
    else out.push(`${c.mark}${c.line}`)
  }
  return out
}

/**
 * Remove the lines the `equate` rules explain: both sides' lines are rewritten by every
 * applicable rule; a libvirt line and a xenlift line that become equal are a pair, a line
 * that becomes '' stands alone. Rules that changed a removed line are credited in `used`.
 */
function pairEquated(
  onlyLibvirt: readonly string[],
  onlyXenlift: readonly string[],
  rules: readonly KnownDifference[],
  used: Set<string>,
): {onlyLibvirt: string[]; onlyXenlift: string[]} {
  const eq = rules.filter((r) => r.equate !== undefined)
  if (eq.length === 0) return {onlyLibvirt: [...onlyLibvirt], onlyXenlift: [...onlyXenlift]}
  const norm = (line: string) => eq.reduce((l, r) => (r.equate ? r.equate(l) : l), line)
  const credit = (line: string) => {
    for (const r of eq) if (r.equate && r.equate(line) !== line) used.add(r.id)
  }
  const left: string[] = []
  const pool = onlyXenlift.map((l) => ({line: l, norm: norm(l), taken: false}))
  for (const l of onlyLibvirt) {
    const n = norm(l)
    const partner = pool.find((p) => !p.taken && p.norm === n)
    if (n === '' || partner) {
      credit(l)
      if (partner) {
        partner.taken = true
        credit(partner.line)
      }
    } else left.push(l)
  }
  const right: string[] = []
  for (const p of pool) {
    if (p.taken) continue
    if (p.norm === '') credit(p.line)
    else right.push(p.line)
  }
  return {onlyLibvirt: left, onlyXenlift: right}
}

export interface Tally {
  identical: number
  bothFailed: number
  reasoned: number
  unexplained: number
}

export function tally(results: readonly Comparison[]): Tally {
  const t: Tally = {identical: 0, bothFailed: 0, reasoned: 0, unexplained: 0}
  for (const r of results) {
    if (r.verdict === 'identical') t.identical++
    else if (r.verdict === 'both-failed') t.bothFailed++
    else if (r.verdict === 'reasoned') t.reasoned++
    else t.unexplained++
  }
  return t
}

/** `identical 120 (incl. 14 both failed) / reasoned differences 30 / unexplained 0` */
export function formatTally(label: string, t: Tally): string {
  const total = t.identical + t.bothFailed + t.reasoned + t.unexplained
  return `${label}: ${total} cases: identical ${t.identical + t.bothFailed} (incl. ${t.bothFailed} both failed) / reasoned differences ${t.reasoned} / unexplained ${t.unexplained}`
}

/**
 * The define check: what xenlift wrote (`defined`) against what the real driver gives back
 * (`virsh dumpxml`, or the define error). Equal when semantically equal (test/helpers/
 * xml-compare.ts: attribute order, quoting and indentation do not matter). Otherwise the
 * difference is explained line by line, as for from-native (both texts are in libvirt's own
 * formatting, and a line diff, unlike the tree compare, survives an inserted element):
 * `onlyLibvirt` = lines only dumpxml has, `onlyXenlift` = lines only the defined XML has.
 */
export function compareDefined(
  id: string,
  defined: string,
  dumped: Outcome,
  rules: readonly KnownDifference[],
  diffXml: (expected: string, actual: string) => readonly {path: string; expected: string; actual: string}[],
): Comparison {
  const xenlift: Outcome = {ok: true, text: defined}
  if (!dumped.ok) return compareOutcomes(id, 'define', xenlift, dumped, rules)
  const semantic = diffXml(defined, dumped.text)
  if (semantic.length === 0) return {id, phase: 'define', verdict: 'identical', rules: [], xenlift, libvirt: dumped, unexplained: []}
  const r = compareOutcomes(id, 'define', xenlift, {ok: true, text: dumped.text.replace(/\s+$/, '\n')}, rules)
  const paths = semantic.map((d) => `${d.path}: defined ${d.expected}, dumpxml ${d.actual}`).join('\n')
  return {...r, diff: `${paths}\n${r.diff ?? ''}`}
}
