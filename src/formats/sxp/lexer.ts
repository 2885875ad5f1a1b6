/**
 * Tokeniser for SXP (xend's S-expressions), following xend's own reader (`sxp.py` `Parser`,
 * Xen RELEASE-4.4.4) — it is the truth for what xend stored — not libvirt's `_string2sexpr`,
 * which mis-reads double quotes and escapes (xen-formats.md §2.2/§2.3).
 *
 * Rules mirrored from xend:
 * - whitespace is space, `\t \n \v \f \r`; `#` starts a comment to the end of the line and
 *   also ends an atom;
 * - strings are `'…'` or `"…"` with the escapes `\a \b \t \n \v \f \r \\ \' \"`, `\xHH` (up
 *   to 2 hex digits) and `\ooo` (up to 3 octal digits, ≤ 0xff); an unknown escape keeps the
 *   backslash literally. xend's strings are bytes: escaped bytes ≥ 0x80 are decoded as UTF-8
 *   when they form valid UTF-8 (what a Python 2 `repr` of a UTF-8 name round-trips to);
 * - a bare atom runs until whitespace, `#`, a quote-free separator `( ) { } < > [ ] ;`.
 *   The separators other than parentheses have no meaning in a domain config; each becomes a
 *   one-character atom so nothing is silently lost.
 *
 * Added for libvirt's test vectors (whose harness joins lines ending in `\`): a backslash
 * directly before a line end is a line continuation and vanishes, inside strings too. xend
 * never writes one (its `repr` escapes newlines as `\n`), so this cannot change a real file.
 *
 * Bad input never throws: a NUL byte, a control character outside a string, U+FFFD (text that
 * was not valid UTF-8) or EOF inside a string give an `error` token with its location.
 */

export type SxpToken =
  | {readonly type: 'open'; readonly line: number; readonly column: number}
  | {readonly type: 'close'; readonly line: number; readonly column: number}
  | {
      readonly type: 'atom'
      readonly value: string
      readonly quote: 'none' | 'single' | 'double'
      readonly escaped: boolean
      readonly line: number
      readonly column: number
    }
  | {readonly type: 'error'; readonly message: string; readonly line: number; readonly column: number}
  | {readonly type: 'eof'; readonly line: number; readonly column: number}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
}

const utf8 = new TextDecoder('utf-8', {fatal: true})

function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

/** Characters that end a bare atom (besides whitespace, `#` and parentheses). */
function isSeparator(c: number): boolean {
  // { } < > [ ] ;
  return c === 123 || c === 125 || c === 60 || c === 62 || c === 91 || c === 93 || c === 59
}

/** Control characters that mark binary junk when found outside a string. */
function isJunk(c: number): boolean {
  return c === 0 || (c < 32 && !isWhitespace(c)) || c === 127 || c === 0xfffd
}

function describeChar(c: number): string {
  if (c === 0) return 'NUL byte'
  if (c === 0xfffd) return 'invalid UTF-8 (binary data)'
  return `control character 0x${c.toString(16).padStart(2, '0')}`
}

/**
 * A pull tokeniser over one text. Call `next()` until it returns `eof` (or `error`, after
 * which the caller should stop: the position is not advanced past the bad input).
 */
export class SxpLexer {
  private pos = 0
  private line = 1
  private col = 1
  private readonly text: string

  constructor(text: string) {
    // A byte-order mark is not content.
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  }

  /** Skip a `\` + line end continuation at the current position; true if one was skipped. */
  private skipContinuation(): boolean {
    const t = this.text
    if (t.charCodeAt(this.pos) !== 92) return false
    const n = t.charCodeAt(this.pos + 1)
    if (n === 10) {
      this.pos += 2
    } else if (n === 13 && t.charCodeAt(this.pos + 2) === 10) {
      this.pos += 3
    } else {
      return false
    }
    this.line++
    this.col = 1
    return true
  }

  private advance(c: number): void {
    this.pos++
    if (c === 10) {
      this.line++
      this.col = 1
    } else {
      this.col++
    }
  }

  next(): SxpToken {
    const t = this.text
    for (;;) {
      if (this.pos >= t.length) return {type: 'eof', line: this.line, column: this.col}
      const c = t.charCodeAt(this.pos)
      if (isWhitespace(c)) {
        this.advance(c)
        continue
      }
      if (c === 35) {
        // # comment to end of line
        while (this.pos < t.length && t.charCodeAt(this.pos) !== 10) this.advance(t.charCodeAt(this.pos))
        continue
      }
      if (c === 92 && this.skipContinuation()) continue
      const line = this.line
      const column = this.col
      if (c === 40 || c === 41) {
        this.advance(c)
        return c === 40 ? {type: 'open', line, column} : {type: 'close', line, column}
      }
      if (isJunk(c)) return {type: 'error', message: `unexpected ${describeChar(c)}`, line, column}
      if (c === 39 || c === 34) return this.readString(c, line, column)
      if (isSeparator(c)) {
        this.advance(c)
        return {type: 'atom', value: t[this.pos - 1] as string, quote: 'none', escaped: false, line, column}
      }
      return this.readBare(line, column)
    }
  }

