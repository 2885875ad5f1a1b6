/**
 * Text form of an xm/xl config as libvirt writes it (`virConfWriteMem`, src/util/virconf.c):
 * `key = value` lines; strings in double quotes, single quotes when the text holds a `"`, and
 * `"""…"""` when it holds both quote kinds or a newline (virconf has no escapes); numbers bare;
 * lists as `[ a, b ]` (`[  ]` when empty), nested for xl's vnuma.
 */
export type NativeValue = string | number | readonly NativeValue[]

export interface NativeLine {
  readonly key: string
  readonly value: NativeValue
}

export function formatNativeValue(v: NativeValue): string {
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') {
    if (v.includes('\n')) return `"""${v}"""`
    if (!v.includes('"')) return `"${v}"`
    if (!v.includes("'")) return `'${v}'`
    return `"""${v}"""`
  }
  return `[ ${v.map(formatNativeValue).join(', ')} ]`
}

export function formatNativeConfig(lines: readonly NativeLine[]): string {
  return lines.map((l) => `${l.key} = ${formatNativeValue(l.value)}\n`).join('')
}
