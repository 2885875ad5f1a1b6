import type {FileRule, RuleHit} from '../rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** PY-DUPKEY: xm (Python) and xl use the last assignment, libvirt ≤ 11's reader the first (xen-formats §8.3). */
export const pyDupkey: FileRule = {
  id: 'PY-DUPKEY',
  title: 'Key assigned twice',
  ...ruleSeverity('PY-DUPKEY'),
  scope: 'file',
  detects: 'xm/xl: the same key assigned more than once',
  remediation: 'Keep only one assignment: xm/xl used the last value, libvirt ≤ 11 reads the first.',
  check(ctx) {
    const entries = ctx.read.native?.entries ?? []
    const first = new Map<string, number>()
    const hits: RuleHit[] = []
    for (const e of entries) {
      const line = first.get(e.key)
      if (line === undefined) {
        first.set(e.key, e.loc.line)
        continue
      }
      hits.push({message: `${e.key} is assigned again (first on line ${line}); xm/xl use this last value`, evidence: `${e.key} = ${e.text}`, loc: {...e.loc, path: e.key}})
    }
    return hits
  },
}

/**
 * XL-SYNTAX: what libxlu's lexer rejects in a file xm read fine (xen `libxlu_cfg_l.l`):
 * upper-case names, negative numbers, and `+ - . ( ) :` outside strings.
 */
export const xlSyntax: FileRule = {
  id: 'XL-SYNTAX',
  title: 'Not valid xl syntax',
  ...ruleSeverity('XL-SYNTAX'),
  scope: 'file',
  detects: 'xm: upper-case key names and negative numbers, which xl\'s lexer rejects (Python operators are PY-EXPR)',
  remediation: 'Lower-case the keys; write negative numbers as strings where xl allows it, or let xenlift convert the file.',
  check(ctx) {
    const n = ctx.read.native
    if (n?.format !== 'xm') return []
    const hits: RuleHit[] = []
    for (const e of n.entries) {
      const where = {...e.loc, path: e.key}
      if (/[A-Z]/.test(e.key)) {
        hits.push({message: `key ${e.key} has upper-case letters; xl accepts only [a-z][._0-9a-z]*`, evidence: `${e.key} = ${e.text}`, loc: where})
      } else if (typeof e.value === 'number' && e.value < 0 && e.syntax === 'number') {
        hits.push({message: `${e.key} is a negative number, which xl's lexer rejects`, evidence: `${e.key} = ${e.text}`, loc: where})
      }
    }
    return ctx.target === 'xl' ? hits.map((h) => ({...h, severity: 'blocker' as const})) : hits
  },
}

export const configSyntaxRules: readonly FileRule[] = [pyDupkey, xlSyntax]