  private readBare(line: number, column: number): SxpToken {
    const t = this.text
    let out = ''
    let start = this.pos
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (isWhitespace(c) || c === 35 || c === 40 || c === 41 || isSeparator(c)) break
      if (c === 92) {
        const before = this.pos
        if (this.skipContinuation()) {
          out += t.slice(start, before)
          start = this.pos
          continue
        }
      }
      if (isJunk(c)) {
        return {type: 'error', message: `unexpected ${describeChar(c)}`, line: this.line, column: this.col}
      }
      // A bare atom never holds a newline (it is whitespace), so only the column moves.
      this.pos++
      this.col++
    }
    out += t.slice(start, this.pos)
    return {type: 'atom', value: out, quote: 'none', escaped: false, line, column}
  }

  private readString(q: number, line: number, column: number): SxpToken {
    const t = this.text
    this.advance(q)
    let out = ''
    let escaped = false
    // Escaped bytes ≥ 0x80 wait here until a non-byte character, then decode as UTF-8.
    let bytes: number[] = []
    const flush = (): void => {
      if (bytes.length === 0) return
      out += decodeBytes(bytes)
      bytes = []
    }
    for (;;) {
      if (this.pos >= t.length) {
        return {type: 'error', message: 'unexpected end of input inside a quoted string', line, column}
      }
      const c = t.charCodeAt(this.pos)
      if (c === q) {
        this.advance(c)
        flush()
        return {type: 'atom', value: out, quote: q === 39 ? 'single' : 'double', escaped, line, column}
      }
      if (c === 0 || c === 0xfffd) {
        return {type: 'error', message: `unexpected ${describeChar(c)} inside a quoted string`, line: this.line, column: this.col}
      }
      if (c !== 92) {
        flush()
        // Fast path: copy the run of plain characters up to the next quote, escape or junk.
        let j = this.pos
        let line = this.line
        let col = this.col
        for (; j < t.length; j++) {
          const k = t.charCodeAt(j)
          if (k === q || k === 92 || k === 0 || k === 0xfffd) break
          if (k === 10) {
            line++
            col = 1
          } else {
            col++
          }
        }
        out += t.slice(this.pos, j)
        this.pos = j
        this.line = line
        this.col = col
        continue
      }
      if (this.skipContinuation()) continue
      // An escape sequence.
      const e = t[this.pos + 1]
      if (e === undefined) {
        this.advance(c)
        continue // EOF right after the backslash: reported by the loop above
      }
      escaped = true
      const simple = SIMPLE_ESCAPES[e]
      if (simple !== undefined) {
        flush()
        out += simple
        this.pos += 2
        this.col += 2
        continue
      }
      if (e === 'x') {
        let j = this.pos + 2
        let v = 0
        while (j < this.pos + 4 && j < t.length && /[0-9a-fA-F]/.test(t[j] as string)) {
          v = v * 16 + Number.parseInt(t[j] as string, 16)
          j++
        }
        if (j === this.pos + 2) {
          // `\x` without digits: xend keeps unknown escapes literally.
          flush()
          out += '\\'
          this.advance(c)
          continue
        }
        this.pushByte(v, bytes, (s) => {
          flush()
          out += s
        })
        this.col += j - this.pos
        this.pos = j
        continue
      }
      if (e >= '0' && e <= '7') {
        let j = this.pos + 1
        let v = 0
        while (j < this.pos + 4 && j < t.length) {
          const d = t.charCodeAt(j) - 48
          if (d < 0 || d > 7 || v * 8 + d > 0xff) break
          v = v * 8 + d
          j++
        }
        this.pushByte(v, bytes, (s) => {
          flush()
          out += s
        })
        this.col += j - this.pos
        this.pos = j
        continue
      }
      // Unknown escape: the backslash stays, the next character is read normally.
      flush()
      out += '\\'
      this.advance(c)
    }
  }

  private pushByte(v: number, bytes: number[], emit: (s: string) => void): void {
    if (v < 0x80) emit(String.fromCharCode(v))
    else bytes.push(v)
  }
}

/** Decode escaped bytes as UTF-8; when they are not valid UTF-8 keep them as Latin-1. */
function decodeBytes(bytes: number[]): string {
  try {
    return utf8.decode(new Uint8Array(bytes))
  } catch {
    return String.fromCharCode(...bytes)
  }
}
