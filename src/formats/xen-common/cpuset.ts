/**
 * libvirt bitmaps (`cpus = "0-7,^1"`): `virBitmapParse` then `virBitmapFormat`, which is what
 * xm/xl `cpus` and vnuma `vcpus=` go through (xen-formats.md §5.1). Grammar: comma-separated
 * items, each `N`, `N-M` or `^N` (exclude), whitespace allowed around items; `all`, `nodes:…`,
 * an empty string, `3-1`, `1-` and `^1-2` are errors. Re-printed normalised (`0,2-7`).
 */

/** Largest bitmap libvirt accepts for a cpumask (VIR_DOMAIN_CPUMASK_LEN). */
const MAX_BITS = 4096

export function parseBitmap(text: string, maxBits = MAX_BITS): Set<number> | undefined {
  const set = new Set<number>()
  const items = text.split(',')
  let any = false
  for (const raw of items) {
    const item = raw.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
    let m = /^\^([0-9]+)$/.exec(item)
    if (m) {
      const n = Number(m[1])
      if (n >= maxBits) return undefined
      set.delete(n)
      any = true
      continue
    }
    m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item)
    if (!m) return undefined
    const lo = Number(m[1])
    const hi = m[2] !== undefined ? Number(m[2]) : lo
    if (hi < lo || hi >= maxBits) return undefined
    for (let i = lo; i <= hi; i++) set.add(i)
    any = true
  }
  return any ? set : undefined
}

/** virBitmapFormat: ranges of consecutive bits, `''` for an empty map. */
export function formatBitmap(bits: ReadonlySet<number>): string {
  const sorted = [...bits].sort((a, b) => a - b)
  const parts: string[] = []
  let i = 0
  while (i < sorted.length) {
    const start = sorted[i] as number
    let end = start
    while (sorted[i + 1] === end + 1) {
      end++
      i++
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`)
    i++
  }
  return parts.join(',')
}

/** Parse and re-print, or undefined when libvirt would reject it. */
export function normaliseCpuset(text: string): string | undefined {
  const bits = parseBitmap(text)
  return bits === undefined ? undefined : formatBitmap(bits)
}
