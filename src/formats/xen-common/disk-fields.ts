/**
 * A disk string's fields as written, the way xend read them (`SOURCE,VDEV,MODE[,backend[,protocol]]`,
 * `preprocess_disk`) and, for xl's `key=value` and 4-field positional forms, as libxlu lays them
 * out: the source with its driver prefix chain (`tap:aio:/img`), the virtual device with any
 * `ioemu:` prefix and `:cdrom` suffix, the mode, the number of positional fields. Nothing is
 * mapped or defaulted: this is what the compatibility rules (src/checks) judge, while
 * xm-disk-spec.ts and xl/disk-spec.ts turn the same strings into `<disk>`s by libvirt's and
 * libxlu's rules.
 */

/** The fields of one disk string as written. */
export interface DiskFields {
  /** Source with its driver prefix (`tap:aio:/img`, `phy:/dev/vg/x`, `iscsi:iqn…`, `/img`). */
  readonly source: string
  /** Virtual device with any `ioemu:` prefix and `:cdrom` suffix as written. */
  readonly vdev: string
  readonly mode: string
  /** The number of positional comma fields (xm: > 3 means backend/protocol fields). */
  readonly positional: number
  readonly backend?: string
}

const XL_DISK_KEYS = /^(target|vdev|access|format|devtype|backendtype|backend|script|discard|no-discard|direct-io-safe)(=|$)/

/** One disk string's fields, as xend (`SOURCE,VDEV,MODE[,backend[,protocol]]`) or libxlu laid them out. */
export function diskFields(text: string, xl: boolean): DiskFields {
  const parts = text.split(',').map((p) => p.trim())
  const keyed = parts.some((p) => XL_DISK_KEYS.test(p))
  if (keyed) {
    const kv: Record<string, string> = {}
    const pos: string[] = []
    // libxlu: `target=` eats the rest of the spec literally, commas included.
    const t = text.indexOf('target=')
    const head = t >= 0 ? text.slice(0, t) : text
    for (const p of head.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
      const m = /^([a-z-]+)=(.*)$/.exec(p)
      if (m?.[1] !== undefined) kv[m[1]] = m[2] ?? ''
      else pos.push(p)
    }
    if (t >= 0) kv.target = text.slice(t + 'target='.length)
    const source = kv.target ?? pos[0] ?? ''
    const script = kv.script !== undefined ? `${kv.script.replace(/^block-/, '')}:` : ''
    return {
      source: script + source,
      vdev: (kv.vdev ?? pos[pos.length >= 3 ? 2 : 1] ?? '') + (kv.devtype === 'cdrom' ? ':cdrom' : ''),
      mode: kv.access ?? pos[3] ?? 'rw',
      positional: pos.length,
      ...(kv.backend !== undefined ? {backend: kv.backend} : {}),
    }
  }
  if (xl && parts.length === 4) {
    return {source: parts[0] ?? '', vdev: parts[2] ?? '', mode: parts[3] ?? '', positional: 4}
  }
  return {
    source: parts[0] ?? '',
    vdev: parts[1] ?? '',
    mode: parts[2] ?? '',
    positional: parts.length,
    ...(parts[3] !== undefined && parts[3] !== '' ? {backend: parts[3]} : {}),
  }
}

/** The driver prefix chain of a source: `tap:aio:/x` → ['tap', 'aio']; `/x` → []. */
export function diskPrefixes(source: string): string[] {
  const out: string[] = []
  let rest = source
  for (;;) {
    const m = /^([A-Za-z][\w-]*):(?!\/\/)/.exec(rest)
    if (m?.[1] === undefined) break
    // A Windows-like or IPv6-like source never appears here; stop at the path.
    out.push(m[1])
    rest = rest.slice(m[0].length)
    if (rest.startsWith('/')) break
  }
  return out
}

/** The path part after all prefixes. */
export function diskPath(source: string): string {
  const prefixes = diskPrefixes(source)
  let rest = source
  for (const p of prefixes) rest = rest.slice(p.length + 1)
  return rest
}
