/** Scheduling of the define test: which domains may be defined on the lab at the same time. */

export interface Written {
  readonly id: string
  readonly name: string
  readonly uuid?: string
  readonly xml: string
}

/**
 * Domains that share a name or a UUID cannot be defined at the same time (libvirt refuses a
 * second UUID for a name and a second name for a UUID), and the corpus reuses both a lot
 * (XenGuest1, c7a5fdb0-…): group them (union-find over name and UUID) and define each group
 * one after the other, the groups themselves in parallel.
 */
export function groupByIdentity(items: readonly Written[]): Written[][] {
  const parent = new Map<string, string>()
  const find = (k: string): string => {
    let p = parent.get(k) ?? k
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p
    parent.set(k, p)
    return p
  }
  const union = (a: string, b: string) => parent.set(find(a), find(b))
  for (const w of items) if (w.uuid !== undefined) union(`n:${w.name}`, `u:${w.uuid}`)
  const groups = new Map<string, Written[]>()
  for (const w of items) {
    const root = find(`n:${w.name}`)
    groups.set(root, [...(groups.get(root) ?? []), w])
  }
  return [...groups.values()]
}

/**
 * Deal whole groups into `n` buckets of about equal size (largest group first), each bucket
 * to be run by one sequential virsh worker: no two buckets ever hold the same name or UUID.
 */
export function bucketGroups(groups: readonly Written[][], n: number): Written[][] {
  const buckets: Written[][] = Array.from({length: Math.max(1, n)}, () => [])
  for (const g of [...groups].sort((a, b) => b.length - a.length)) {
    const smallest = buckets.reduce((m, b) => (b.length < m.length ? b : m))
    smallest.push(...g)
  }
  return buckets.filter((b) => b.length > 0)
}
