/**
 * Path lookups over an SXP tree with libvirt's semantics (`src/util/virsexpr.c`,
 * `sexpr_lookup`/`sexpr_node`/`sexpr_int`/`sexpr_has`), so the mapping reads like
 * `xenParseSxpr`: a path `image/hvm/kernel` is walked from the root taking the **first** child
 * list whose head atom matches at each level (no backtracking: a key given twice → first wins).
 */
import type {ExtraValue, Location} from '../../model/domain.js'
import type {SxpAtom, SxpList, SxpNode} from './sxp-node.js'
import {withPath} from '../../model/location.js'

/** The head atom's text of a list (`device` for `(device …)`). */
export function headOf(node: SxpNode | undefined): string | undefined {
  if (!node || node.kind !== 'list') return undefined
  const h = node.items[0]
  return h && h.kind === 'atom' ? h.value : undefined
}

/** First child list of `list` whose head is `key`. */
export function childList(list: SxpList, key: string): SxpList | undefined {
  for (let i = 1; i < list.items.length; i++) {
    const c = list.items[i] as SxpNode
    if (c.kind === 'list' && headOf(c) === key) return c
  }
  return undefined
}

/** All child lists of `list` whose head is `key`, in order. */
export function childLists(list: SxpList, key: string): SxpList[] {
  const out: SxpList[] = []
  for (let i = 1; i < list.items.length; i++) {
    const c = list.items[i] as SxpNode
    if (c.kind === 'list' && headOf(c) === key) out.push(c)
  }
  return out
}

/** The list at `path` below `root` (root's own head is not part of the path), like `sexpr_lookup_key`. */
export function lookupList(root: SxpList, path: string): SxpList | undefined {
  // Walked in place (no split, no substrings): the mapping makes dozens of lookups per domain
  // and the per-call arrays showed up in CPU profiles.
  let cur: SxpList | undefined = root
  let start = 0
  for (;;) {
    const slash = path.indexOf('/', start)
    const end = slash < 0 ? path.length : slash
    cur = childListAt(cur, path, start, end)
    if (!cur || slash < 0) return cur
    start = slash + 1
  }
}

/** {@link childList} for the key `path.slice(start, end)`, compared without slicing. */
function childListAt(list: SxpList, path: string, start: number, end: number): SxpList | undefined {
  const len = end - start
  const items = list.items
  for (let i = 1; i < items.length; i++) {
    const c = items[i] as SxpNode
    if (c.kind !== 'list') continue
    const h = c.items[0]
    if (h !== undefined && h.kind === 'atom' && h.value.length === len && path.startsWith(h.value, start)) return c
  }
  return undefined
}

/** `sexpr_has`: the key exists, even as an empty `(key)`. */
export function hasKey(root: SxpList, path: string): boolean {
  return lookupList(root, path) !== undefined
}

/** The atom holding the value of `(key value)`, like `sexpr_node`; undefined for `(key)` or `(key (…))`. */
export function valueAtom(root: SxpList, path: string): SxpAtom | undefined {
  const l = lookupList(root, path)
  const v = l?.items[1]
  return v && v.kind === 'atom' ? v : undefined
}

/** The text of `(key value)`; undefined when absent or not an atom. */
export function valueText(root: SxpList, path: string): string | undefined {
  return valueAtom(root, path)?.value
}

/**
 * `sexpr_node_copy`: like {@link valueText}, but an empty value counts as absent. libvirt
 * reads name, description, the OS strings and device_model this way (so `(kernel '')` is no
 * kernel), and devices with plain `sexpr_node` (so `(bridge '')` is an empty bridge name).
 */
export function copyText(root: SxpList, path: string): string | undefined {
  const v = valueAtom(root, path)?.value
  return v === '' ? undefined : v
}

/**
 * C `strtol(value, NULL, 10)`: leading blanks, optional sign, then digits; the rest is
 * ignored and no digits read as 0 (libvirt's `sexpr_int`; a missing key is also 0).
 */
export function strtol(text: string | undefined): number {
  if (text === undefined) return 0
  const m = /^\s*([+-]?\d+)/.exec(text)
  return m ? Number.parseInt(m[1] as string, 10) : 0
}

/** `sexpr_int`: the leading integer of the value at `path`, 0 when absent. */
export function intOf(root: SxpList, path: string): number {
  return strtol(valueText(root, path))
}

/**
 * The `(k v)` pairs of a XenAPI dict value: xend writes `(vcpus_params ((weight 256) (cap 0)))`
 * (one list of pairs); hand-written files may have `(opts (a 1) (b 2))`. Both are accepted.
 */
export function dictEntries(list: SxpList | undefined): SxpList[] {
  if (!list) return []
  const rest = list.items.slice(1)
  const only = rest[0]
  if (rest.length === 1 && only?.kind === 'list' && only.items.every((i) => i.kind === 'list')) {
    return only.items as SxpList[]
  }
  return rest.filter((i): i is SxpList => i.kind === 'list')
}

/** Value of key `k` in a XenAPI dict `(name ((k v) …))`. */
export function dictValue(list: SxpList | undefined, key: string): string | undefined {
  for (const e of dictEntries(list)) {
    const k = e.items[0]
    const v = e.items[1]
    if (k?.kind === 'atom' && k.value === key && v?.kind === 'atom') return v.value
  }
  return undefined
}

/** Where a node stands, with the SXP path the message is about. */
export function locOf(node: SxpNode | undefined, path: string, fallback?: Location): Location {
  const l = node?.loc ?? fallback
  if (!l) return {line: 0, column: 0, path}
  return withPath(l, path)
}

/** A tree as a plain value for `Domain.extra` (atoms → strings, lists → arrays). */
export function toExtra(node: SxpNode): ExtraValue {
  if (node.kind === 'atom') return node.value
  return node.items.map(toExtra)
}

/** The value part of `(key v…)` for `extra`: a single atom as a string, else the list of values. */
export function extraValueOf(list: SxpList): ExtraValue {
  const rest = list.items.slice(1)
  if (rest.length === 1) return toExtra(rest[0] as SxpNode)
  return rest.map(toExtra)
}
