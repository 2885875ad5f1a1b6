import {diag, type Diagnostic} from '../../model/diagnostic.js'
import {KNOWN_ATTRIBUTES} from './known-attributes.js'
import type {LibvirtTarget} from './target.js'
import type {XmlNode} from './xml-tree.js'
import {located} from '../../model/location.js'

/** Shared state of one libvirt XML read: where we are and what went wrong so far. */
export interface ReadContext {
  readonly file?: string
  readonly diagnostics: Diagnostic[]
  /** The libvirt aimed at: its parser's disk order depends on the release (disk-order.ts). */
  readonly target?: LibvirtTarget
}

/** Handles one child element; `path` is its slash path from `domain` (`domain/devices/disk`). */
export type ChildHandler = (child: XmlNode, path: string) => void

function place(ctx: ReadContext, node: XmlNode, path: string) {
  // Key by key, not by spreads (see model/location.ts).
  if (node.line > 0) return located(ctx.file, node.line, node.column, path)
  return ctx.file !== undefined ? {file: ctx.file, path} : {path}
}

/** Add a diagnostic located at `node` (file, line, column of its start tag) and `path`. */
export function report(ctx: ReadContext, severity: Diagnostic['severity'], code: string, message: string, node: XmlNode, path: string, hint?: string): void {
  ctx.diagnostics.push(diag(code, severity, message, place(ctx, node, path), hint))
}

/**
 * Dispatch the child elements of `node` to `handlers` by name. A child nobody handles is not
 * dropped silently: it becomes an `UNSUPPORTED` warning at its line, so the user knows that
 * converting back (to xl/xm) or re-writing the XML will lose it.
 */
export function eachChild(ctx: ReadContext, node: XmlNode, path: string, handlers: Readonly<Record<string, ChildHandler>>): void {
  for (const c of node.children) {
    const p = `${path}/${c.name}`
    const h = handlers[c.name]
    if (h) {
      checkAttributes(ctx, c, p)
      h(c, p)
    } else report(ctx, 'warning', 'UNSUPPORTED', `<${c.name}> is not supported by xenlift and is ignored`, c, p)
  }
}

/** Report attributes of `node` the reader does not understand (KNOWN_ATTRIBUTES). */
export function checkAttributes(ctx: ReadContext, node: XmlNode, path: string): void {
  const local = node.name.slice(node.name.indexOf(':') + 1)
  const known = KNOWN_ATTRIBUTES[local]
  if (known === undefined) return
  for (const a of Object.keys(node.attrs)) {
    if (known.includes(a) || a.startsWith('xmlns:')) continue
    report(ctx, 'warning', 'UNSUPPORTED', `attribute ${a}='${node.attrs[a]}' of <${node.name}> is not supported by xenlift and is ignored`, node, `${path}/@${a}`)
  }
}

/** Children of `node` with the given name (for elements read as a whole list). */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name)
}

/** An integer attribute (decimal, or hex with 0x as libvirt accepts for PCI addresses). */
export function intAttr(ctx: ReadContext, node: XmlNode, name: string, path: string): number | undefined {
  const v = node.attrs[name]
  if (v === undefined) return undefined
  const n = parseIntText(v)
  if (n === undefined) report(ctx, 'error', 'BAD-VALUE', `${name}='${v}' is not an integer`, node, `${path}/@${name}`)
  return n
}

/** `target[name] = intAttr(…)` when the attribute is there (an optional integer field named like the attribute). */
export function setIntAttr<K extends string>(ctx: ReadContext, node: XmlNode, name: K, path: string, target: {[P in K]?: number}): void {
  const n = intAttr(ctx, node, name, path)
  if (n !== undefined) target[name] = n
}

/** Decimal (optionally signed) or `0x` hex integer text; undefined for anything else. */
export function parseIntText(v: string): number | undefined {
  const t = v.trim()
  if (/^[+-]?\d+$/.test(t)) return Number(t)
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16)
  return undefined
}

/** `yes`/`no` (also `on`/`off`) attribute; anything else is an error. */
export function yesNoAttr(ctx: ReadContext, node: XmlNode, name: string, path: string): boolean | undefined {
  const v = node.attrs[name]
  if (v === undefined) return undefined
  if (v === 'yes' || v === 'on') return true
  if (v === 'no' || v === 'off') return false
  report(ctx, 'error', 'BAD-VALUE', `${name}='${v}' must be yes or no`, node, `${path}/@${name}`)
  return undefined
}

/** Attribute restricted to a closed set of values; others are reported and dropped. */
export function enumAttr<T extends string>(ctx: ReadContext, node: XmlNode, name: string, allowed: readonly T[], path: string): T | undefined {
  const v = node.attrs[name]
  if (v === undefined) return undefined
  if ((allowed as readonly string[]).includes(v)) return v as T
  report(ctx, 'warning', 'UNSUPPORTED', `${name}='${v}' is not supported (expected ${allowed.join(', ')})`, node, `${path}/@${name}`)
  return undefined
}

/** libvirt memory units (virScaleInteger): to KiB, rounding up as libvirt does. */
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1000,
  k: 1024,
  kib: 1024,
  mb: 1e6,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1e9,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1e12,
  t: 1024 ** 4,
  tib: 1024 ** 4,
}

export function memoryKiB(ctx: ReadContext, node: XmlNode, value: string, unit: string | undefined, path: string): number | undefined {
  const n = parseIntText(value)
  const scale = UNIT_BYTES[(unit ?? 'KiB').toLowerCase()]
  if (n === undefined || n < 0 || scale === undefined) {
    report(ctx, 'error', 'BAD-VALUE', `memory '${value}'${unit ? ` ${unit}` : ''} is not a size`, node, path)
    return undefined
  }
  return Math.ceil((n * scale) / 1024)
}
