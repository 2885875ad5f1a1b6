import type {PyToken} from './python-lexer.js'
import {isPythonKeyword} from './python-literal.js'

/** Token-level helpers for the statement layer of the xm parser (parse.ts). */

export function countNewlines(s: string): number {
  let n = 0
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) n++
  return n
}

/** Split a logical line at top-level `;`. */
export function splitStatements(tokens: readonly PyToken[]): PyToken[][] {
  const out: PyToken[][] = [[]]
  for (const t of tokens) {
    if (t.kind === 'op' && t.text === ';') out.push([])
    else out[out.length - 1]?.push(t)
  }
  return out.filter((s) => s.length > 0)
}

export function findTopLevel(tokens: readonly PyToken[], op: string): number {
  let d = 0
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as PyToken
    if (t.kind !== 'op') continue
    if (t.text === '(' || t.text === '[' || t.text === '{') d++
    else if (t.text === ')' || t.text === ']' || t.text === '}') d--
    else if (d === 0 && t.text === op) return k
  }
  return -1
}

export function findWord(tokens: readonly PyToken[], word: string): number {
  const k = tokens.findIndex((t) => t.kind === 'name' && t.text === word)
  return k < 0 ? tokens.length : k
}

const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '&=', '|=', '^=', '<<=', '>>='])

/** Targets of `a = b = value` (each a token segment), where the value starts, or the augmented operator. */
export function topLevelAssignments(stmt: readonly PyToken[]): {targets: PyToken[][]; valueStart: number; augmented?: PyToken} {
  const targets: PyToken[][] = []
  let d = 0
  let segStart = 0
  for (let k = 0; k < stmt.length; k++) {
    const t = stmt[k] as PyToken
    if (t.kind !== 'op') continue
    if (t.text === '(' || t.text === '[' || t.text === '{') d++
    else if (t.text === ')' || t.text === ']' || t.text === '}') d--
    else if (d === 0 && t.text === '=') {
      targets.push(stmt.slice(segStart, k))
      segStart = k + 1
    } else if (d === 0 && AUGMENTED.has(t.text) && targets.length === 0) {
      return {targets: [], valueStart: k + 1, augmented: t}
    }
  }
  return {targets, valueStart: segStart}
}

/** `a, b` or `(a, b)` or `[a, b]` as a list of name tokens; undefined for anything else. */
export function unpackNames(seg: readonly PyToken[]): PyToken[] | undefined {
  let inner = seg
  const f = seg[0]
  const l = seg[seg.length - 1]
  if (f?.kind === 'op' && l?.kind === 'op' && ((f.text === '(' && l.text === ')') || (f.text === '[' && l.text === ']'))) inner = seg.slice(1, -1)
  const names: PyToken[] = []
  for (let k = 0; k < inner.length; k++) {
    const t = inner[k] as PyToken
    if (k % 2 === 0) {
      if (t.kind !== 'name' || isPythonKeyword(t.text)) return undefined
      names.push(t)
    } else if (t.kind !== 'op' || t.text !== ',') return undefined
  }
  return names.length > 1 ? names : undefined
}

/** Names bound by `import a.b, c as d` / `from m import x, y as z`. */
export function importedNames(stmt: readonly PyToken[]): string[] {
  const names: string[] = []
  const head = stmt[0]?.text
  let k = head === 'from' ? findWord(stmt, 'import') + 1 : 1
  while (k < stmt.length) {
    const t = stmt[k] as PyToken
    if (t.kind === 'name' && t.text === 'as' && stmt[k + 1]?.kind === 'name') {
      names[names.length - 1] = (stmt[k + 1] as PyToken).text
      k += 2
      continue
    }
    if (t.kind === 'name') {
      names.push(t.text)
      // `import a.b.c` binds `a`.
      while (stmt[k + 1]?.text === '.' && stmt[k + 2]?.kind === 'name') k += 2
    }
    k++
  }
  return names
}
