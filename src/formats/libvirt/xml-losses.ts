import {diag, type Diagnostic} from '../../model/diagnostic.js'
import type {Domain} from '../../model/domain.js'
import {hasInvalidXmlChars} from './xml-text.js'

/**
 * Values the libvirt writer cannot carry unchanged: XML 1.0 has no way to write C0 control
 * characters (other than TAB, LF, CR), lone surrogates or U+FFFE/U+FFFF, so the writer drops them
 * as libvirt's virBufferEscapeString does. This names each such value (one warning per model
 * path, e.g. `devices.disks[0].source.file`) so a conversion never changes a path silently.
 * `extra` (never written to XML) and source locations are not looked at.
 */
export function libvirtXmlLosses(domain: Domain, file?: string): Diagnostic[] {
  const out: Diagnostic[] = []
  // A value's path is spelled only when it needs a warning (rare): spelling one for every value
  // of the model cost more than the check itself (CPU profiles of `convert -r`).
  const segments: (string | number)[] = []
  const pathOf = (): string => {
    let path = ''
    for (const s of segments) path = typeof s === 'number' ? `${path}[${s}]` : path === '' ? s : `${path}.${s}`
    return path
  }
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (hasInvalidXmlChars(v)) {
        const path = pathOf()
        out.push(
          diag('BAD-VALUE', 'warning', `${path} contains characters XML cannot carry (${describe(v)}); they are left out of the XML`, {
            ...(file !== undefined ? {file} : {}),
            path,
          }),
        )
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        segments.push(i)
        walk(v[i])
        segments.pop()
      }
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (k === 'loc' || k === 'extra') continue
        segments.push(k)
        walk((v as Record<string, unknown>)[k])
        segments.pop()
      }
    }
  }
  walk(domain)
  return out
}

function describe(s: string): string {
  const bad = [...s].filter((c) => hasInvalidXmlChars(c)).map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
  return [...new Set(bad)].join(', ')
}
