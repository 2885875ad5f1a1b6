/**
 * Tokenizer for the Python 2 source of xm configs, grouping tokens into logical lines the
 * way CPython's tokenizer does (implicit joining inside brackets, backslash continuation).
 *
 * It never throws and runs in one pass: every lexical problem becomes a located error on
 * the logical line it occurs in, and lexing resumes at the next physical line (xm itself
 * would reject the whole file; we keep going so one typo does not hide the rest).
 */

export type PyTokenKind = 'name' | 'number' | 'string' | 'op'

export interface PyToken {
  readonly kind: PyTokenKind
  /** Source text of the token. */
  readonly text: string
  readonly start: number
  readonly end: number
  /** 1-based. */
  readonly line: number
  /** 1-based. */
  readonly col: number
  /** Strings: the decoded value (Python 2 escape rules). */
  readonly value?: string
  /** Strings: the lower-cased prefix (`u`, `r`, `ur`, `b`, …), '' when none. */
  readonly prefix?: string
  /** Strings: the quote used (`'`, `"`, `'''`, `"""`). */
  readonly quote?: string
  /** Strings: an escape sequence changed the value (libvirt would keep the backslash). */
  readonly escaped?: boolean
}

export interface LexError {
  readonly message: string
  readonly line: number
  readonly col: number
}

export interface LogicalLine {
  readonly tokens: PyToken[]
  /** Indentation width of the first physical line (tabs to multiples of 8, as Python 2). */
  readonly indent: number
  readonly line: number
  /** A backslash continuation was used. */
  readonly continued: boolean
  /** 1-based line and column of the first backslash continuation. */
  readonly continuedAt?: {readonly line: number; readonly col: number}
  /** The first lexical error of the line; the rest of that physical line was skipped. */
  readonly error?: LexError
}

/** CPython refuses more than 200 nested brackets ("too many nested parentheses"). */
export const MAX_BRACKET_DEPTH = 200

const OPERATORS3 = new Set(['**=', '//=', '>>=', '<<='])
const OPERATORS2 = new Set(['**', '//', '<<', '>>', '<=', '>=', '==', '!=', '<>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='])
const OPERATORS1 = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '@', '=', '`'])

/** Longest operator at `pos` (maximal munch, as CPython's tokenizer). */
function matchOperator(text: string, pos: number): string | undefined {
  const one = text[pos] as string
  if (!OPERATORS1.has(one) && one !== '!') return undefined
  const three = text.slice(pos, pos + 3)
  if (OPERATORS3.has(three)) return three
  const two = text.slice(pos, pos + 2)
  if (OPERATORS2.has(two)) return two
  return OPERATORS1.has(one) ? one : undefined
}

