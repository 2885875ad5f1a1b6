import {parseMac, vifItems} from '../formats/xen-common/vif-spec.js'
import type {Location} from '../model/domain.js'
import {asStrings, locateIn, setting} from './config-view.js'
import type {DomainContext} from './rule.js'
import {sxpDevices, sxpText} from './sxp-query.js'
import {withPath} from '../model/location.js'

/** One vif as written: its `key=value` items (xm/xl string or SXP `(device (vif …))`). */
export interface VifSpec {
  readonly keys: Readonly<Record<string, string>>
  readonly text: string
  readonly loc?: Partial<Location>
}

export function vifSpecs(ctx: DomainContext): VifSpec[] {
  if (ctx.sxp) {
    return sxpDevices(ctx.sxp, 'vif').map((v) => {
      const keys: Record<string, string> = {}
      for (const it of v.items.slice(1)) {
        if (it.kind !== 'list') continue
        const [k, val] = it.items
        if (k?.kind === 'atom' && val?.kind === 'atom') keys[k.value] = val.value
      }
      return {keys, text: sxpText(v), loc: withPath(v.loc, 'domain/device/vif')}
    })
  }
  const s = setting(ctx, 'vif')
  if (s === undefined) return []
  return asStrings(s).map((text) => {
    const loc = locateIn(s, text)
    return {keys: vifKeys(text), text, ...(loc !== undefined ? {loc} : {})}
  })
}

/**
 * `mac=00:16:3e:..,bridge=br0` → {mac, bridge}, read by src/formats' vif tokenizer (what libvirt's
 * xenParseVif sees); the last of a repeated key wins, an item without `=` is a key with an empty
 * value, empty items are skipped.
 */
export function vifKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {}
  for (const {name, value} of vifItems(text)) if (name.trim() !== '') keys[name] = value ?? ''
  return keys
}

/** MAC addresses of a domain, as virMacAddrParse prints them (src/formats' one MAC parser), from the raw vifs or the model. */
export function domainMacs(ctx: DomainContext): {mac: string; loc?: Partial<Location>; text: string}[] {
  const out: {mac: string; loc?: Partial<Location>; text: string}[] = []
  for (const v of vifSpecs(ctx)) {
    const mac = v.keys.mac !== undefined ? parseMac(v.keys.mac) : undefined
    if (mac !== undefined) out.push({mac, text: v.text, ...(v.loc !== undefined ? {loc: v.loc} : {})})
  }
  if (out.length === 0) {
    for (const i of ctx.domain.devices.interfaces) {
      const mac = i.mac !== undefined ? parseMac(i.mac) : undefined
      if (mac !== undefined && mac !== '00:00:00:00:00:00') out.push({mac, text: `mac=${i.mac}`, ...(i.loc !== undefined ? {loc: i.loc} : {})})
    }
  }
  return out
}
