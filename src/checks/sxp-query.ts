import type {Location} from '../model/domain.js'
import type {SxpList, SxpNode} from '../formats/sxp/sxp-node.js'

/** The head symbol of an SXP list (`vbd` in `(vbd (uname …))`), if it is an atom. */
export function sxpHead(node: SxpNode | undefined): string | undefined {
  if (node?.kind !== 'list') return undefined
  const first = node.items[0]
  return first?.kind === 'atom' ? first.value : undefined
}

/** Child lists `(name …)` of a list, in order. */
export function sxpChildren(list: SxpList, name: string): SxpList[] {
  const out: SxpList[] = []
  for (const it of list.items) if (it.kind === 'list' && sxpHead(it) === name) out.push(it)
  return out
}

export function sxpChild(list: SxpList, name: string): SxpList | undefined {
  return sxpChildren(list, name)[0]
}

/** The value of `(name value)`: the second item when it is an atom. */
export function sxpValue(list: SxpList, name: string): {value: string; loc: Location} | undefined {
  const c = sxpChild(list, name)
  const v = c?.items[1]
  if (v?.kind !== 'atom') return undefined
  return {value: v.value, loc: v.loc}
}

/** Walk a `/`-separated path of heads below `list` (`image/hvm/kernel`); `*` matches any head. */
export function sxpFind(list: SxpList, path: string): SxpList | undefined {
  let cur: SxpList | undefined = list
  for (const part of path.split('/')) {
    if (cur === undefined) return undefined
    const here: SxpList = cur
    cur = part === '*' ? here.items.find((i): i is SxpList => i.kind === 'list' && sxpHead(i) !== undefined && i !== here.items[0]) : sxpChild(here, part)
  }
  return cur
}

/** The device blocks of a kind: the inner `(vbd …)` lists of `(device (vbd …))`. */
export function sxpDevices(domain: SxpList, kind: string | readonly string[]): SxpList[] {
  const kinds = typeof kind === 'string' ? [kind] : kind
  const out: SxpList[] = []
  for (const dev of sxpChildren(domain, 'device')) {
    for (const it of dev.items.slice(1)) {
      const h = sxpHead(it)
      if (it.kind === 'list' && h !== undefined && kinds.includes(h)) out.push(it)
    }
  }
  return out
}

/** The `image` kind block (`(linux …)` or `(hvm …)`), if any. */
export function sxpImage(domain: SxpList): SxpList | undefined {
  const image = sxpChild(domain, 'image')
  return image?.items.find((i): i is SxpList => i.kind === 'list')
}

/** SXP text of a node, as xend would print it on one line (for evidence). */
export function sxpText(node: SxpNode): string {
  if (node.kind === 'atom') {
    if (node.quote === 'none' && /^[^\s()'"]+$/.test(node.value)) return node.value
    return `'${node.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  }
  return `(${node.items.map(sxpText).join(' ')})`
}