const NUMBER = /(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[lLjJ]?/y

const STATEMENT_KEYWORDS = /^(import|from|def|class|if|for|while|try|with|elif|else|except|finally)\b/

const CLOSER: Record<string, string> = {'(': ')', '[': ']', '{': '}'}

interface OpenBracket {
  readonly char: string
  readonly line: number
  readonly col: number
  readonly call: boolean
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57)
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Tokenize `text` into logical lines. Blank and comment-only lines produce nothing. */
export function lexPython(text: string): LogicalLine[] {
  const out: LogicalLine[] = []
  scanPython(text, (l) => out.push(l))
  return out
}

/** As {@link lexPython}, handing each logical line to `onLine` as soon as it is complete. */
export function scanPython(text: string, onLine: (line: LogicalLine) => void): void {
  const n = text.length
  // Python 2 accepts a UTF-8 byte order mark at the start of a source file.
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  let lineStart = pos

  let tokens: PyToken[] = []
  let indent = 0
  let firstLine = 1
  let continuedAt: {line: number; col: number} | undefined
  let error: LexError | undefined
  const brackets: OpenBracket[] = []
  let atLineStart = true

  const col = (p: number): number => p - lineStart + 1
  const flush = (): void => {
    if (tokens.length > 0 || error) {
      const l: LogicalLine = {
        tokens,
        indent,
        line: firstLine,
        continued: continuedAt !== undefined,
        ...(continuedAt ? {continuedAt} : {}),
        ...(error ? {error} : {}),
      }
      onLine(l)
    }
    tokens = []
    error = undefined
    continuedAt = undefined
    brackets.length = 0
    atLineStart = true
  }
  const skipToEol = (): void => {
    while (pos < n && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++
  }
  /** Record the first error of the logical line, skip the rest of the physical line, end the logical line. */
  const fail = (message: string, at: number, atLine = line): void => {
    if (!error) error = {message, line: atLine, col: atLine === line ? col(at) : 1}
    skipToEol()
    flush()
  }
  const newline = (): void => {
    // \r\n, \r and \n all end a physical line (Python's universal newlines).
    if (text.charCodeAt(pos) === 13 && text.charCodeAt(pos + 1) === 10) pos += 2
    else pos += 1
    line++
    lineStart = pos
  }

  while (pos < n) {
    if (atLineStart) {
      // Measure indentation; blank and comment-only lines do not start a logical line.
      let width = 0
      while (pos < n) {
        const c = text.charCodeAt(pos)
        if (c === 32) width++
        else if (c === 9) width = (Math.floor(width / 8) + 1) * 8
        else if (c === 12) width = 0
        else break
        pos++
      }
      if (pos >= n) break
      const c = text.charCodeAt(pos)
      if (c === 35) {
        skipToEol()
        continue
      }
      if (c === 10 || c === 13) {
        newline()
        continue
      }
      indent = width
      firstLine = line
      atLineStart = false
    }
    const c = text.charCodeAt(pos)
    if (c === 32 || c === 9 || c === 12) {
      pos++
      continue
    }
    if (c === 35) {
      skipToEol()
      continue
    }
    if (c === 10 || c === 13) {
      newline()
      if (brackets.length === 0) {
        flush()
        continue
      }
      const open = brackets[brackets.length - 1]
      if (open && !open.call && looksLikeNewStatement(text, pos)) {
        // An unclosed bracket would swallow the rest of the file; a column-0 `name =` or
        // statement keyword cannot continue a list, so end the statement there.
        error ??= {message: `'${open.char}' opened here was never closed`, line: open.line, col: open.col}
        flush()
      }
      continue
    }
    if (c === 92) {
      // Backslash continuation joins the next physical line.
      const nx = text.charCodeAt(pos + 1)
      if (nx === 10 || nx === 13) {
        continuedAt ??= {line, col: col(pos)}
        pos++
        newline()
        continue
      }
      fail('unexpected character after line continuation character', pos)
      continue
    }
    const start = pos
    const tokLine = line
    const tokCol = col(pos)
    if (isIdentStart(c)) {
      let p = pos + 1
      while (p < n && isIdentChar(text.charCodeAt(p))) p++
      const word = text.slice(pos, p)
      const q = text.charCodeAt(p)
      if ((q === 34 || q === 39) && /^(u|r|b|ur|br)$/i.test(word)) {
        const s = lexString(text, p, word.toLowerCase())
        if ('error' in s) {
          fail(s.error, start, tokLine)
          continue
        }
        pushString(start, s, tokLine, tokCol)
        continue
      }
      tokens.push({kind: 'name', text: word, start, end: p, line: tokLine, col: tokCol})
      pos = p
      continue
    }
    if (c === 34 || c === 39) {
      const s = lexString(text, pos, '')
      if ('error' in s) {
        // Resume on the next physical line, even for an unterminated triple-quoted string:
        // no later closing quote exists, so this stays linear.
        fail(s.error, start, tokLine)
        continue
      }
      pushString(start, s, tokLine, tokCol)
      continue
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(pos + 1)))) {
      const m = NUMBER
      m.lastIndex = pos
      const r = m.exec(text)
      const end = r ? pos + r[0].length : pos + 1
      if (end < n && isIdentChar(text.charCodeAt(end))) {
        fail('invalid syntax (bad number literal)', pos)
        continue
      }
      tokens.push({kind: 'number', text: text.slice(pos, end), start, end, line: tokLine, col: tokCol})
      pos = end
      continue
    }
    const op = matchOperator(text, pos)
    if (op === undefined) {
      const ch = text.codePointAt(pos) ?? 0
      const shown = ch < 32 || ch === 127 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(ch)}'`
      fail(`invalid character ${shown}`, pos)
      continue
    }
    if (op === '(' || op === '[' || op === '{') {
      if (brackets.length >= MAX_BRACKET_DEPTH) {
        fail(`too many nested brackets (more than ${MAX_BRACKET_DEPTH})`, pos)
        continue
      }
      const prev = tokens[tokens.length - 1]
      const call = op === '(' && prev !== undefined && (prev.kind === 'name' || prev.text === ')' || prev.text === ']')
      brackets.push({char: op, line: tokLine, col: tokCol, call})
    } else if (op === ')' || op === ']' || op === '}') {
      const open = brackets.pop()
      if (!open) {
        fail(`unmatched '${op}'`, pos)
        continue
      }
      if (CLOSER[open.char] !== op) {
        fail(`closing '${op}' does not match '${open.char}' opened at line ${open.line}`, pos)
        continue
      }
    }
    tokens.push({kind: 'op', text: op, start, end: pos + op.length, line: tokLine, col: tokCol})
    pos += op.length
  }
  const open = brackets[brackets.length - 1]
  if (open) error ??= {message: `'${open.char}' was never closed`, line: open.line, col: open.col}
  flush()

  function pushString(start: number, s: LexedString, tokLine: number, tokCol: number): void {
    tokens.push({
      kind: 'string',
      text: text.slice(start, s.end),
      start,
      end: s.end,
      line: tokLine,
      col: tokCol,
      value: s.value,
      prefix: s.prefix,
      quote: s.quote,
      escaped: s.escaped,
    })
    pos = s.end
    if (s.lines > 0) {
      line += s.lines
      lineStart = s.lastLineStart
    }
  }
}

