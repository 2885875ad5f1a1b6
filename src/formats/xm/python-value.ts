import type {ConfigValue} from '../../model/native-config.js'
import {reprFloat, strFloat} from './python-float.js'

/**
 * A statically evaluated Python 2 value. Python 2 because xm (xen/xm/create.py) ran configs
 * with `execfile` under Python 2: `/` on ints floors, `int` overflows into `long`, and
 * `u''` makes a `unicode`, which xm then ignores (it keeps only `str`, `list`, `int`, `float`).
 */
export type PyValue =
  | {readonly t: 'str'; readonly v: string; readonly unicode?: boolean}
  | {readonly t: 'int'; readonly v: bigint; readonly long?: boolean}
  | {readonly t: 'float'; readonly v: number}
  | {readonly t: 'bool'; readonly v: boolean}
  | {readonly t: 'none'}
  | {readonly t: 'list'; readonly v: readonly PyValue[]}
  | {readonly t: 'tuple'; readonly v: readonly PyValue[]}
  | {readonly t: 'dict'; readonly v: readonly (readonly [PyValue, PyValue])[]}

/** The Python type name of a value as xm saw it (`type(v).__name__`). */
export type PythonType = 'str' | 'unicode' | 'int' | 'long' | 'float' | 'bool' | 'NoneType' | 'list' | 'tuple' | 'dict'

/** sys.maxint on the 64-bit hosts xend ran on: beyond it Python 2 promotes int to long. */
const MAXINT = 2n ** 63n - 1n

export function pyInt(v: bigint, long = false): PyValue {
  return long || v > MAXINT || v < -MAXINT - 1n ? {t: 'int', v, long: true} : {t: 'int', v}
}

export function pythonType(v: PyValue): PythonType {
  switch (v.t) {
    case 'str':
      return v.unicode ? 'unicode' : 'str'
    case 'int':
      return v.long ? 'long' : 'int'
    case 'none':
      return 'NoneType'
    default:
      return v.t
  }
}

/** xm keeps a config variable only when its type is exactly str, list, int or float (xm/create.py). */
export function xmKeepsType(t: PythonType): boolean {
  return t === 'str' || t === 'list' || t === 'int' || t === 'float'
}

export function toConfigValue(v: PyValue): ConfigValue {
  switch (v.t) {
    case 'str':
    case 'bool':
    case 'float':
      return v.v
    case 'int':
      return Number(v.v)
    case 'none':
      return null
    case 'list':
    case 'tuple':
      return v.v.map(toConfigValue)
    case 'dict': {
      const o: {[key: string]: ConfigValue} = {}
      // defineProperty: a key named `__proto__` must stay a plain key, not replace the prototype.
      for (const [k, val] of v.v) {
        Object.defineProperty(o, k.t === 'str' ? k.v : pyRepr(k), {value: toConfigValue(val), enumerable: true, writable: true, configurable: true})
      }
      return o
    }
  }
}

/** Python 2 truthiness. */
export function truthy(v: PyValue): boolean {
  switch (v.t) {
    case 'str':
      return v.v.length > 0
    case 'int':
      return v.v !== 0n
    case 'float':
      return v.v !== 0
    case 'bool':
      return v.v
    case 'none':
      return false
    default:
      return v.v.length > 0
  }
}

/** `str(v)` in Python 2: no `L` on longs, floats with 12 significant digits. */
export function pyStr(v: PyValue): string {
  if (v.t === 'str') return v.v
  if (v.t === 'int') return `${v.v}`
  if (v.t === 'float') return strFloat(v.v)
  return pyRepr(v)
}


/** `repr(v)` in Python 2 (floats use the shortest repr, as Python 2.7 does). */
export function pyRepr(v: PyValue): string {
  switch (v.t) {
    case 'str':
      return (v.unicode ? 'u' : '') + reprString(v.v)
    case 'int':
      return v.long ? `${v.v}L` : `${v.v}`
    case 'float':
      return reprFloat(v.v)
    case 'bool':
      return v.v ? 'True' : 'False'
    case 'none':
      return 'None'
    case 'list':
      return `[${v.v.map(pyRepr).join(', ')}]`
    case 'tuple':
      return v.v.length === 1 ? `(${pyRepr(v.v[0] as PyValue)},)` : `(${v.v.map(pyRepr).join(', ')})`
    case 'dict':
      return `{${v.v.map(([k, val]) => `${pyRepr(k)}: ${pyRepr(val)}`).join(', ')}}`
  }
}


/** Python's repr of a str: single quotes unless the text holds a single quote and no double. */
export function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = q
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === q || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (c < 32 || c === 127) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + q
}

/** Value equality as Python's `==` (1 == 1.0 == True). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numeric(a)
  const nb = numeric(b)
  if (na !== undefined && nb !== undefined) return na === nb
  if (a.t === 'str' && b.t === 'str') return a.v === b.v
  if (a.t === 'none' || b.t === 'none') return a.t === b.t
  if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
    return a.v.length === b.v.length && a.v.every((x, i) => pyEquals(x, b.v[i] as PyValue))
  }
  if (a.t === 'dict' && b.t === 'dict') {
    return a.v.length === b.v.length && a.v.every(([k, x]) => b.v.some(([k2, y]) => pyEquals(k, k2) && pyEquals(x, y)))
  }
  return false
}

function numeric(v: PyValue): number | undefined {
  if (v.t === 'int') return Number(v.v)
  if (v.t === 'float') return v.v
  if (v.t === 'bool') return v.v ? 1 : 0
  return undefined
}


/**
 * Facts about a value computed once per object (values share sub-objects: `a = [a, a]` makes
 * a DAG whose expanded size doubles per line). `size` is the expanded size in characters and
 * elements, capped; everything that expands a value (toConfigValue, repr) checks it first.
 */
export interface ValueShape {
  readonly size: number
  readonly depth: number
  /** Python 2 dicts iterate in hash order: the text of a dict with 2+ keys cannot be known. */
  readonly unorderedDict: boolean
  /** Lists and dicts (and tuples holding them) cannot be dict keys. */
  readonly hashable: boolean
}

const SHAPES = new WeakMap<object, ValueShape>()
const SIZE_CAP = 1e12

export function valueShape(v: PyValue): ValueShape {
  if (v.t === 'str') return {size: v.v.length, depth: 0, unorderedDict: false, hashable: true}
  if (v.t !== 'list' && v.t !== 'tuple' && v.t !== 'dict') return {size: 1, depth: 0, unorderedDict: false, hashable: true}
  const known = SHAPES.get(v)
  if (known) return known
  const children = v.t === 'dict' ? v.v.flat() : v.v
  let size = 1
  let depth = 0
  let unorderedDict = v.t === 'dict' && v.v.length > 1
  let hashable = v.t === 'tuple'
  for (const c of children) {
    const sh = valueShape(c)
    size = Math.min(SIZE_CAP, size + sh.size)
    depth = Math.max(depth, sh.depth)
    unorderedDict ||= sh.unorderedDict
    hashable &&= sh.hashable
  }
  const shape = {size, depth: depth + 1, unorderedDict, hashable}
  SHAPES.set(v, shape)
  return shape
}

export function hasUnorderedDict(v: PyValue): boolean {
  return valueShape(v).unorderedDict
}

export function isHashable(v: PyValue): boolean {
  return valueShape(v).hashable
}
