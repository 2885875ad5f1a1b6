import type {Location} from '../model/domain.js'
import type {ConfigEntry, ConfigValue, NativeConfig} from '../model/native-config.js'
import type {SxpList} from '../formats/sxp/sxp-node.js'
import type {DomainContext} from './rule.js'
import {sxpChild, sxpImage, sxpText} from './sxp-query.js'
import {withPath} from '../model/location.js'

/**
 * A setting as the input wrote it, whichever the format: the xm/xl key (last assignment wins,
 * as xm's Python and xl do) or the SXP `(key value)` at the top level, in `image/<kind>` or in
 * `platform`. Rules that look at syntax use this; rules about meaning use the Domain model.
 */
export interface Setting {
  readonly key: string
  /** Statically known value; for SXP an atom string or the list's items as strings. */
  readonly value: ConfigValue | undefined
  /** Source text for evidence. */
  readonly text: string
  readonly loc?: Partial<Location>
}

/** Last entry per key of a native config (xm/xl: the last assignment wins), built once per config. */
const lastEntries = new WeakMap<NativeConfig, Map<string, ConfigEntry>>()

function lastEntryOf(cfg: NativeConfig, key: string): ConfigEntry | undefined {
  let m = lastEntries.get(cfg)
  if (m === undefined) {
    m = new Map()
    for (const e of cfg.entries) m.set(e.key, e)
    lastEntries.set(cfg, m)
  }
  return m.get(key)
}

/** Where SXP settings live, found once per domain list: top level, image/<kind>, platform. */
const sxpPlaces = new WeakMap<SxpList, [string, SxpList | undefined][]>()

function placesOf(sxp: SxpList): [string, SxpList | undefined][] {
  let places = sxpPlaces.get(sxp)
  if (places === undefined) {
    const image = sxpImage(sxp)
    places = [
      ['domain', sxp],
      [`domain/image/${imageKind(image)}`, image],
      ['domain/platform', sxpChild(sxp, 'platform')],
    ]
    sxpPlaces.set(sxp, places)
  }
  return places
}

export function setting(ctx: DomainContext, key: string, sxpKey: string = key): Setting | undefined {
  if (ctx.native) {
    const e = lastEntryOf(ctx.native, key)
    if (e === undefined) return undefined
    return {key, value: e.value, text: `${key} = ${e.text}`, loc: withPath(e.loc, key)}
  }
  if (ctx.sxp) {
    for (const [prefix, list] of placesOf(ctx.sxp)) {
      if (list === undefined) continue
      const c = sxpChild(list, sxpKey)
      if (c === undefined) continue
      const rest = c.items.slice(1)
      const first = rest[0]
      const value: ConfigValue | undefined =
        rest.length === 1 && first?.kind === 'atom' ? first.value : rest.map((r) => (r.kind === 'atom' ? r.value : sxpText(r)))
      return {key: sxpKey, value, text: sxpText(c), loc: withPath(c.loc, `${prefix}/${sxpKey}`)}
    }
  }
  return undefined
}

function imageKind(image: ReturnType<typeof sxpImage>): string {
  const h = image?.items[0]
  return h?.kind === 'atom' ? h.value : '?'
}

/** A setting is "on" when it is a non-zero number, a true bool or a non-empty, non-"0" string. */
export function isOn(s: Setting | undefined): boolean {
  if (s === undefined) return false
  const v = s.value
  if (v === undefined || v === null) return s.text.trim() !== ''
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'boolean') return v
  if (typeof v === 'string') return v !== '' && v !== '0' && v.toLowerCase() !== 'false' && v.toLowerCase() !== 'none'
  if (Array.isArray(v)) return v.length > 0
  return true
}

/** A setting's value as a list of strings (an xm list, one string, or SXP items). */
export function asStrings(s: Setting | undefined): string[] {
  if (s === undefined || s.value === undefined || s.value === null) return []
  const v = s.value
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
  return [String(v)]
}

/** Location of `needle` inside a multi-line xm/xl value that starts at `loc` (for list elements). */
export function locateIn(s: Setting, needle: string): Partial<Location> | undefined {
  const loc = s.loc
  if (loc?.line === undefined) return loc
  const i = s.text.indexOf(needle)
  if (i < 0) return loc
  const before = s.text.slice(0, i)
  const nl = before.split('\n').length - 1
  if (nl === 0) return loc
  return {...loc, line: loc.line + nl, column: i - before.lastIndexOf('\n')}
}

/** Is this an HVM domain? The model decides (every reader sets `os.kind`). */
export function isHvm(ctx: DomainContext): boolean {
  return ctx.domain.os.kind === 'hvm'
}