/** Would a physical line starting at `p` (after a newline) begin a new statement at column 0? */
function looksLikeNewStatement(text: string, p: number): boolean {
  const c = text.charCodeAt(p)
  if (!isIdentStart(c)) return false
  const head = text.slice(p, p + 80)
  if (STATEMENT_KEYWORDS.test(head) && !/^(if|for|else)\b/.test(head)) return true
  return /^[A-Za-z_][A-Za-z0-9_]*[ \t]*(=[^=]|\+=|-=)/.test(head)
}

interface LexedString {
  readonly end: number
  readonly value: string
  readonly prefix: string
  readonly quote: string
  readonly escaped: boolean
  /** Newlines inside the literal. */
  readonly lines: number
  readonly lastLineStart: number
}

interface StringError {
  readonly error: string
}

/** Lex a string literal whose quote is at `q`; prefix already consumed. */
function lexString(text: string, q: number, prefix: string): LexedString | StringError {
  const n = text.length
  const ch = text[q] as string
  const triple = text.startsWith(ch.repeat(3), q)
  const quote = triple ? ch.repeat(3) : ch
  const raw = prefix.includes('r')
  const unicode = prefix.includes('u')
  let p = q + quote.length
  let lines = 0
  let lastLineStart = 0
  let bodyEnd = -1
  while (p < n) {
    const c = text.charCodeAt(p)
    if (c === 0) return {error: 'NUL byte in string (Python refuses source with NUL bytes)'}
    if (c === 92) {
      const nx = text.charCodeAt(p + 1)
      if (nx === 13 && text.charCodeAt(p + 2) === 10) p += 3
      else p += 2
      if (nx === 10 || nx === 13) {
        lines++
        lastLineStart = p
      }
      continue
    }
    if (c === 10 || c === 13) {
      if (!triple) return {error: 'EOL while scanning string literal'}
      p += c === 13 && text.charCodeAt(p + 1) === 10 ? 2 : 1
      lines++
      lastLineStart = p
      continue
    }
    if (text.startsWith(quote, p)) {
      bodyEnd = p
      break
    }
    p++
  }
  if (bodyEnd < 0) {
    return {error: triple ? 'EOF while scanning triple-quoted string literal' : 'EOL while scanning string literal'}
  }
  const body = text.slice(q + quote.length, bodyEnd)
  const decoded = raw ? {value: body.replace(/\r\n?/g, '\n'), escaped: false} : decodeEscapes(body, unicode)
  if ('error' in decoded) return decoded
  return {
    end: bodyEnd + quote.length,
    value: decoded.value,
    prefix,
    quote,
    escaped: decoded.escaped,
    lines,
    lastLineStart,
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
}

/** Python 2 string escapes; unknown escapes keep the backslash, as Python does. */
function decodeEscapes(body: string, unicode: boolean): {value: string; escaped: boolean} | {error: string} {
  if (!body.includes('\\')) return {value: body.replace(/\r\n?/g, '\n'), escaped: false}
  let out = ''
  let escaped = false
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string
    if (c === '\r') {
      out += '\n'
      if (body[i + 1] === '\n') i++
      continue
    }
    if (c !== '\\' || i + 1 >= body.length) {
      out += c
      continue
    }
    const e = body[i + 1] as string
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) {
      out += simple
      i++
      escaped = true
      continue
    }
    if (e === '\n' || e === '\r') {
      // Backslash-newline inside a literal: both vanish.
      i += e === '\r' && body[i + 2] === '\n' ? 2 : 1
      escaped = true
      continue
    }
    const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))
    if (oct) {
      out += String.fromCharCode(Number.parseInt(oct[0], 8) & 0xff)
      i += oct[0].length
      escaped = true
      continue
    }
    const hexLen = e === 'x' ? 2 : unicode && e === 'u' ? 4 : unicode && e === 'U' ? 8 : 0
    if (hexLen > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLen)
      const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLen ? Number.parseInt(hex, 16) : -1
      // Python 2 refuses these at compile time ("invalid \x escape", "truncated \uXXXX escape").
      if (cp < 0 || cp > 0x10ffff) return {error: `invalid \\${e} escape in string`}
      out += String.fromCodePoint(cp)
      i += 1 + hexLen
      escaped = true
      continue
    }
    out += '\\'
  }
  return {value: out, escaped}
}
