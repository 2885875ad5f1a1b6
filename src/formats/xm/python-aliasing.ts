import type {Binding} from './python-literal.js'
import type {PyValue} from './python-value.js'

/**
 * Python aliasing: other names bound to the very same list or dict object as `name`
 * (`same`), or to a value holding it (`holding`, e.g. `disk = [b]`). The search has a
 * budget per file; past it every name holding a container counts as holding, which is safe
 * (it only makes values unknown) and keeps the parser linear.
 */
export function aliasesOf(bindings: ReadonlyMap<string, Binding>, name: string, budget: {left: number}): {same: string[]; holding: string[]} {
  const b = bindings.get(name)
  const same: string[] = []
  const holding: string[] = []
  const mine = objectsOf(b)
  const targets: readonly PyValue[] | 'any' = mine === 'any' ? 'any' : mine.filter((o) => o.t === 'list' || o.t === 'dict')
  if (targets !== 'any' && targets.length === 0) return {same, holding}
  const isTarget = (v: PyValue): boolean => targets === 'any' || targets.includes(v)
  const holds = (v: PyValue): boolean => {
    if (v.t !== 'list' && v.t !== 'tuple' && v.t !== 'dict') return false
    if (targets === 'any' || --budget.left < 0) return true
    if (v.t === 'dict') return v.v.some(([k, x]) => isTarget(k) || isTarget(x) || holds(k) || holds(x))
    return v.v.some((x) => isTarget(x) || holds(x))
  }
  for (const [n, other] of bindings) {
    if (n === name) continue
    const theirs = objectsOf(other)
    // Only two known bindings of the very same object change together for certain; anything
    // that may share or hold it is "possibly changed", i.e. unknown from here.
    if (b?.kind === 'value' && other.kind === 'value' && other.value === b.value) same.push(n)
    else if (theirs === 'any' || theirs.some((v) => isTarget(v) || holds(v))) holding.push(n)
  }
  return {same, holding}
}

/** The list/dict objects a binding holds or may hold; 'any' when that is not known. */
export function objectsOf(b: Binding | undefined): readonly PyValue[] | 'any' {
  if (!b) return []
  if (b.kind === 'value') return [b.value]
  if (b.anyAlias) return 'any'
  return b.maybe ?? []
}

/** Past this many possible objects a binding is treated as possibly aliasing anything. */
const MAX_MAYBE = 32

export function unknownBinding(why: string, objects: readonly PyValue[] | 'any'): Binding {
  if (objects === 'any') return {kind: 'unknown', why, anyAlias: true}
  const uniq = [...new Set(objects.filter((o) => o.t === 'list' || o.t === 'dict' || o.t === 'tuple'))]
  if (uniq.length > MAX_MAYBE) return {kind: 'unknown', why, anyAlias: true}
  return uniq.length > 0 ? {kind: 'unknown', why, maybe: uniq} : {kind: 'unknown', why}
}

