import {pyFormat} from './python-format.js'
import {type PyValue, pyEquals, pyInt, valueShape} from './python-value.js'

/**
 * Python 2 operators on statically known values, as CPython 2.7 computes them: int `/` floors,
 * `%` takes the divisor's sign, int overflows into long, `str % args` formats. Results that
 * would be huge (`'x' * 10**9`, `1 << 10**9`) are refused with an error instead of built.
 */

/** Results larger than this (characters or elements) are not built. */
export const MAX_VALUE_SIZE = 1 << 20

export type OpResult = {value: PyValue} | {error: string}


function num(v: PyValue): {int: bigint} | {float: number} | undefined {
  if (v.t === 'int') return {int: v.v}
  if (v.t === 'bool') return {int: v.v ? 1n : 0n}
  if (v.t === 'float') return {float: v.v}
  return undefined
}

function isLong(a: PyValue, b?: PyValue): boolean {
  return (a.t === 'int' && a.long === true) || (b?.t === 'int' && b.long === true)
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q
}

/** Python's modulo takes the sign of the divisor. */
function floorMod(a: bigint, b: bigint): bigint {
  const m = a % b
  return m !== 0n && (m < 0n) !== (b < 0n) ? m + b : m
}

function tooBig(n: number): boolean {
  return n > MAX_VALUE_SIZE
}

