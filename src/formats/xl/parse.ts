import {type Diagnostic, diag} from '../../model/diagnostic.js'
import type {ConfigEntry, ConfigValue, NativeConfig, ValueSyntax} from '../../model/native-config.js'
import {type XlToken, lexXl} from './lexer.js'
import {located} from '../../model/location.js'

/**
 * xl.cfg text → {@link NativeConfig}, following Xen's grammar (tools/libxl/libxlu_cfg_y.y):
 *
 *     stmt  := IDENT ('=' | '+=') value (NEWLINE | ';')
 *     value := STRING | NUMBER | '[' NEWLINE* (value NEWLINE* (',' NEWLINE* value NEWLINE*)* ','? NEWLINE*)? ']'
 *
 * Nested lists (vnuma) and `+=` are accepted as current xl does (Xen 4.4 had neither). A
 * number is read as xl reads it (`strtol(…, 0)`: `0x1f` = 31, `010` = 8). `+=` concatenates
 * with the previous value of the key, strings with strings and lists with lists
 * (libxlu_cfg.c `xlu__cfg_concat_vals`). Duplicate `=` keys: last wins + PY-DUPKEY.
 *
 * xl stops at the first error; we report each error (`SYNTAX`, located, with xl's "looks like
 * Python" hint for `+ - . ( ) :`), skip to the next statement and keep going.
 * Never throws; linear in the input size.
 */
export function parseXlConfig(text: string, opts: {file?: string} = {}): {config: NativeConfig; diagnostics: Diagnostic[]} {
  const p = new XlParser(lexXl(text), text, opts.file)
  try {
    p.run()
  } catch (e) {
    // Defensive: a parser bug must not take the whole run down with it.
    p.diagnostics.push(diag('SYNTAX', 'error', `internal parser error: ${e instanceof Error ? e.message : String(e)}`, opts.file !== undefined ? {file: opts.file, line: 1, column: 1} : {line: 1, column: 1}))
  }
  const config: NativeConfig = {
    format: 'xl',
    ...(opts.file !== undefined ? {file: opts.file} : {}),
    entries: p.entries,
    python: [],
  }
  return {config, diagnostics: p.diagnostics}
}

/**
 * Where `text` (typically an xm config) is not valid xl syntax: one XL-SYNTAX diagnostic
 * (severity info) per line xl would reject, e.g. upper-case keys, negative numbers, Python
 * operators. Checklist XL-SYNTAX: matters when the file is to be used by xl as it is.
 */
export function xlSyntaxIssues(text: string, opts: {file?: string} = {}): Diagnostic[] {
  const {diagnostics} = parseXlConfig(text, opts)
  const seen = new Set<number>()
  const out: Diagnostic[] = []
  for (const d of diagnostics) {
    if (d.code !== 'SYNTAX' || d.line === undefined || seen.has(d.line)) continue
    seen.add(d.line)
    out.push({...d, code: 'XL-SYNTAX', severity: 'info', message: `not valid xl syntax: ${d.message}`})
  }
  return out
}

const PYTHON_HINT = 'the file looks like Python; xl does not run Python (see https://wiki.xenproject.org/wiki/PythonInXlConfig)'
/** Bison would run out of stack long before this; we refuse deeper lists instead of recursing. */
const MAX_LIST_DEPTH = 200

class SyntaxStop {
  readonly tok: XlToken | undefined
  readonly message: string
  constructor(tok: XlToken | undefined, message: string) {
    this.tok = tok
    this.message = message
  }
}

interface Parsed {
  readonly value: ConfigValue
  readonly syntax: ValueSyntax
}

class XlParser {
  readonly entries: ConfigEntry[] = []
  readonly diagnostics: Diagnostic[] = []
  private i = 0
  /** Open `[` at the point of an error: inside a list, the following lines belong to it. */
  private listDepth = 0
  private readonly last = new Map<string, {entry: ConfigEntry; line: number}>()

