/**
 * Human-readable evidence of a lab run: the counts on stdout, every comparison as JSON and
 * every non-identical case with its diff as text, under `labReportDir()` (default
 * `$TMPDIR/xenlift-lab-report`), so a difference can be sent to the converter's owner as is.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {type Comparison, formatTally, tally} from './compare-outcomes.js'
import {KNOWN_DIFFERENCES, type DifferencePhase} from './known-differences.js'
import {labReportDir} from './lab-env.js'

function describeOutcome(o: Comparison['xenlift']): string {
  return o.ok ? 'ok' : `FAILED: ${o.error.replaceAll('\n', ' | ')}`
}

function caseText(c: Comparison): string {
  const head = [`=== ${c.id} [${c.verdict}]${c.rules.length > 0 ? ` rules: ${c.rules.join(', ')}` : ''}`]
  head.push(`xenlift: ${describeOutcome(c.xenlift)}`, `libvirt: ${describeOutcome(c.libvirt)}`)
  if (c.unexplained.length > 0) head.push('unexplained:', ...c.unexplained.map((l) => `  ${l}`))
  if (c.diff !== undefined) head.push('diff (- libvirt, + xenlift):', c.diff)
  return head.join('\n')
}

/** Write `<phase>.json` and `<phase>.txt` and return the tally line (also printed). */
export function writeLabReport(phase: DifferencePhase | string, results: readonly Comparison[], extra: Record<string, unknown> = {}): string {
  const dir = labReportDir()
  mkdirSync(dir, {recursive: true})
  const line = formatTally(phase, tally(results))
  writeFileSync(join(dir, `${phase}.json`), `${JSON.stringify({summary: tally(results), ...extra, results}, null, 1)}\n`)
  const interesting = results.filter((r) => r.verdict === 'unexplained' || r.verdict === 'reasoned')
  const bothFailed = results.filter((r) => r.verdict === 'both-failed')
  const text = [
    line,
    '',
    ...interesting.sort((a, b) => (a.verdict === b.verdict ? a.id.localeCompare(b.id) : a.verdict === 'unexplained' ? -1 : 1)).map(caseText),
    '',
    '--- both failed (agreement; messages recorded) ---',
    ...bothFailed.map((c) => `${c.id}\n  xenlift: ${describeOutcome(c.xenlift)}\n  libvirt: ${describeOutcome(c.libvirt)}`),
  ].join('\n')
  writeFileSync(join(dir, `${phase}.txt`), `${text}\n`)
  process.stdout.write(`\n[xen-lab] ${line}\n[xen-lab] details: ${join(dir, `${phase}.txt`)}\n`)
  return line
}

/** Rules of `phase` that explained nothing in this run (they must be removed or fixed). */
export function staleRules(phase: DifferencePhase, results: readonly Comparison[]): string[] {
  const used = new Set(results.flatMap((r) => r.rules))
  return KNOWN_DIFFERENCES.filter((k) => k.phase === phase && !used.has(k.id)).map((k) => k.id)
}

/** First few unexplained cases, short enough for an assertion message. */
export function unexplainedSummary(results: readonly Comparison[], max = 15): string {
  const bad = results.filter((r) => r.verdict === 'unexplained')
  const shown = bad.slice(0, max).map((c) => `${c.id}: ${c.unexplained.slice(0, 4).join(' ‖ ')}`)
  return `${bad.length} unexplained difference(s):\n${shown.join('\n')}${bad.length > max ? `\n… ${bad.length - max} more` : ''}`
}
