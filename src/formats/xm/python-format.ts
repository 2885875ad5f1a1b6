import {formatExponent, formatFixed, formatGeneral} from './python-float.js'
import {type PyValue, hasUnorderedDict, pyRepr, pyStr, valueShape} from './python-value.js'

/** Widths beyond this are refused rather than building a giant string. */
const MAX_FORMAT_WIDTH = 1 << 16

/**
 * Python 2 `str % args` with literal operands (`"vm%d" % 3`, `"%s-%s" % ("a", "b")`,
 * `"%(n)s" % {"n": 1}`), as `PyString_Format` does it. Returns an error text where Python
 * would raise (wrong argument count, `%d` of a string), so the caller can report it instead.
 */
export function pyFormat(fmt: string, args: PyValue): {value: string; unicode: boolean} | {error: string} {
  const list = args.t === 'tuple' ? args.v : [args]
  const dict = args.t === 'dict' ? args : undefined
  let argi = 0
  let out = ''
  let unicode = false
  const spec = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrs%])?/y
  let i = 0
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i)
    if (pct < 0) {
      out += fmt.slice(i)
      break
    }
    out += fmt.slice(i, pct)
    spec.lastIndex = pct
    const m = spec.exec(fmt)
    const conv = m?.[5]
    if (!m || conv === undefined) return {error: `unsupported format character at index ${pct}`}
    i = pct + m[0].length
    if (conv === '%') {
      out += '%'
      continue
    }
    const next = (): PyValue | undefined => list[argi++]
    let arg: PyValue | undefined
    if (m[1] !== undefined) {
      if (!dict) return {error: 'format requires a mapping'}
      arg = dict.v.find(([k]) => k.t === 'str' && k.v === m[1])?.[1]
      if (arg === undefined) return {error: `KeyError: '${m[1]}'`}
    }
    let width = 0
    if (m[3] === '*') {
      const w = next()
      if (w?.t !== 'int') return {error: '* wants int'}
      width = Number(w.v)
    } else if (m[3] !== undefined) width = Number(m[3])
    let precision: number | undefined
    if (m[4] === '*') {
      const p = next()
      if (p?.t !== 'int') return {error: '* wants int'}
      precision = Number(p.v)
    } else if (m[4] !== undefined) precision = Number(m[4])
    if (arg === undefined) {
      if (dict) arg = dict
      else {
        arg = next()
        if (arg === undefined) return {error: 'not enough arguments for format string'}
      }
    }
    if (width > MAX_FORMAT_WIDTH || (precision ?? 0) > MAX_FORMAT_WIDTH) return {error: 'format width too large'}
    if (conv === 's' && arg.t === 'str' && arg.unicode) unicode = true
    const body = convert(conv, arg, m[2] ?? '', precision)
    if (typeof body !== 'string') return body
    out += pad(body, width, m[2] ?? '', 'diouxXeEfFgG'.includes(conv))
  }
  if (!dict && argi < list.length) return {error: 'not all arguments converted during string formatting'}
  return {value: out, unicode}
}

function pad(body: string, width: number, flags: string, numeric: boolean): string {
  if (body.length >= width) return body
  if (flags.includes('-')) return body.padEnd(width)
  if (flags.includes('0') && numeric) {
    const sign = /^[-+ ]/.test(body) ? (body[0] as string) : ''
    return sign + body.slice(sign.length).padStart(width - sign.length, '0')
  }
  return body.padStart(width)
}

function toNumber(v: PyValue): bigint | number | undefined {
  if (v.t === 'int') return v.v
  if (v.t === 'bool') return v.v ? 1n : 0n
  if (v.t === 'float') return v.v
  return undefined
}

function convert(conv: string, arg: PyValue, flags: string, precision: number | undefined): string | {error: string} {
  const sign = (neg: boolean): string => (neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '')
  switch (conv) {
    case 's':
    case 'r': {
      if (hasUnorderedDict(arg)) return {error: 'a dict prints in hash order, which cannot be known statically'}
      if (valueShape(arg).size > MAX_FORMAT_WIDTH) return {error: 'value too large to format statically'}
      const text = conv === 's' ? pyStr(arg) : pyRepr(arg)
      return precision === undefined ? text : text.slice(0, precision)
    }
    case 'c':
      if (arg.t === 'str' && arg.v.length === 1) return arg.v
      if (arg.t === 'int' && arg.v >= 0n && arg.v < 256n) return String.fromCharCode(Number(arg.v))
      return {error: '%c requires int or char'}
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      const x = toNumber(arg)
      if (x === undefined) return {error: `%${conv} format: a number is required, not ${arg.t}`}
      if (typeof x === 'number' && !Number.isFinite(x)) return {error: 'cannot convert float infinity to integer'}
      const n = typeof x === 'number' ? BigInt(Math.trunc(x)) : x
      const neg = n < 0n
      const abs = neg ? -n : n
      let digits = conv === 'o' ? abs.toString(8) : conv === 'x' ? abs.toString(16) : conv === 'X' ? abs.toString(16).toUpperCase() : abs.toString()
      if (flags.includes('#') && conv === 'o' && abs !== 0n) digits = `0${digits}`
      if (flags.includes('#') && (conv === 'x' || conv === 'X')) digits = `0${conv}${digits}`
      if (precision !== undefined) digits = digits.padStart(precision, '0')
      return sign(neg) + digits
    }
    default: {
      const x = toNumber(arg)
      if (x === undefined) return {error: `float argument required, not ${arg.t}`}
      const f = Number(x)
      if (!Number.isFinite(f)) return sign(f < 0) + (Number.isNaN(f) ? 'nan' : 'inf')
      const p = precision ?? 6
      const neg = f < 0 || Object.is(f, -0)
      const a = Math.abs(f)
      let s: string
      if (conv === 'f' || conv === 'F') s = formatFixed(a, p)
      else if (conv === 'e' || conv === 'E') s = formatExponent(a, p)
      else s = formatGeneral(a, p, flags.includes('#'))
      if (conv === 'E' || conv === 'G') s = s.toUpperCase()
      return sign(neg) + s
    }
  }
}
