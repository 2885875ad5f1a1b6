/**
 * libvirt's disk order restated for tests, independently of src/formats/libvirt/disk-order.ts:
 * disks grouped by bus in the order each bus first appears, each group stably sorted by
 * virDiskNameToIndex (-1 for a name it cannot read). What virDomainDiskInsert's one-by-one
 * insertion amounts to when every disk has its bus.
 */
import {diskNameToIndex} from '../../src/formats/libvirt/disk-address.js'

export function diskOrderSpec<T>(items: readonly T[], key: (t: T) => {dev: string; bus: string}): T[] {
  const buses = [...new Set(items.map((i) => key(i).bus))]
  const idx = (t: T) => diskNameToIndex(key(t).dev) ?? -1
  return buses.flatMap((b) => items.filter((i) => key(i).bus === b).sort((x, y) => idx(x) - idx(y)))
}
