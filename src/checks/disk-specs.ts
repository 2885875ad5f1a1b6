import type {Location} from '../model/domain.js'
import {asStrings, locateIn, setting} from './config-view.js'
import type {DomainContext} from './rule.js'
import {sxpDevices, sxpHead, sxpText, sxpValue} from './sxp-query.js'

/**
 * One disk as the input wrote it, before any mapping: what the DISK-* rules look at. xm and SXP
 * use `SOURCE,VDEV,MODE` (xend `preprocess_disk` also took a 4th backend and 5th protocol
 * field); xl adds `key=value` items and a 4-field positional form `target,format,vdev,access`.
 */
export interface DiskSpec {
  /** Source with its driver prefix (`tap:aio:/img`, `phy:/dev/vg/x`, `iscsi:iqn…`, `/img`). */
  readonly source: string
  /** Virtual device with any `ioemu:` prefix and `:cdrom` suffix as written. */
  readonly vdev: string
  readonly mode: string
  /** The number of positional comma fields (xm: > 3 means backend/protocol fields). */
  readonly positional: number
  /** SXP device head (`vbd`, `tap`, `tap2`); absent for xm/xl. */
  readonly sxpHead?: string
  readonly bootable?: boolean
  readonly backend?: string
  readonly text: string
  readonly loc?: Partial<Location>
}

/** Disk specs of a domain from the raw input (xm/xl `disk = [...]` or SXP `(device (vbd …))`). */
export function diskSpecs(ctx: DomainContext): DiskSpec[] {
  if (ctx.sxp) return sxpDisks(ctx)
  const s = setting(ctx, 'disk')
  if (s === undefined) return []
  return asStrings(s).map((text) => ({...parseDiskString(text, ctx.native?.format === 'xl'), text, ...withLoc(locateIn(s, text))}))
}

function withLoc(loc: Partial<Location> | undefined): {loc?: Partial<Location>} {
  return loc !== undefined ? {loc} : {}
}

const XL_DISK_KEYS = /^(target|vdev|access|format|devtype|backendtype|backend|script|discard|no-discard|direct-io-safe)(=|$)/

/** Parse one disk string the way xend (`SOURCE,VDEV,MODE[,backend[,protocol]]`) or libxlu did. */
export function parseDiskString(text: string, xl: boolean): Omit<DiskSpec, 'text' | 'loc'> {
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

function sxpDisks(ctx: DomainContext): DiskSpec[] {
  if (!ctx.sxp) return []
  return sxpDevices(ctx.sxp, ['vbd', 'tap', 'tap2']).map((d) => {
    const uname = sxpValue(d, 'uname')
    const backend = sxpValue(d, 'backend')?.value
    return {
      source: uname?.value ?? '',
      vdev: sxpValue(d, 'dev')?.value ?? '',
      mode: sxpValue(d, 'mode')?.value ?? '',
      positional: 3,
      sxpHead: sxpHead(d) ?? 'vbd',
      bootable: sxpValue(d, 'bootable')?.value === '1',
      ...(backend !== undefined ? {backend} : {}),
      text: sxpText(d),
      loc: {...(uname?.loc ?? d.loc), path: `domain/device/${sxpHead(d) ?? 'vbd'}`},
    }
  })
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
