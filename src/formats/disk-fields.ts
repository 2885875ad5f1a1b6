import type {DiskFields} from './xen-common/disk-written.js'
import {readXmDisk} from './xen-common/xm-disk-spec.js'
import {readXlDisk} from './xl/disk-spec.js'

/**
 * A disk string's fields as written, read by its grammar's one reader: libxlu's scanner for xl
 * (`readXlDisk`), xend's comma split for xm (`readXmDisk`) — the readers the converters map.
 * An xl spec in an xm file (`vdev=`, `target=`, a positional format), which the xm converter
 * refuses as xl, is read in xl's grammar.
 */
export function diskFields(text: string, xl: boolean): DiskFields {
  if (xl) return readXlDisk(text).written
  const xm = readXmDisk(text)
  return xm.xlSyntax ? readXlDisk(text).written : xm.written
}
