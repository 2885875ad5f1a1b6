import {diskFields} from '../formats/disk-fields.js'
import {sourceChain, type DiskFields} from '../formats/xen-common/disk-written.js'
import type {Location} from '../model/domain.js'
import {asStrings, locateIn, setting} from './config-view.js'
import type {DomainContext} from './rule.js'
import {sxpDevices, sxpHead, sxpText, sxpValue} from './sxp-query.js'
import {withPath} from '../model/location.js'

/**
 * One disk as the input wrote it, before any mapping: what the DISK-* rules look at. xm/xl
 * strings are read by src/formats' one reader per grammar (the converters map the same
 * reading); SXP `(device (vbd …))` lists give their atoms here.
 */
export interface DiskSpec extends DiskFields {
  /** SXP device head (`vbd`, `tap`, `tap2`); absent for xm/xl. */
  readonly sxpHead?: string
  readonly bootable?: boolean
  readonly text: string
  readonly loc?: Partial<Location>
}

/** Disk specs of a domain from the raw input (xm/xl `disk = [...]` or SXP `(device (vbd …))`). */
export function diskSpecs(ctx: DomainContext): DiskSpec[] {
  if (ctx.sxp) return sxpDisks(ctx)
  const s = setting(ctx, 'disk')
  if (s === undefined) return []
  return asStrings(s).map((text) => ({...diskFields(text, ctx.native?.format === 'xl'), text, ...withLoc(locateIn(s, text))}))
}

function withLoc(loc: Partial<Location> | undefined): {loc?: Partial<Location>} {
  return loc !== undefined ? {loc} : {}
}

function sxpDisks(ctx: DomainContext): DiskSpec[] {
  if (!ctx.sxp) return []
  return sxpDevices(ctx.sxp, ['vbd', 'tap', 'tap2']).map((d) => {
    const uname = sxpValue(d, 'uname')
    const backend = sxpValue(d, 'backend')?.value
    const source = uname?.value ?? ''
    const chain = sourceChain(source)
    return {
      source,
      prefixes: chain.prefixes,
      path: chain.path,
      vdev: sxpValue(d, 'dev')?.value ?? '',
      mode: sxpValue(d, 'mode')?.value ?? '',
      positional: 3,
      sxpHead: sxpHead(d) ?? 'vbd',
      bootable: sxpValue(d, 'bootable')?.value === '1',
      ...(backend !== undefined ? {backend} : {}),
      text: sxpText(d),
      loc: withPath(uname?.loc ?? d.loc, `domain/device/${sxpHead(d) ?? 'vbd'}`),
    }
  })
}
