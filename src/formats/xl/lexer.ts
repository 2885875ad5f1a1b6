/**
 * Lexer for xl.cfg files, mirroring Xen's flex scanner (tools/libxl/libxlu_cfg_l.l) and its
 * string dequoting (libxlu_cfg.c `xlu__cfgl_dequote`): lower-case identifiers
 * `[a-z][._0-9a-z]*`, numbers `[0-9][0-9a-fx]*`, single-line `"…"`/`'…'` strings, `#`
 * comments, `= += [ ] , ;` and newlines. Anything else is a lexical error; `+ - . ( ) :`
 * additionally make xl say the file looks like Python.
 */

export type XlTokenKind = 'ident' | 'number' | 'string' | 'op' | 'newline' | 'error'

export interface XlToken {
  readonly kind: XlTokenKind
  readonly text: string
  readonly start: number
  readonly end: number
  /** 1-based. */
  readonly line: number
  /** 1-based. */
  readonly col: number
  /** Strings: the dequoted value. */
  readonly value?: string
  /** Errors: what is wrong (one line). */
  readonly message?: string
  /** Errors: the character is one of `+ - . ( ) :`, a sign of Python code. */
  readonly python?: boolean
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** Tokenize a whole xl config. Never throws; linear in the input. */
export function lexXl(text: string): XlToken[] {
  const out: XlToken[] = []
  const n = text.length
  let pos = 0
  let line = 1
  let lineStart = 0
  // One object shape for every token keeps this hot path monomorphic.
  const push = (kind: XlTokenKind, end: number, value?: string, message?: string, python?: boolean): void => {
    out.push({kind, text: text.slice(pos, end), start: pos, end, line, col: pos - lineStart + 1, value, message, python})
    pos = end
  }
  while (pos < n) {
    const c = text.charCodeAt(pos)
    if (c === 32 || c === 9) {
      pos++
      continue
    }
    if (c === 13 && text.charCodeAt(pos + 1) === 10) {
      // CRLF: accepted like virConf does; the CR is not part of any token.
      pos++
      continue
    }
    if (c === 10) {
      push('newline', pos + 1)
      line++
      lineStart = pos
      continue
    }
    if (c === 35) {
      const eol = text.indexOf('\n', pos)
      pos = eol < 0 ? n : eol
      continue
    }
    if (isLower(c)) {
      let p = pos + 1
      while (p < n) {
        const d = text.charCodeAt(p)
        if (isLower(d) || isDigit(d) || d === 46 || d === 95) p++
        else break
      }
      push('ident', p)
      continue
    }
    if (isDigit(c)) {
      let p = pos + 1
      while (p < n) {
        const d = text.charCodeAt(p)
        if (isDigit(d) || (d >= 97 && d <= 102) || d === 120) p++
        else break
      }
      push('number', p)
      continue
    }
    if (c === 34 || c === 39) {
      const s = lexString(text, pos)
      if ('error' in s) {
        let eol = text.indexOf('\n', pos)
        if (eol < 0) eol = n
        push('error', pos + 1, undefined, s.error)
        pos = eol
        continue
      }
      push('string', s.end, s.value, s.bad)
      continue
    }
    if (c === 43 && text.charCodeAt(pos + 1) === 61) {
      push('op', pos + 2)
      continue
    }
    if (c === 61 || c === 91 || c === 93 || c === 44 || c === 59) {
      push('op', pos + 1)
      continue
    }
    // A lexical error: xl gives up on the file; we report it once and skip the rest of the line
    // (so binary junk makes one token per line, not one per byte). `+ - . ( ) :` anywhere on
    // the line is xl's sign of Python.
    const ch = text.codePointAt(pos) ?? 0
    const shown =
      ch === 0xfeff
        ? 'a byte order mark (U+FEFF)'
        : ch < 32 || ch === 127
          ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}`
          : `\`${String.fromCodePoint(ch)}'`
    let eol = text.indexOf('\n', pos)
    if (eol < 0) eol = n
    const python = /[-+.():]/.test(text.slice(pos, eol))
    push('error', pos + (ch > 0xffff ? 2 : 1), undefined, `lexical error near ${shown}`, python)
    pos = eol
  }
  return out
}

/** A quoted string on one line; escapes as `xlu__cfgl_dequote`. */
function lexString(text: string, q: number): {end: number; value: string; bad?: string} | {error: string} {
  const quote = text.charCodeAt(q)
  let p = q + 1
  let value = ''
  let bad: string | undefined
  while (p < text.length) {
    const c = text.charCodeAt(p)
    if (c === 10) break
    if (c === quote) return {end: p + 1, value, ...(bad ? {bad} : {})}
    if (c !== 92) {
      // Copy the run of plain characters in one slice.
      let r = p + 1
      while (r < text.length) {
        const d = text.charCodeAt(r)
        if (d === 10 || d === quote || d === 92) break
        r++
      }
      value += text.slice(p, r)
      p = r
      continue
    }
    const e = text[p + 1]
    if (e === undefined || e === '\n') break
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) {
      value += simple
      p += 2
      continue
    }
    if (e === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(p + 2, p + 4))
      if (m) {
        value += String.fromCharCode(Number.parseInt(m[0], 16))
        p += 2 + m[0].length
        continue
      }
      bad ??= 'invalid digit after backslash hex numeric character escape'
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(text.slice(p + 1, p + 4)) as RegExpExecArray
      value += String.fromCharCode(Number.parseInt(m[0], 8) & 0xff)
      p += 1 + m[0].length
      continue
    } else bad ??= `invalid character after backslash in quoted string: \\${e}`
    value += e
    p += 2
  }
  return {error: 'unterminated string (xl strings end on the same line)'}
}