  private readonly toks: readonly XlToken[]
  private readonly text: string
  private readonly file: string | undefined

  constructor(toks: readonly XlToken[], text: string, file: string | undefined) {
    this.toks = toks
    this.text = text
    this.file = file
  }

  run(): void {
    while (this.i < this.toks.length) {
      const t = this.toks[this.i] as XlToken
      if (t.kind === 'newline' || (t.kind === 'op' && t.text === ';')) {
        this.i++
        continue
      }
      try {
        this.listDepth = 0
        this.statement()
      } catch (e) {
        if (!(e instanceof SyntaxStop)) throw e
        this.error(e.tok, e.message, this.pythonOnLine(e.tok))
        // An unclosed list followed by `name = …` on a new line: resume at that statement.
        const k = this.toks[this.i - 1] === e.tok ? this.i - 1 : -1
        const nx = this.toks[k + 1]
        if (k > 0 && e.tok?.kind === 'ident' && this.toks[k - 1]?.kind === 'newline' && nx?.kind === 'op' && (nx.text === '=' || nx.text === '+=')) {
          this.i = k
          continue
        }
        this.recover()
      }
    }
  }

  private statement(): void {
    const key = this.next()
    if (key.kind !== 'ident') this.stop(key, key.kind === 'error' ? undefined : `syntax error near \`${key.text}': expected a setting name`)
    const op = this.next()
    if (op.kind !== 'op' || (op.text !== '=' && op.text !== '+=')) this.stop(op, `syntax error near \`${op.text.trim() || 'end of line'}': expected '=' after \`${key.text}'`)
    const first = this.peek()
    const v = this.value(0)
    const end = this.peek()
    if (end && end.kind !== 'newline' && !(end.kind === 'op' && end.text === ';')) this.stop(end, `syntax error near \`${end.text}': expected end of statement`)
    const lastTok = this.toks[this.i - 1] as XlToken
    this.assign(key, op.text === '+=', v, this.text.slice((first as XlToken).start, lastTok.end))
  }

  private assign(key: XlToken, append: boolean, v: Parsed, text: string): void {
    const prev = this.last.get(key.text)
    let value = v.value
    let syntax = v.syntax
    const loc = located(this.file, key.line, key.col, key.text)
    if (append && prev && prev.entry.value !== undefined) {
      const a = prev.entry.value
      if (Array.isArray(a) !== Array.isArray(value)) {
        this.diagnostics.push(diag('BAD-VALUE', 'error', `\`${key.text} +=': can't add a list to a single value or vice versa`, loc))
        return
      }
      // xl atoms are strings: `+=` on two numbers concatenates their digits.
      value = Array.isArray(a) && Array.isArray(value) ? [...a, ...value] : `${String(a)}${String(value)}`
      syntax = Array.isArray(value) ? 'list' : 'string'
    } else if (!append && prev) {
      this.diagnostics.push(diag('PY-DUPKEY', 'warning', `\`${key.text}' is set again (first at line ${prev.line}); xl uses the last value, libvirt the first`, loc))
    }
    const entry: ConfigEntry = {
      key: key.text,
      value,
      syntax,
      computed: append && prev !== undefined,
      text,
      loc,
      ...(append ? {op: '+=' as const} : {}),
    }
    this.entries.push(entry)
    this.last.set(key.text, {entry, line: prev?.line ?? key.line})
  }

