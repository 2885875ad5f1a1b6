import type {ValueSyntax} from '../../model/native-config.js'
import type {PyToken} from './python-lexer.js'
import {MAX_VALUE_SIZE, binary, compare, subscript, unary} from './python-operators.js'
import {type PyValue, hasUnorderedDict, isHashable, pyEquals, pyInt, pyRepr, truthy, valueShape} from './python-value.js'

/**
 * Static evaluation of the SAFE LITERAL SUBSET of Python 2 expressions found in xm configs.
 * Nothing is ever executed: literals, `+ - * / // % **` and bit operators on literal operands,
 * `%` formatting, comparisons and `and/or/not`, indexing of known values, and names bound
 * earlier in the file to evaluable values. Anything else (calls, attribute access, lambdas,
 * comprehensions, conditional expressions, free names) makes the value unknown and is
 * reported as an {@link EvalIssue} located at the token where it starts.
 */

/** What a name is bound to when an expression uses it. */
export type Binding =
  | {readonly kind: 'value'; readonly value: PyValue}
  /**
   * Bound, but to something not evaluated; `why` completes "`NAME` …". `maybe`: list/dict
   * objects the name may hold (what it held before, if the unknown right-hand side raised, and
   * what that side referenced, e.g. `x = a or b`); `undefined` there means "possibly any".
   */
  | {readonly kind: 'unknown'; readonly why: string; readonly maybe?: readonly PyValue[] | undefined; readonly anyAlias?: boolean}

export interface Scope {
  lookup(name: string): Binding | undefined
}

export type LiteralKind =
  | 'bool'
  | 'none'
  | 'tuple'
  | 'dict'
  | 'prefixed-string'
  | 'triple-single'
  | 'escape'
  | 'float'
  | 'hex'
  | 'octal'
  | 'long'

export interface EvalIssue {
  readonly rule: 'PY-EXPR' | 'PY-CONTROL' | 'PY-CMDLINE-VAR' | 'SYNTAX'
  readonly message: string
  readonly tok: PyToken
  /** PY-CMDLINE-VAR: the free name. */
  readonly name?: string
}

export interface EvalResult {
  /** Undefined when the value cannot be known statically. */
  readonly value: PyValue | undefined
  /** How the value was written, when it is a plain literal (no operator, no name). */
  readonly syntax: ValueSyntax
  /** Known, but only by evaluating an expression. */
  readonly computed: boolean
  readonly issues: readonly EvalIssue[]
  /** Literal forms that xl/libvirt cannot read (PY-LITERAL), in source order. */
  readonly literals: readonly {readonly kind: LiteralKind; readonly tok: PyToken}[]
  /** List/dict objects of the names the expression used (an unknown result may be one of them). */
  readonly refs: readonly PyValue[]
  /** A name used may alias any object (its own aliasing is not known). */
  readonly refsAny: boolean
}

/** Names that exist in xm's execution namespace or Python's builtins: not command-line variables. */
const PREDEFINED = new Set([
  'sys', 'os', 'xm_file', 'xm_help', 'xm_vars', 'get_current_ipaddr', 'get_current_ipmask', 'get_current_ipgw',
  'int', 'str', 'float', 'long', 'unicode', 'bool', 'len', 'range', 'xrange', 'list', 'dict', 'tuple', 'set',
  'open', 'file', 'execfile', 'map', 'filter', 'reduce', 'min', 'max', 'abs', 'repr', 'hex', 'oct', 'ord', 'chr',
  'sorted', 'reversed', 'enumerate', 'zip', 'sum', 'any', 'all', 'isinstance', 'type', 'getattr', 'hasattr',
  'globals', 'locals', 'vars', 'eval', 'exec', '__import__', 'raw_input', 'input', 'round', 'divmod', 'pow',
  'ValueError', 'Exception', 'KeyError', 'IOError', 'OSError', 'TypeError', '__name__', '__file__',
])

const KEYWORDS = new Set([
  'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'exec', 'finally',
  'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'not', 'or', 'pass', 'print', 'raise', 'return',
  'try', 'while', 'with', 'yield',
])

export function isPythonKeyword(word: string): boolean {
  return KEYWORDS.has(word)
}

export function isPredefinedName(word: string): boolean {
  return PREDEFINED.has(word)
}

/** Nesting beyond this (`- - - … 1`, `not not …`) is refused instead of overflowing the stack. */
const MAX_NESTING = 400