/** CPython's float_divmod: built on fmod, so `1 // 0.1` is 9.0, not 10.0. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx
  let div = (vx - mod) / wx
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx
      div -= 1
    }
  } else mod = wx < 0 ? -0 : 0
  let floordiv: number
  if (div !== 0) {
    floordiv = Math.floor(div)
    if (div - floordiv > 0.5) floordiv += 1
  } else floordiv = vx / wx < 0 || Object.is(vx / wx, -0) ? -0 : 0
  return [floordiv, mod]
}

export function binary(op: string, a: PyValue, b: PyValue): OpResult {
  if (a.t === 'bool' && b.t === 'bool' && (op === '&' || op === '|' || op === '^')) {
    // bool overrides the bit operators: True | False is True, not 1.
    return {value: {t: 'bool', v: op === '&' ? a.v && b.v : op === '|' ? a.v || b.v : a.v !== b.v}}
  }
  if (op === '+') {
    if (a.t === 'str' && b.t === 'str') {
      if (tooBig(a.v.length + b.v.length)) return {error: 'result too large'}
      return {value: a.unicode || b.unicode ? {t: 'str', v: a.v + b.v, unicode: true} : {t: 'str', v: a.v + b.v}}
    }
    if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
      if (tooBig(a.v.length + b.v.length)) return {error: 'result too large'}
      return {value: {t: a.t, v: [...a.v, ...b.v]}}
    }
  }
  if (op === '%' && a.t === 'str') {
    const r = pyFormat(a.v, b)
    if ('error' in r) return r
    // A unicode format, or a unicode argument consumed by %s, makes the result unicode.
    const unicode = a.unicode === true || r.unicode
    return {value: unicode ? {t: 'str', v: r.value, unicode: true} : {t: 'str', v: r.value}}
  }
  if (op === '*') {
    const [seq, times] = a.t === 'str' || a.t === 'list' || a.t === 'tuple' ? [a, b] : [b, a]
    if ((seq.t === 'str' || seq.t === 'list' || seq.t === 'tuple') && (times.t === 'int' || times.t === 'bool')) {
      const n = times.t === 'int' ? times.v : times.v ? 1n : 0n
      const k = n < 0n ? 0 : Number(n)
      if (tooBig(seq.v.length * k)) return {error: 'result too large'}
      if (seq.t === 'str') return {value: {...seq, v: seq.v.repeat(k)}}
      const out: PyValue[] = []
      for (let j = 0; j < k; j++) out.push(...seq.v)
      return {value: {t: seq.t, v: out}}
    }
  }
  const x = num(a)
  const y = num(b)
  if (!x || !y) return {error: `unsupported operand types for ${op}: '${a.t}' and '${b.t}'`}
  if ('int' in x && 'int' in y) {
    const p = x.int
    const q = y.int
    const long = isLong(a, b)
    switch (op) {
      case '+':
        return {value: pyInt(p + q, long)}
      case '-':
        return {value: pyInt(p - q, long)}
      case '*':
        if (bitLength(p) + bitLength(q) > 4096) return {error: 'result too large'}
        return {value: pyInt(p * q, long)}
      case '/':
      case '//':
        // Python 2: int / int floors.
        if (q === 0n) return {error: 'ZeroDivisionError'}
        return {value: pyInt(floorDiv(p, q), long)}
      case '%':
        if (q === 0n) return {error: 'ZeroDivisionError'}
        return {value: pyInt(floorMod(p, q), long)}
      case '**':
        if (q < 0n && p === 0n) return {error: 'ZeroDivisionError: 0 cannot be raised to a negative power'}
        // Python converts to float and calls C pow().
        if (q < 0n) return {value: {t: 'float', v: powFloat(Number(p), Number(q))}}
        if (bitLength(p) * Number(q) > 4096) return {error: 'result too large'}
        return {value: pyInt(p ** q, long)}
      case '<<':
        if (q < 0n) return {error: 'negative shift count'}
        if (q > 4096n) return {error: 'result too large'}
        return {value: pyInt(p << q, long)}
      case '>>':
        if (q < 0n) return {error: 'negative shift count'}
        return {value: pyInt(p >> (q > 4096n ? 4096n : q), long)}
      case '&':
        return {value: pyInt(p & q, long)}
      case '|':
        return {value: pyInt(p | q, long)}
      case '^':
        return {value: pyInt(p ^ q, long)}
    }
  }
  const f = 'int' in x ? Number(x.int) : x.float
  const g = 'int' in y ? Number(y.int) : y.float
  switch (op) {
    case '+':
      return {value: {t: 'float', v: f + g}}
    case '-':
      return {value: {t: 'float', v: f - g}}
    case '*':
      return {value: {t: 'float', v: f * g}}
    case '/':
      if (g === 0) return {error: 'ZeroDivisionError'}
      return {value: {t: 'float', v: f / g}}
    case '//':
    case '%': {
      if (g === 0) return {error: 'ZeroDivisionError'}
      const [div, mod] = floatDivmod(f, g)
      return {value: {t: 'float', v: op === '//' ? div : mod}}
    }
    case '**':
      if (f === 0 && g < 0) return {error: 'ZeroDivisionError: 0.0 cannot be raised to a negative power'}
      if (f < 0 && !Number.isInteger(g)) return {error: 'negative number cannot be raised to a fractional power'}
      {
        const v = powFloat(f, g)
        // C pow() overflow: Python raises OverflowError "Numerical result out of range".
        return Number.isFinite(v) ? {value: {t: 'float', v}} : {error: 'OverflowError'}
      }
  }
  return {error: `unsupported operand type(s) for ${op}: 'float'`}
}

/**
 * C's pow() (glibc: correctly rounded), which JS `**` is not always. Integer exponents up to 64
 * are computed exactly on the binary value and rounded once; `x ** 0.5` is sqrt.
 */
function powFloat(f: number, g: number): number {
  if (g === 0.5 && f >= 0) return Math.sqrt(f)
  if (!Number.isInteger(g) || Math.abs(g) > 64 || !Number.isFinite(f) || f === 0) return f ** g
  // f = m / 2^k exactly.
  let k = 0
  let x = Math.abs(f)
  while (!Number.isInteger(x) && k < 1100) {
    x *= 2
    k++
  }
  const n = BigInt(Math.abs(g))
  const m = BigInt(x) ** n
  const twos = 1n << (BigInt(k) * n)
  const [num, den] = g > 0 ? [m, twos] : [twos, m]
  // Quotient with 66+ significant bits and a sticky bit: Number() then rounds it exactly once.
  const shift = 66 + bitLength(den) - bitLength(num)
  const scaledNum = shift > 0 ? num << BigInt(shift) : num
  const scaledDen = shift > 0 ? den : den << BigInt(-shift)
  let q = scaledNum / scaledDen
  q = (q << 1n) | (scaledNum % scaledDen === 0n ? 0n : 1n)
  let r = Number(q)
  let e = -(shift + 1)
  while (e < -1000) {
    r /= 2 ** 1000
    e += 1000
  }
  while (e > 1000) {
    r *= 2 ** 1000
    e -= 1000
  }
  r *= 2 ** e
  return f < 0 && Number(n % 2n) === 1 ? -r : r
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length
}