  private value(depth: number): Parsed {
    const t = this.next()
    if (t.kind === 'string') {
      if (t.message) this.stop(t, t.message)
      return {value: t.value ?? '', syntax: 'string'}
    }
    if (t.kind === 'number') return this.number(t)
    if (t.kind === 'op' && t.text === '[') {
      this.listDepth = depth + 1
      if (depth >= MAX_LIST_DEPTH) this.stop(t, `lists nested more than ${MAX_LIST_DEPTH} deep`)
      const items: ConfigValue[] = []
      this.newlines()
      for (;;) {
        const p = this.peek()
        if (p?.kind === 'op' && p.text === ']') {
          this.i++
          this.listDepth = depth
          return {value: items, syntax: 'list'}
        }
        items.push(this.value(depth + 1).value)
        this.newlines()
        const sep = this.peek()
        if (sep?.kind === 'op' && sep.text === ',') {
          this.i++
          this.newlines()
          continue
        }
        if (sep?.kind === 'op' && sep.text === ']') continue
        this.stop(sep, `syntax error near \`${sep?.text ?? 'end of file'}': expected ',' or ']' in list`)
      }
    }
    if (t.kind === 'error') this.stop(t, undefined)
    this.stop(t, `syntax error near \`${t.kind === 'newline' ? 'end of line' : t.text}': expected a value`)
  }

  /** xl keeps numbers as text and reads them with strtol(…, 0). */
  private number(t: XlToken): Parsed {
    const s = t.text
    if (/^0x[0-9a-f]+$/.test(s)) return {value: Number.parseInt(s.slice(2), 16), syntax: 'hex'}
    if (/^0[0-7]+$/.test(s)) return {value: Number.parseInt(s.slice(1), 8), syntax: 'octal'}
    if (/^[0-9]+$/.test(s)) return {value: Number(s), syntax: 'number'}
    this.diagnostics.push(
      diag('BAD-VALUE', 'warning', `\`${s}' is not a valid number (xl reads numbers with strtol); kept as text`, located(this.file, t.line, t.col)),
    )
    return {value: s, syntax: 'number'}
  }

  private newlines(): void {
    while (this.peek()?.kind === 'newline') this.i++
  }

  private peek(): XlToken | undefined {
    return this.toks[this.i]
  }

  private next(): XlToken {
    const t = this.toks[this.i]
    if (!t) this.stop(undefined, 'syntax error: unexpected end of file')
    this.i++
    return t as XlToken
  }

  private stop(tok: XlToken | undefined, message: string | undefined): never {
    throw new SyntaxStop(tok, message ?? tok?.message ?? 'lexical error')
  }

  private error(tok: XlToken | undefined, message: string, python: boolean): void {
    const last = this.toks[this.toks.length - 1]
    const where = tok ?? last
    const loc = where ? located(this.file, where.line, where.col) : this.file !== undefined ? {file: this.file} : {}
    this.diagnostics.push(diag('SYNTAX', 'error', message, loc, python ? PYTHON_HINT : undefined))
  }

  /** xl's lexer flags `+ - . ( ) :` anywhere on the failing line as a sign of Python. */
  private pythonOnLine(tok: XlToken | undefined): boolean {
    if (tok?.python) return true
    if (!tok) return false
    for (let k = this.toks.indexOf(tok, Math.max(0, this.i - 64)); k >= 0 && k < this.toks.length; k++) {
      const t = this.toks[k] as XlToken
      if (t.kind === 'newline') break
      if (t.python) return true
    }
    return false
  }

  /**
   * Skip to the end of the line (bison's `error NEWLINE`); inside a list also past the lines
   * that cannot start a statement (the rest of that list), so one error is reported once.
   */
  private recover(): void {
    const toNewline = (): void => {
      while (this.i < this.toks.length && this.toks[this.i]?.kind !== 'newline') this.i++
      this.i++
    }
    if (this.i > 0 && this.toks[this.i - 1]?.kind === 'newline') this.i--
    toNewline()
    if (this.listDepth === 0) return
    for (;;) {
      const t = this.peek()
      if (!t) return
      const nx = this.toks[this.i + 1]
      if (t.kind === 'newline') return
      if (t.kind === 'ident' && nx?.kind === 'op' && (nx.text === '=' || nx.text === '+=')) return
      if (t.kind === 'error' || (t.kind === 'ident' && nx?.kind === 'error')) return
      toNewline()
    }
  }
}