interface R {
  readonly v: PyValue | undefined
  /** Set when the expression is a plain literal. */
  readonly lit: ValueSyntax | undefined
}

const UNKNOWN: R = {v: undefined, lit: undefined}

class TooDeep extends Error {}

/** Values nested deeper than this are not built (every later walk over them stays shallow). */
const MAX_VALUE_DEPTH = 100

function tooComplex(v: PyValue): boolean {
  const shape = valueShape(v)
  return shape.size > MAX_VALUE_SIZE || shape.depth > MAX_VALUE_DEPTH
}

/** Evaluate `tokens` (one whole expression, e.g. the right-hand side of an assignment). */
export function evaluateExpression(tokens: readonly PyToken[], src: string, scope: Scope): EvalResult {
  return createExpressionEvaluator(src, scope)(tokens)
}

/** Evaluates one expression at a time (its parser closures are made once per file, not per statement). */
export type ExpressionEvaluator = (tokens: readonly PyToken[]) => EvalResult

const LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']]

export function createExpressionEvaluator(src: string, scope: Scope): ExpressionEvaluator {
  let tokens: readonly PyToken[] = []
  let issues: EvalIssue[] = []
  let literals: {kind: LiteralKind; tok: PyToken}[] = []
  let refs: PyValue[] = []
  let refsAny = false
  let i = 0
  let depth = 0
  let quiet = 0
  let end = 0

  const peek = (k = 0): PyToken | undefined => tokens[i + k]
  const isOp = (t: PyToken | undefined, op: string): boolean => t?.kind === 'op' && t.text === op
  const isWord = (t: PyToken | undefined, w: string): boolean => t?.kind === 'name' && t.text === w
  const issue = (rule: EvalIssue['rule'], message: string, tok: PyToken, name?: string): void => {
    if (quiet === 0) issues.push(name === undefined ? {rule, message, tok} : {rule, message, tok, name})
  }
  const literal = (kind: LiteralKind, tok: PyToken): void => {
    if (quiet === 0) literals.push({kind, tok})
  }
  const sourceOf = (from: PyToken, to: PyToken | undefined): string => {
    const s = src.slice(from.start, (to ?? from).end).replace(/\s+/g, ' ')
    return s.length > 60 ? `${s.slice(0, 57)}...` : s
  }
  const expect = (op: string): boolean => {
    if (isOp(peek(), op)) {
      i++
      return true
    }
    const t = peek() ?? tokens[end - 1]
    if (t) issue('SYNTAX', `invalid syntax: expected '${op}'`, t)
    return false
  }
  const enter = (): void => {
    if (++depth > MAX_NESTING) throw new TooDeep()
  }
  /** Skip to the matching closer of the bracket just consumed (lexer guarantees balance). */
  const skipBracket = (): void => {
    let d = 1
    while (i < end && d > 0) {
      const t = tokens[i++] as PyToken
      if (t.kind === 'op' && '([{'.includes(t.text)) d++
      else if (t.kind === 'op' && ')]}'.includes(t.text)) d--
    }
  }

  // test: or_test ['if' or_test 'else' test] | lambda
  const parseTest = (): R => {
    enter()
    try {
      const t = peek()
      if (isWord(t, 'lambda') && t) {
        issue('PY-CONTROL', 'lambda expression is not evaluated', t)
        i++
        while (i < end && !isOp(peek(), ':')) i++
        expect(':')
        quiet++
        parseTest()
        quiet--
        return UNKNOWN
      }
      const r = parseOr()
      const q = peek()
      if (isWord(q, 'if') && q) {
        issue('PY-CONTROL', `conditional expression \`${sourceOf(t ?? q, tokens[end - 1])}\` is not evaluated`, q)
        i++
        quiet++
        parseOr()
        if (isWord(peek(), 'else')) {
          i++
          parseTest()
        } else expect('else')
        quiet--
        return UNKNOWN
      }
      return r
    } finally {
      depth--
    }
  }

  const parseOr = (): R => {
    let l = parseAnd()
    while (isWord(peek(), 'or')) {
      i++
      const r = parseAnd()
      l = {v: l.v && r.v ? (truthy(l.v) ? l.v : r.v) : undefined, lit: undefined}
    }
    return l
  }
  const parseAnd = (): R => {
    let l = parseNot()
    while (isWord(peek(), 'and')) {
      i++
      const r = parseNot()
      l = {v: l.v && r.v ? (truthy(l.v) ? r.v : l.v) : undefined, lit: undefined}
    }
    return l
  }
  const parseNot = (): R => {
    if (isWord(peek(), 'not')) {
      i++
      enter()
      try {
        const r = parseNot()
        return {v: r.v ? {t: 'bool', v: !truthy(r.v)} : undefined, lit: undefined}
      } finally {
        depth--
      }
    }
    return parseComparison()
  }
  // Python chains comparisons: `a < b == c` is `a < b and b == c`.
  const parseComparison = (): R => {
    const first = parseBinary(0)
    let left = first.v
    let result: PyValue | undefined
    let known = true
    let chained = false
    for (;;) {
      const t = peek()
      let op: string | undefined
      if (t?.kind === 'op' && ['<', '>', '==', '>=', '<=', '!=', '<>'].includes(t.text)) op = t.text
      else if (isWord(t, 'in')) op = 'in'
      else if (isWord(t, 'is')) op = isWord(peek(1), 'not') ? 'is not' : 'is'
      else if (isWord(t, 'not') && isWord(peek(1), 'in')) op = 'not in'
      if (op === undefined || !t) return chained ? {v: known ? result : undefined, lit: undefined} : first
      chained = true
      i += op.includes(' ') ? 2 : 1
      const r = parseBinary(0)
      const v = left && r.v ? compare(op, left, r.v) : undefined
      if (left && r.v && v === undefined) issue('PY-EXPR', `comparison \`${op}\` of these values is not evaluated`, t)
      if (v === undefined) known = false
      // The chain's value is the first false comparison, else the last one.
      else if (result === undefined || truthy(result)) result = v
      left = r.v
    }
  }

  // Binary operators by precedence (LEVELS, lowest first; Python 2 grammar: expr, xor, and, shift, arith, term).
  const parseBinary = (level: number): R => {
    if (level >= LEVELS.length) return parseFactor()
    const ops = LEVELS[level] as readonly string[]
    let l = parseBinary(level + 1)
    for (;;) {
      const t = peek()
      if (t?.kind !== 'op' || !ops.includes(t.text)) return l
      i++
      const r = parseBinary(level + 1)
      let v: PyValue | undefined
      if (l.v && r.v) {
        const res = binary(t.text, l.v, r.v)
        if ('error' in res) issue('PY-EXPR', `\`${t.text}\` would fail in Python (${res.error})`, t)
        else v = res.value
      }
      l = {v, lit: undefined}
    }
  }

  const parseFactor = (): R => {
    const t = peek()
    if (t?.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      i++
      enter()
      try {
        const r = parseFactor()
        // `-3600` is a literal to every reader; keep its literal syntax.
        const lit = t.text === '-' && r.lit !== undefined && ['number', 'hex', 'octal', 'float'].includes(r.lit) ? r.lit : undefined
        if (!r.v) return {v: undefined, lit: undefined}
        const res = unary(t.text, r.v)
        if ('error' in res) {
          issue('PY-EXPR', `\`${t.text}\` would fail in Python (${res.error})`, t)
          return UNKNOWN
        }
        return {v: res.value, lit}
      } finally {
        depth--
      }
    }
    const base = parsePower()
    return base
  }

  const parsePower = (): R => {
    const first = peek()
    let r = parseAtom()
    // Trailers: call, subscript, attribute.
    for (;;) {
      const t = peek()
      if (isOp(t, '(') && t && first) {
        i++
        // The call is the finding; issues inside its arguments come after it.
        const mark = issues.length
        parseCallArgs()
        if (quiet === 0) {
          const call = sourceOf(first, tokens[i - 1])
          const message = isWord(first, 'execfile')
            ? `\`${call}\` is not followed: the settings that file would set are missing here`
            : `call \`${call}\` is not evaluated (xenlift never runs Python)`
          issues.splice(mark, 0, {rule: 'PY-EXPR', message, tok: first})
        }
        r = UNKNOWN
      } else if (isOp(t, '[') && t) {
        i++
        const idx = parseSubscript()
        expect(']')
        let v: PyValue | undefined
        if (r.v && idx) {
          const res = subscript(r.v, idx)
          if ('error' in res) issue('PY-EXPR', `subscript would fail in Python (${res.error})`, t)
          else v = res.value
        }
        r = {v, lit: undefined}
      } else if (isOp(t, '.') && t && first) {
        i++
        const name = peek()
        if (name?.kind !== 'name') {
          issue('SYNTAX', 'invalid syntax after "."', name ?? t)
          return UNKNOWN
        }
        i++
        if (!isOp(peek(), '(')) {
          issue('PY-EXPR', `attribute access \`${sourceOf(first, name)}\` is not evaluated`, first)
        }
        r = UNKNOWN
      } else break
    }
    const t = peek()
    if (isOp(t, '**') && t) {
      i++
      enter()
      let e: R
      try {
        e = parseFactor()
      } finally {
        depth--
      }
      if (!r.v || !e.v) return UNKNOWN
      const res = binary('**', r.v, e.v)
      if ('error' in res) {
        issue('PY-EXPR', `\`**\` would fail in Python (${res.error})`, t)
        return UNKNOWN
      }
      return {v: res.value, lit: undefined}
    }
    return r
  }

  const parseCallArgs = (): void => {
    // Arguments are parsed only to find free names (`int(vmid)`); the call itself stays unknown.
    while (i < end && !isOp(peek(), ')')) {
      if (peek()?.kind === 'name' && isOp(peek(1), '=')) i += 2
      else if (isOp(peek(), '*') || isOp(peek(), '**')) i++
      const mark = issues.length
      parseTest()
      if (isWord(peek(), 'for')) {
        issues.length = mark
        const f = peek() as PyToken
        issue('PY-CONTROL', 'generator expression is not evaluated', f)
        quiet++
        while (i < end && !isOp(peek(), ')')) {
          if (isOp(peek(), '(') || isOp(peek(), '[') || isOp(peek(), '{')) {
            i++
            skipBracket()
          } else i++
        }
        quiet--
        break
      }
      if (!isOp(peek(), ',')) break
      i++
    }
    expect(')')
  }

  const parseSubscript = (): {index: PyValue} | {slice: [PyValue | undefined, PyValue | undefined]} | undefined => {
    let lo: R | undefined
    if (!isOp(peek(), ':')) lo = parseTest()
    if (!isOp(peek(), ':')) return lo?.v ? {index: lo.v} : undefined
    i++
    let hi: R | undefined
    if (!isOp(peek(), ']') && !isOp(peek(), ':')) hi = parseTest()
    if (isOp(peek(), ':')) {
      // Extended slices with a step are not evaluated.
      i++
      if (!isOp(peek(), ']')) parseTest()
      return undefined
    }
    if ((lo && !lo.v) || (hi && !hi.v)) return undefined
    return {slice: [lo?.v, hi?.v]}
  }

  /** A display `(…)`, `[…]` or `{…}`: the opening bracket is at `open`. */
  const parseDisplay = (open: PyToken): R => {
    const closer = open.text === '(' ? ')' : open.text === '[' ? ']' : '}'
    const items: R[] = []
    const keys: R[] = []
    let commas = 0
    let isDict = false
    const issueMark = issues.length
    const literalMark = literals.length
    while (i < end && !isOp(peek(), closer)) {
      const item = parseTest()
      if (closer === '}' && isOp(peek(), ':')) {
        isDict = true
        i++
        keys.push(item)
        items.push(parseTest())
      } else items.push(item)
      if (isWord(peek(), 'for')) {
        // The element was parsed before we knew it is a comprehension: its loop variables
        // are not command-line variables, so forget what it reported.
        issues.length = issueMark
        literals.length = literalMark
        issue('PY-CONTROL', `comprehension \`${sourceOf(open, tokens[findCloser(open) ?? end - 1])}\` is not evaluated`, open)
        quiet++
        skipBracket()
        quiet--
        return UNKNOWN
      }
      if (!isOp(peek(), ',')) break
      i++
      commas++
    }
    if (!isOp(peek(), closer)) {
      const t = peek() ?? tokens[end - 1] ?? open
      issue('SYNTAX', `invalid syntax: expected '${closer}'`, t)
      while (i < end && !isOp(peek(), closer)) i++
    }
    i++
    const allKnown = items.every((x) => x.v !== undefined) && keys.every((x) => x.v !== undefined)
    const allLit = items.every((x) => x.lit !== undefined) && keys.every((x) => x.lit !== undefined)
    if (open.text === '(' && items.length === 1 && commas === 0) return items[0] as R
    if (open.text === '(') {
      literal('tuple', open)
      return {v: allKnown ? {t: 'tuple', v: items.map((x) => x.v as PyValue)} : undefined, lit: allLit ? 'tuple' : undefined}
    }
    if (open.text === '[') {
      return {v: allKnown ? {t: 'list', v: items.map((x) => x.v as PyValue)} : undefined, lit: allLit ? 'list' : undefined}
    }
    if (!isDict && items.length > 0) {
      issue('PY-EXPR', 'set display is not evaluated', open)
      return UNKNOWN
    }
    literal('dict', open)
    if (!allKnown) return {v: undefined, lit: allLit ? 'dict' : undefined}
    // A repeated key keeps its last value, as in Python; unhashable keys raise TypeError there.
    const pairs: (readonly [PyValue, PyValue])[] = []
    for (let n = 0; n < keys.length; n++) {
      const k = (keys[n] as R).v as PyValue
      if (!isHashable(k)) {
        issue('PY-EXPR', `dict key of type ${k.t} would fail in Python (unhashable)`, open)
        return UNKNOWN
      }
      const val = (items[n] as R).v as PyValue
      const at = pairs.findIndex(([old]) => pyEquals(old, k))
      if (at >= 0) pairs[at] = [(pairs[at] as readonly [PyValue, PyValue])[0], val]
      else pairs.push([k, val])
    }
    return {v: {t: 'dict', v: pairs}, lit: allLit ? 'dict' : undefined}
  }

  const findCloser = (open: PyToken): number | undefined => {
    let d = 0
    for (let k = tokens.indexOf(open); k < end; k++) {
      const t = tokens[k] as PyToken
      if (t.kind === 'op' && '([{'.includes(t.text)) d++
      else if (t.kind === 'op' && ')]}'.includes(t.text) && --d === 0) return k
    }
    return undefined
  }

  const parseAtom = (): R => {
    const t = peek()
    if (!t) {
      const last = tokens[end - 1]
      if (last) issue('SYNTAX', 'invalid syntax: expression expected', last)
      return UNKNOWN
    }
    i++
    if (t.kind === 'number') return numberLiteral(t)
    if (t.kind === 'string') return stringLiterals(t)
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[' || t.text === '{') {
        enter()
        try {
          const r = parseDisplay(t)
          // `a = [a]` line after line nests without brackets in the source: bound it here.
          if (r.v && tooComplex(r.v)) {
            issue('PY-EXPR', 'value too large or too deeply nested to evaluate statically', t)
            return UNKNOWN
          }
          return r
        } finally {
          depth--
        }
      }
      if (t.text === '`') {
        const r = parseTest()
        expect('`')
        if (r.v && hasUnorderedDict(r.v)) {
          issue('PY-EXPR', 'repr of a dict: Python 2 prints its keys in hash order, which xenlift cannot know', t)
          return UNKNOWN
        }
        return {v: r.v ? {t: 'str', v: pyRepr(r.v)} : undefined, lit: undefined}
      }
      issue('SYNTAX', `invalid syntax near '${t.text}'`, t)
      return UNKNOWN
    }
    return nameAtom(t)
  }

  const numberLiteral = (t: PyToken): R => {
    const text = t.text
    const last = text[text.length - 1] as string
    if (/[jJ]/.test(last)) {
      issue('PY-EXPR', `complex number ${text} is not evaluated`, t)
      return UNKNOWN
    }
    const long = /[lL]/.test(last)
    const body = long ? text.slice(0, -1) : text
    if (long) literal('long', t)
    if (/^0[xX]/.test(body)) {
      literal('hex', t)
      return {v: pyInt(BigInt(body), long), lit: 'hex'}
    }
    if (/^0[oO]/.test(body) || /^0[bB]/.test(body)) {
      literal('octal', t)
      return {v: pyInt(BigInt(body), long), lit: 'octal'}
    }
    if (/[.eE]/.test(body)) {
      literal('float', t)
      return {v: {t: 'float', v: Number(body)}, lit: 'float'}
    }
    if (/^0[0-9]+$/.test(body)) {
      // Python 2 reads a leading zero as octal: 0755 == 493.
      if (/[89]/.test(body)) {
        issue('SYNTAX', `invalid token ${text} (octal literal with 8 or 9)`, t)
        return UNKNOWN
      }
      literal('octal', t)
      return {v: pyInt(BigInt(`0o${body.slice(1)}`), long), lit: 'octal'}
    }
    return {v: pyInt(BigInt(body), long), lit: 'number'}
  }

  const stringLiterals = (t: PyToken): R => {
    // Adjacent literals concatenate at compile time ('a' 'b' == 'ab'); libvirt rejects them.
    let value = t.value ?? ''
    let unicode = (t.prefix ?? '').includes('u')
    let count = 1
    const note = (s: PyToken): void => {
      if (s.prefix) literal('prefixed-string', s)
      if (s.quote === "'''") literal('triple-single', s)
      if (s.escaped) literal('escape', s)
    }
    note(t)
    while (peek()?.kind === 'string') {
      const s = peek() as PyToken
      i++
      count++
      note(s)
      value += s.value ?? ''
      if ((s.prefix ?? '').includes('u')) unicode = true
    }
    const lit: ValueSyntax | undefined =
      count > 1 ? undefined : t.prefix ? 'prefixed-string' : t.quote && t.quote.length === 3 ? 'triple-string' : 'string'
    return {v: unicode ? {t: 'str', v: value, unicode: true} : {t: 'str', v: value}, lit}
  }

  const nameAtom = (t: PyToken): R => {
    const name = t.text
    if (name === 'True' || name === 'False') {
      literal('bool', t)
      return {v: {t: 'bool', v: name === 'True'}, lit: 'bool'}
    }
    if (name === 'None') {
      literal('none', t)
      return {v: {t: 'none'}, lit: 'none'}
    }
    if (KEYWORDS.has(name)) {
      issue('SYNTAX', `invalid syntax near '${name}'`, t)
      return UNKNOWN
    }
    const b = scope.lookup(name)
    if (b?.kind === 'value') {
      if (b.value.t === 'list' || b.value.t === 'dict' || b.value.t === 'tuple') refs.push(b.value)
      return {v: b.value, lit: undefined}
    }
    if (b?.kind === 'unknown') {
      if (b.anyAlias) refsAny = true
      else if (b.maybe) refs.push(...b.maybe)
    }
    const trailer = isOp(peek(), '(') || isOp(peek(), '.')
    if (b?.kind === 'unknown') {
      if (!trailer) issue('PY-EXPR', `\`${name}\` ${b.why}`, t)
      return UNKNOWN
    }
    if (PREDEFINED.has(name)) {
      if (!trailer) issue('PY-EXPR', `\`${name}\` is a Python object, not a value xenlift can evaluate`, t)
      return UNKNOWN
    }
    issue(
      'PY-CMDLINE-VAR',
      `\`${name}\` is never assigned before this point: it comes from the \`xm create\` command line (${name}=VALUE)`,
      t,
      name,
    )
    return UNKNOWN
  }

  return (toks: readonly PyToken[]): EvalResult => {
  tokens = toks
  issues = []
  literals = []
  refs = []
  refsAny = false
  i = 0
  depth = 0
  quiet = 0
  end = toks.length
  let result: R = UNKNOWN
  try {
    if (end === 0) return {value: undefined, syntax: 'expression', computed: false, issues, literals, refs, refsAny}
    result = parseTest()
    if (isOp(peek(), ',')) {
      // `a = 1, 2` is a tuple without brackets.
      const items: R[] = [result]
      while (isOp(peek(), ',')) {
        i++
        if (i >= end) break
        items.push(parseTest())
      }
      const first = tokens[0] as PyToken
      literal('tuple', first)
      const known = items.every((x) => x.v)
      result = {v: known ? {t: 'tuple', v: items.map((x) => x.v as PyValue)} : undefined, lit: items.every((x) => x.lit) ? 'tuple' : undefined}
    }
    const extra = peek()
    if (extra) {
      issue('SYNTAX', `invalid syntax near '${extra.text.slice(0, 20)}'`, extra)
      result = UNKNOWN
    }
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e
    issues.push({rule: 'SYNTAX', message: `expression nested too deeply (more than ${MAX_NESTING} levels)`, tok: tokens[0] as PyToken})
    result = UNKNOWN
  }
  if (result.v && tooComplex(result.v)) {
    issues.push({rule: 'PY-EXPR', message: 'value too large or too deeply nested to evaluate statically', tok: tokens[0] as PyToken})
    result = UNKNOWN
  }
  const syntax: ValueSyntax = result.v && result.lit ? result.lit : 'expression'
  return {value: result.v, syntax, computed: result.v !== undefined && result.lit === undefined, issues, literals, refs, refsAny}
  }
}