export function unary(op: string, a: PyValue): OpResult {
  const x = num(a)
  if (!x) return {error: `bad operand type for unary ${op}: '${a.t}'`}
  if ('int' in x) {
    const long = isLong(a)
    if (op === '-') return {value: pyInt(-x.int, long)}
    if (op === '+') return {value: pyInt(x.int, long)}
    return {value: pyInt(-x.int - 1n, long)}
  }
  if (op === '~') return {error: "bad operand type for unary ~: 'float'"}
  return {value: {t: 'float', v: op === '-' ? -x.float : x.float}}
}

export function compare(op: string, a: PyValue, b: PyValue): PyValue | undefined {
  // Values share sub-objects; comparing expanded giants is refused, not attempted.
  if (valueShape(a).size > MAX_VALUE_SIZE || valueShape(b).size > MAX_VALUE_SIZE) return undefined
  const bool = (v: boolean): PyValue => ({t: 'bool', v})
  switch (op) {
    case '==':
      return bool(pyEquals(a, b))
    case '!=':
    case '<>':
      return bool(!pyEquals(a, b))
    case 'in':
    case 'not in': {
      let found: boolean | undefined
      if (b.t === 'str' && a.t === 'str') found = b.v.includes(a.v)
      else if (b.t === 'list' || b.t === 'tuple') found = b.v.some((x) => pyEquals(x, a))
      else if (b.t === 'dict') found = b.v.some(([k]) => pyEquals(k, a))
      return found === undefined ? undefined : bool(op === 'in' ? found : !found)
    }
    case 'is':
    case 'is not':
      // Identity is only certain for None and the bool singletons.
      if (a.t === 'none' || b.t === 'none' || a.t === 'bool' || b.t === 'bool') {
        const same = a.t === b.t && (a.t === 'none' || (a.t === 'bool' && b.t === 'bool' && a.v === b.v))
        return bool(op === 'is' ? same : !same)
      }
      return undefined
  }
  const x = num(a)
  const y = num(b)
  let c: number | undefined
  if (x && y) {
    const f = 'int' in x ? Number(x.int) : x.float
    const g = 'int' in y ? Number(y.int) : y.float
    c = f < g ? -1 : f > g ? 1 : 0
  } else if (a.t === 'str' && b.t === 'str') c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0
  if (c === undefined) return undefined
  return bool(op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0)
}

export function subscript(v: PyValue, idx: {index: PyValue} | {slice: [PyValue | undefined, PyValue | undefined]}): OpResult {
  if ('index' in idx) {
    if (v.t === 'dict') {
      const hit = v.v.find(([k]) => pyEquals(k, idx.index))
      return hit ? {value: hit[1]} : {error: 'KeyError'}
    }
    if ((v.t === 'list' || v.t === 'tuple' || v.t === 'str') && (idx.index.t === 'int' || idx.index.t === 'bool')) {
      const raw = idx.index.t === 'int' ? Number(idx.index.v) : idx.index.v ? 1 : 0
      const n = raw < 0 ? v.v.length + raw : raw
      if (n < 0 || n >= v.v.length) return {error: 'IndexError'}
      return {value: v.t === 'str' ? {...v, v: v.v[n] as string} : (v.v[n] as PyValue)}
    }
    return {error: `${v.t} indices`}
  }
  if (v.t !== 'list' && v.t !== 'tuple' && v.t !== 'str') return {error: 'unhashable type'}
  const bound = (x: PyValue | undefined, dflt: number): number | undefined => {
    if (x === undefined || x.t === 'none') return dflt
    if (x.t !== 'int') return undefined
    const n = Number(x.v)
    return Math.max(0, Math.min(v.v.length, n < 0 ? v.v.length + n : n))
  }
  const lo = bound(idx.slice[0], 0)
  const hi = bound(idx.slice[1], v.v.length)
  if (lo === undefined || hi === undefined) return {error: 'slice indices must be integers'}
  if (v.t === 'str') return {value: {...v, v: v.v.slice(lo, hi)}}
  return {value: {t: v.t, v: v.v.slice(lo, hi)}}
}
