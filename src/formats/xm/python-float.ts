/**
 * Python 2.7's float-to-text conversions (Objects/floatobject.c, Python/pystrtod.c): `repr`
 * (shortest round-trip digits, exponent form below 1e-4 and from 1e16), `str` (12 digits) and
 * the `%f`/`%e`/`%g` conversions. Python rounds the exact binary value half-to-even
 * (`'%.1f' % 0.25` is `'0.2'`); JS's toFixed rounds ties up, so rounding is done here on the
 * exact value with BigInt.
 */

/** The double as an exact fraction: |x| = m / 2^k (x finite). */
function exactParts(x: number): {m: bigint; k: number} {
  let v = Math.abs(x)
  let k = 0
  while (!Number.isInteger(v) && k < 1100) {
    v *= 2
    k++
  }
  return {m: BigInt(v), k}
}

/** round_half_even(|x| * 10^p) for an integer p (negative allowed). */
function scaledRound(x: number, p: number): bigint {
  const {m, k} = exactParts(x)
  let num = m
  let den = 1n << BigInt(k)
  if (p >= 0) num *= 10n ** BigInt(p)
  else den *= 10n ** BigInt(-p)
  const q = num / den
  const r2 = (num % den) * 2n
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n
  return q
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : ''
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  return undefined
}

function exponentText(e: number): string {
  return `e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
}

/** `'%.{p}f' % x` without sign handling of specials. */
export function formatFixed(x: number, p: number): string {
  const s = special(x)
  if (s !== undefined) return s
  const digits = scaledRound(x, p).toString().padStart(p + 1, '0')
  const int = digits.slice(0, digits.length - p)
  return sign(x) + (p > 0 ? `${int}.${digits.slice(digits.length - p)}` : int)
}

/** Significant digits (p + 1 of them) and decimal exponent of |x|, rounded half-even. */
function sigDigits(x: number, p: number): {digits: string; exp: number} {
  if (x === 0) return {digits: '0'.repeat(p + 1), exp: 0}
  let exp = Math.floor(Math.log10(Math.abs(x)))
  for (let tries = 0; tries < 3; tries++) {
    const q = scaledRound(x, p - exp)
    const d = q.toString()
    if (d.length === p + 2) {
      exp++
      continue
    }
    if (d.length === p) {
      exp--
      continue
    }
    return {digits: d, exp}
  }
  const d = scaledRound(x, p - exp).toString()
  return {digits: d.slice(0, p + 1), exp: exp + d.length - (p + 1)}
}

/** `'%.{p}e' % x`. */
export function formatExponent(x: number, p: number): string {
  const s = special(x)
  if (s !== undefined) return s
  const {digits, exp} = sigDigits(x, p)
  return `${sign(x)}${digits[0]}${p > 0 ? `.${digits.slice(1)}` : ''}${exponentText(exp)}`
}

/** `'%.{p}g' % x` (`alt` = the `#` flag keeps trailing zeros). */
export function formatGeneral(x: number, p: number, alt = false): string {
  const s = special(x)
  if (s !== undefined) return s
  const prec = p === 0 ? 1 : p
  if (x === 0) return sign(x) + (alt ? `0.${'0'.repeat(prec - 1)}` : '0')
  const {digits, exp} = sigDigits(x, prec - 1)
  let body: string
  if (exp < -4 || exp >= prec) {
    let mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : (digits[0] as string)
    if (!alt && mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '')
    body = mant + exponentText(exp)
  } else {
    let t = formatFixed(Math.abs(x), Math.max(0, prec - 1 - exp))
    if (!alt && t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '')
    body = t
  }
  return sign(x) + body
}

/** `repr(x)`: the shortest digits that read back as x. */
export function reprFloat(x: number): string {
  const s = special(x)
  if (s !== undefined) return s
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  // toExponential() with no argument gives the shortest round-trip digits.
  const [mant = '0', e = '0'] = Math.abs(x).toExponential().split('e')
  const exp = Number(e)
  const digits = mant.replace('.', '')
  let body: string
  if (exp < -4 || exp >= 16) body = (digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : `${digits}`) + exponentText(exp)
  else if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`
  else if (digits.length <= exp + 1) body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  return sign(x) + body
}

/**
 * `str(x)` in Python 2.7: 12 significant digits, `.0` added to integral values, and (because of
 * that `.0`, format_float_short) the exponent form already from 1e11.
 */
export function strFloat(x: number): string {
  const s = special(x)
  if (s !== undefined) return s
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const {digits, exp} = sigDigits(x, 11)
  const d = digits.replace(/0+$/, '') || '0'
  let body: string
  if (exp < -4 || exp >= 11) body = (d.length > 1 ? `${d[0]}.${d.slice(1)}` : d) + exponentText(exp)
  else if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${d}`
  else if (d.length <= exp + 1) body = `${d}${'0'.repeat(exp + 1 - d.length)}.0`
  else body = `${d.slice(0, exp + 1)}.${d.slice(exp + 1)}`
  return sign(x) + body
}
