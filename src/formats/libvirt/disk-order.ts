/**
 * libvirt's own disk order. Its XML parser does not keep `<disk>` elements in document order:
 * each parsed disk goes through virDomainDiskInsert (conf/domain_conf.c), which walks the disks
 * already inserted from the last to the first and puts the new one
 *   - before the earliest disk of the same bus whose name sorts after it (virDiskNameToIndex),
 *   - else just after the last disk of the same bus,
 *   - else (a bus not seen yet) at the end.
 * `virsh dumpxml`, `domxml-to-native` and libxl all see that order, so the first disk (the one
 * pygrub boots) can differ from the XML's first `<disk>`. Converting from xl/xm/SXP keeps the
 * config's order, as libvirt's native parsers append.
 *
 * "Same bus" is the bus at insertion time. libvirt 9.0 fills a missing `<target bus>` in only
 * afterwards (virDomainDiskDefPostParse, conf/domain_postparse.c), so there every disk without
 * one shares one group, whatever its name; older releases (4.5) derived it from the name while
 * parsing, before the insert.
 */
import {diag, type Diagnostic} from '../../model/diagnostic.js'
import type {Disk} from '../../model/domain.js'
import type {LibvirtTarget} from './target.js'
import {diskNameToIndex} from './disk-address.js'

/** What virDomainDiskInsert looks at: the target name and the `bus` attribute as written. */
export interface DiskSlot {
  readonly dev: string
  readonly bus?: string | undefined
  /** `<disk device='floppy'>`: the fdc bus when the parser derives the bus (libvirt < 8). */
  readonly floppy?: boolean
}

/** The name-derived bus of libvirt's old parser (virDomainDiskDefParseXML before post-parse took it). */
function nameBus(s: DiskSlot): string {
  if (s.floppy) return 'fdc'
  const m = /^(hd|sd|vd|xvd|ubd)/.exec(s.dev)?.[1]
  return m === undefined ? 'ide' : ({hd: 'ide', sd: 'scsi', vd: 'virtio', xvd: 'xen', ubd: 'uml'} as Record<string, string>)[m] ?? 'ide'
}

/**
 * `items` in the order libvirt's parser keeps them, inserting one by one as virDomainDiskInsert
 * does. Stable: disks of one bus with the same index keep their document order. Returns a new
 * array; `items` is not changed.
 */
export function libvirtDiskOrder<T>(items: readonly T[], slotOf: (item: T) => DiskSlot, target: Pick<LibvirtTarget, 'diskBusFromName'>): T[] {
  const out: {item: T; bus: string; index: number}[] = []
  for (const item of items) {
    const s = slotOf(item)
    // An unset bus is its own group (VIR_DOMAIN_DISK_BUS_NONE) where post-parse fills it later.
    const bus = s.bus ?? (target.diskBusFromName ? nameBus(s) : '')
    // virDiskNameToIndex is -1 for a name it cannot read.
    const index = diskNameToIndex(s.dev) ?? -1
    let at = -1
    for (let i = out.length - 1; i >= 0; i--) {
      const other = out[i] as (typeof out)[number]
      if (other.bus !== bus) continue
      if (other.index > index) at = i
      else if (at === -1) at = i + 1
    }
    out.splice(at === -1 ? out.length : at, 0, {item, bus, index})
  }
  return out.map((x) => x.item)
}

/**
 * The disks of one `<devices>`, as libvirt's parser keeps them, and an info diagnostic when that is not the XML's order: written back as xl/xm, the disks come
 * out in libvirt's order, as `virsh domxml-to-native` writes them.
 */
export function inLibvirtDiskOrder(disks: readonly Disk[], target: Pick<LibvirtTarget, 'diskBusFromName'>): {disks: Disk[]; diagnostic?: Diagnostic} {
  const ordered = libvirtDiskOrder(disks, (d) => ({dev: d.target.dev, bus: d.target.bus, floppy: d.device === 'floppy'}), target)
  const moved = disks.findIndex((d, i) => d !== ordered[i])
  if (moved < 0) return {disks: ordered}
  const names = (ds: readonly Disk[]) => ds.map((d) => d.target.dev).join(', ')
  const first = ordered[0] as Disk
  const firstChanged = first !== disks[0]
  const message =
    `libvirt keeps disks grouped by bus and sorted by name (virDomainDiskInsert): ${names(ordered)}, where the XML lists ${names(disks)}` +
    (firstChanged ? `; the first disk, the one pygrub boots, is ${first.target.dev}, not ${(disks[0] as Disk).target.dev}` : '')
  // At the disk libvirt moves up into the first place that differs.
  const at = (ordered[moved] as Disk).loc
  return {disks: ordered, diagnostic: diag('DISK-ORDER', 'info', message, at, 'list the disks in this order to make it explicit; rename a target to change which one comes first')}
}
