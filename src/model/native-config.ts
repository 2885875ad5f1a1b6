import type {Location} from './domain.js'

/**
 * The raw, parsed form of an xm or xl config: what the file says, key by key, before any
 * mapping to the domain model. Checks read it where syntax matters (Python constructs,
 * duplicate keys, quoting).
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | {[key: string]: ConfigValue}

/** How the value was written (for PY-LITERAL / XL-SYNTAX checks and faithful writers). */
export type ValueSyntax =
  | 'string'
  | 'number'
  | 'list'
  | 'bool'
  | 'none'
  | 'tuple'
  | 'dict'
  | 'float'
  | 'hex'
  | 'octal'
  | 'triple-string'
  | 'prefixed-string'
  | 'expression'

export interface ConfigEntry {
  readonly key: string
  /** The value, statically evaluated. Undefined when it could not be evaluated (computed at run time). */
  readonly value: ConfigValue | undefined
  readonly syntax: ValueSyntax
  /** True when the value was computed from an expression (literal arithmetic, `%`, `+`, earlier names). */
  readonly computed: boolean
  /** The value's source text, as written. */
  readonly text: string
  readonly loc: Location
  /**
   * xm only: Python type of the evaluated value (`str`, `unicode`, `int`, `long`, `float`, `bool`,
   * `NoneType`, `list`, `tuple`, `dict`). xm kept an option only when it was exactly str, list,
   * int or float (xm/create.py), so e.g. `acpi = True` never took effect.
   */
  readonly pythonType?: 'str' | 'unicode' | 'int' | 'long' | 'float' | 'bool' | 'NoneType' | 'list' | 'tuple' | 'dict'
  /** `+=` for xl's append (`IDENT += value`) and xm's augmented assignment; absent for `=`. `value` is already the combined result. */
  readonly op?: '+='
}

/** A Python construct in an xm config that xenlift does not evaluate (PY-* rules). */
export interface PythonConstruct {
  readonly rule: 'PY-IMPORT' | 'PY-CONTROL' | 'PY-EXPR' | 'PY-LITERAL' | 'PY-CMDLINE-VAR'
  readonly message: string
  readonly text: string
  readonly loc: Location
  /** For PY-EXPR: the statically computed value, when there is one. */
  readonly computedValue?: ConfigValue
}

export interface NativeConfig {
  readonly format: 'xm' | 'xl'
  readonly file?: string
  /** Every assignment in file order, duplicates included. */
  readonly entries: readonly ConfigEntry[]
  /** Python constructs found (xm only). */
  readonly python: readonly PythonConstruct[]
}

/** Last assignment wins, as xm (Python) and xl do. */
export function lastEntry(cfg: NativeConfig, key: string): ConfigEntry | undefined {
  for (let i = cfg.entries.length - 1; i >= 0; i--) {
    const e = cfg.entries[i]
    if (e?.key === key) return e
  }
  return undefined
}
