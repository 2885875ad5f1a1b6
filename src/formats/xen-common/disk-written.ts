/**
 * A disk's fields as written, before any mapping or default: what the compatibility rules
 * (src/checks) judge. Each disk grammar has one reader that produces this record and that its
 * converter then maps: xm's `SOURCE,VDEV,MODE[,backend[,protocol]]` splitter (`readXmDisk`,
 * xm-disk-spec.ts), libxlu's scanner for xl (`readXlDisk`, xl/disk-spec.ts), and SXP's
 * `(uname …) (dev …) (mode …)` atoms (the SXP tree is already split).
 */

/** The fields of one disk as written. */
export interface DiskFields {
  /** Source with its driver prefix chain (`tap:aio:/img`, `phy:/dev/vg/x`, `iscsi:iqn…`, `/img`). */
  readonly source: string
  /** The driver prefix chain of the source: `tap:aio:/img` → ['tap', 'aio']. */
  readonly prefixes: readonly string[]
  /** The source after its prefixes (`/img`; a DRBD resource name after `drbd:`). */
  readonly path: string
  /** Virtual device with any `ioemu:` prefix and `:cdrom` suffix as written (xl `devtype=cdrom` adds `:cdrom`). */
  readonly vdev: string
  /** Mode/access as written (`w!` too, though xl refuses it); '' when the spec gives none. */
  readonly mode: string
  /** The number of positional comma fields (xm: > 3 means backend/protocol fields). */
  readonly positional: number
  /** Backend domain (xm's 4th field, xl `backend=`, SXP `(backend …)`). */
  readonly backend?: string
  /** Image format as written (xl `format=` or the positional format slot). */
  readonly format?: string
}

/**
 * The driver prefix chain of an xm or SXP source, as xend's `blkif.parse_uname` peels it:
 * `tap:aio:/x` → ['tap', 'aio'], path `/x`; `/x` → [], `/x`. A `name://` URL or a path that
 * starts with `/` ends the chain.
 */
export function sourceChain(source: string): {prefixes: string[]; path: string} {
  const prefixes: string[] = []
  let rest = source
  for (;;) {
    const m = /^([A-Za-z][\w-]*):(?!\/\/)/.exec(rest)
    if (m?.[1] === undefined) break
    prefixes.push(m[1])
    rest = rest.slice(m[0].length)
    if (rest.startsWith('/')) break
  }
  return {prefixes, path: rest}
}
