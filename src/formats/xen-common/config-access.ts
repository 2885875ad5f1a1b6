/**
 * Typed reads of xm/xl config keys with libvirt's value rules (`xenConfigGetString`,
 * `xenConfigGetULong(Long)`, `xenConfigGetBool`, `virConfGetValueStringList` in
 * `src/libxl/xen_common.c` and `src/util/virconf.c`; xen-formats.md §5.0, §8.3):
 * - string keys given a number or a list → "expected a string for 'KEY' parameter";
 * - numeric keys take a decimal number or a string holding one; negatives, other strings and
 *   lists → "config value KEY was malformed";
 * - boolean keys: a number is true when non-zero, a string only when exactly `"1"`.
 * Duplicate keys: the last assignment wins (what xm's Python and xl did; libvirt's first-wins
 * is reported as PY-DUPKEY by the syntax layer). Values xm itself ignored (bool, None, dict,
 * tuple) or that could not be evaluated read as absent. Every error is located at the entry.
 */
import {diag, type Diagnostic, type Severity} from '../../model/diagnostic.js'
import type {ExtraValue} from '../../model/domain.js'
import type {ConfigEntry, ConfigValue, NativeConfig} from '../../model/native-config.js'

/** The mapping context shared by the xm and xl readers. */
export interface ConfigReadContext {
  readonly cfg: NativeConfig
  readonly file?: string
  readonly diagnostics: Diagnostic[]
}

export function newContext(cfg: NativeConfig, file?: string): ConfigReadContext {
  const f = file ?? cfg.file
  return {cfg, ...(f !== undefined ? {file: f} : {}), diagnostics: []}
}

/** Syntaxes whose values xm dropped (its `type(v) in (str, list, int, float)` filter). */
const IGNORED_SYNTAX = new Set(['bool', 'none', 'dict', 'tuple'])

/** xm/create.py keeps a variable only when its type is exactly one of these. */
const XM_KEPT_TYPES = new Set(['str', 'list', 'int', 'float'])

/** The entry a key's value comes from (last usable assignment), if any. */
export function entryOf(ctx: ConfigReadContext, key: string): ConfigEntry | undefined {
  const entries = ctx.cfg.entries
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]
    if (e?.key !== key) continue
    if (e.value === undefined || e.value === null || IGNORED_SYNTAX.has(e.syntax)) return undefined
    if (e.pythonType !== undefined && !XM_KEPT_TYPES.has(e.pythonType)) return undefined
    if (typeof e.value === 'object' && !Array.isArray(e.value)) return undefined
    return e
  }
  return undefined
}

export function configValue(ctx: ConfigReadContext, key: string): ConfigValue | undefined {
  return entryOf(ctx, key)?.value
}

/** Report a located diagnostic about `key` (at its entry when it has one). */
export function report(
  ctx: ConfigReadContext,
  code: string,
  severity: Severity,
  message: string,
  key?: string,
  hint?: string,
  path?: string,
): void {
  const e = key !== undefined ? entryOf(ctx, key) ?? lastAny(ctx, key) : undefined
  const file = e?.loc.file ?? ctx.file
  // Key by key, not by spreads (see model/location.ts): one of these per diagnostic.
  const at: {file?: string; line?: number; column?: number; path?: string} = {}
  if (file !== undefined) at.file = file
  if (e) {
    at.line = e.loc.line
    at.column = e.loc.column
  }
  if (path !== undefined || key !== undefined) at.path = path ?? key
  ctx.diagnostics.push(diag(code, severity, message, at, hint))
}

function lastAny(ctx: ConfigReadContext, key: string): ConfigEntry | undefined {
  for (let i = ctx.cfg.entries.length - 1; i >= 0; i--) if (ctx.cfg.entries[i]?.key === key) return ctx.cfg.entries[i]
  return undefined
}

export function error(ctx: ConfigReadContext, message: string, key?: string, path?: string, code = 'BAD-VALUE'): void {
  report(ctx, code, 'error', message, key, undefined, path)
}

/** A string key; a number or list is an error (libvirt's "expected a string"). */
export function getString(ctx: ConfigReadContext, key: string): string | undefined {
  const v = configValue(ctx, key)
  if (v === undefined) return undefined
  if (typeof v === 'string') return v
  error(ctx, `expected a string for '${key}' parameter`, key)
  return undefined
}

/** Like getString but a non-string value is silently ignored (libvirt's `type` key). */
export function getStringQuiet(ctx: ConfigReadContext, key: string): string | undefined {
  const v = configValue(ctx, key)
  return typeof v === 'string' ? v : undefined
}

const UNSIGNED = /^[ \t\n\v\f\r]*\+?[0-9]+$/
const SIGNED = /^[ \t\n\v\f\r]*[+-]?[0-9]+$/

/**
 * An unsigned numeric key. `signedString`: a string may hold a negative number (libvirt's
 * `virStrToLong_ul` wraps it, which is how `rtc_timeoffset = "-3600"` works).
 */
export function getNumber(ctx: ConfigReadContext, key: string, dflt: number, signedString = false): number {
  const v = configValue(ctx, key)
  if (v === undefined) return dflt
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0) return v
  } else if (typeof v === 'string') {
    if ((signedString ? SIGNED : UNSIGNED).test(v)) return Number(v.trim())
  }
  error(ctx, `config value ${key} was malformed`, key)
  return dflt
}

/** A boolean key: non-zero number, or exactly the string "1". */
export function getBool(ctx: ConfigReadContext, key: string, dflt: boolean): boolean
export function getBool(ctx: ConfigReadContext, key: string, dflt: undefined): boolean | undefined
export function getBool(ctx: ConfigReadContext, key: string, dflt: boolean | undefined): boolean | undefined {
  const v = configValue(ctx, key)
  if (v === undefined) return dflt
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v !== 0
  if (typeof v === 'string') return v === '1'
  error(ctx, `config value ${key} was malformed`, key)
  return dflt
}

/** A list key's string elements (non-strings skipped); a plain string is ignored, as libvirt does. */
export function getListStrings(ctx: ConfigReadContext, key: string): {value: string; index: number}[] | undefined {
  const v = configValue(ctx, key)
  if (!Array.isArray(v)) {
    if (v !== undefined) report(ctx, 'BAD-VALUE', 'warning', `'${key}' should be a list; libvirt ignores a plain value here`, key)
    return undefined
  }
  const out: {value: string; index: number}[] = []
  v.forEach((x, index) => {
    if (typeof x === 'string') out.push({value: x, index})
    else report(ctx, 'BAD-VALUE', 'warning', `${key}[${index}] is not a string; libvirt skips it`, key, undefined, `${key}[${index}]`)
  })
  return out
}

/** ConfigValue → ExtraValue (for `domain.extra`), dropping nulls. */
export function toExtra(v: ConfigValue): ExtraValue {
  if (v === null) return ''
  if (Array.isArray(v)) return v.map(toExtra)
  if (typeof v === 'object') {
    const o: {[key: string]: ExtraValue} = {}
    for (const [k, x] of Object.entries(v)) o[k] = toExtra(x)
    return o
  }
  return v
}
