/**
 * Text form of an xm/xl config. The line shape is libvirt's (`virConfWriteMem`,
 * src/util/virconf.c): `key = value` lines, numbers bare, lists as `[ a, b ]` (`[  ]` when
 * empty), nested for xl's vnuma; strings in double quotes, single quotes when the text holds a `"`.
 *
 * virconf strings have no escapes, and libvirt writes `"""…"""` for a text with both quote kinds
 * or a newline, and backslashes raw. The tools that read our output do not all agree with that:
 * - xl (libxlu `xlu__cfgl_dequote`) has no `"""` and treats `\` as an escape (`"a\:b"` is a
 *   lexical error), and no negative numbers. So xl gets libvirt's form when it reads the same in
 *   xl, else a `"…"` string with C escapes; a negative number becomes a string, which libxlu's
 *   numeric getters parse (all xl atoms are strings).
 * - xm runs the file as Python 2: `"""…"""` is fine unless the text holds `"""` or ends in `"`,
 *   and a backslash before an escape letter is interpreted. So xm gets libvirt's form when Python
 *   reads it as virconf does, else a Python-escaped `"…"` string.
 */
export type NativeValue = string | number | readonly NativeValue[]

export interface NativeLine {
  readonly key: string
  readonly value: NativeValue
}

export type NativeDialect = 'xm' | 'xl'

/** Characters after a backslash that Python 2 string literals interpret (`\N`/`\u` are unicode-only). */
const PY_ESCAPE = /\\([\\'"abfnrtvx0-7\n]|$)/

/** libvirt's choice of quotes (virConfWriteValue), or undefined when it would need `"""`. */
function libvirtQuoted(v: string): string | undefined {
  if (v.includes('\n')) return undefined
  if (!v.includes('"')) return `"${v}"`
  if (!v.includes("'")) return `'${v}'`
  return undefined
}

const C_ESCAPES: Readonly<Record<string, string>> = {'\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\f': '\\f', '\b': '\\b', '\x07': '\\a'}

/** `"…"` with C/Python escapes; other control characters as `\xHH`, which both dialects read. */
function escapedQuoted(v: string): string {
  let out = ''
  for (const ch of v) {
    const code = ch.charCodeAt(0)
    out += C_ESCAPES[ch] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch)
  }
  return `"${out}"`
}

function formatString(v: string, dialect: NativeDialect | undefined): string {
  const plain = libvirtQuoted(v)
  if (dialect === undefined) return plain ?? `"""${v}"""`
  // Control characters other than newline mean nothing good raw in either tool.
  const controls = /[\x00-\x09\x0b-\x1f\x7f]/.test(v)
  if (dialect === 'xl') return plain !== undefined && !v.includes('\\') && !controls ? plain : escapedQuoted(v)
  if (PY_ESCAPE.test(v) || controls) return escapedQuoted(v)
  if (plain !== undefined) return plain
  return v.includes('"""') || v.endsWith('"') ? escapedQuoted(v) : `"""${v}"""`
}

/** One value; `dialect` picks the quoting its reader needs (none: libvirt's virconf form). */
export function formatNativeValue(v: NativeValue, dialect?: NativeDialect): string {
  if (typeof v === 'number') return dialect === 'xl' && v < 0 ? `"${v}"` : String(v)
  if (typeof v === 'string') return formatString(v, dialect)
  return `[ ${v.map((x) => formatNativeValue(x, dialect)).join(', ')} ]`
}

export function formatNativeConfig(lines: readonly NativeLine[], dialect?: NativeDialect): string {
  return lines.map((l) => `${l.key} = ${formatNativeValue(l.value, dialect)}\n`).join('')
}
