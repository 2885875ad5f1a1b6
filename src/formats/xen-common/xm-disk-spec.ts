/**
 * One xm `disk` string → a `<disk>`, mirroring libvirt 9.0's `xenParseXMDisk`
 * (`src/libxl/xen_xm.c`; xen-formats.md §6.1, xm column):
 * - exactly `SOURCE,VDEV,MODE` split on the first two commas (a 4th/5th field stays glued to
 *   MODE, which then reads as `w`); fewer than 3 fields → libvirt silently drops the entry;
 * - SOURCE `prefix:path`: the text before the first `:` is the driver name (`file`, `phy`,
 *   `tap`, `tap2`, `iscsi`, …); `tap`/`tap2` take a sub-type (`aio` → raw, else a libvirt
 *   format name; unknown → dropped); no prefix or no source → driver `phy`; driver `phy` →
 *   block device, anything else → file;
 * - VDEV: `ioemu:` stripped, `:cdrom` → CD-ROM, any other `:suffix` removed;
 * - bus: `xvd*` or any non-HVM guest → xen, HVM `sd*` → scsi, other HVM → ide;
 * - MODE exactly `r`/`ro` → read-only, exactly `w!`/`!` → shareable, else read-write.
 * A dropped entry is returned as `skipped` with the reason, for the caller to report.
 */
import type {Disk} from '../../model/domain.js'

/** libvirt's virStorageFileFormat names (VIR_STORAGE_FILE_*), those `tap:NAME:` accepts. */
const STORAGE_FORMATS = new Set([
  'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop',
  'cow', 'qcow', 'qcow2', 'qed', 'vmdk',
])

export type XmDiskResult =
  | {readonly disk: Disk; readonly extraFields?: string; readonly prefix?: string}
  | {readonly skipped: string}

export function parseXmDiskSpec(spec: string, hvm: boolean): XmDiskResult {
  const c1 = spec.indexOf(',')
  if (c1 < 0) return {skipped: `disk '${spec}' has fewer than 3 fields (SOURCE,VDEV,MODE)`}
  let src: string | undefined = c1 === 0 ? undefined : spec.slice(0, c1)
  let head = spec.slice(c1 + 1)
  if (head.startsWith('ioemu:')) head = head.slice(6)
  const c2 = head.indexOf(',')
  if (c2 < 0) return {skipped: `disk '${spec}' has fewer than 3 fields (SOURCE,VDEV,MODE)`}
  let dst = head.slice(0, c2)
  const mode = head.slice(c2 + 1)
  let driverName: string | undefined
  let format: string | undefined
  let prefix: string | undefined
  if (src !== undefined) {
    const colon = src.indexOf(':')
    if (colon >= 0) {
      driverName = src.slice(0, colon)
      prefix = driverName
      src = src.slice(colon + 1)
    }
    if (driverName === 'tap' || driverName === 'tap2') {
      const colon2 = src.indexOf(':')
      if (colon2 < 0) return {skipped: `disk '${spec}': ${driverName}: needs a sub-type (tap:aio:/path)`}
      const sub = src.slice(0, colon2)
      if (sub === 'aio') format = 'raw'
      else if (STORAGE_FORMATS.has(sub)) format = sub
      else return {skipped: `disk '${spec}': unknown ${driverName} sub-type '${sub}'`}
      src = src.slice(colon2 + 1)
    }
  }
  driverName ??= 'phy'
  const type = driverName === 'phy' ? 'block' : 'file'
  let device: Disk['device'] = 'disk'
  const colon = dst.indexOf(':')
  if (colon >= 0) {
    if (dst.slice(colon) === ':cdrom') device = 'cdrom'
    dst = dst.slice(0, colon)
  }
  const bus = dst.startsWith('xvd') || !hvm ? 'xen' : dst.startsWith('sd') ? 'scsi' : 'ide'
  // No format for file/phy: libxl's device post-parse (formats/libvirt/defaults.ts) makes it raw.
  const disk: Disk = {type, device, driver: {name: driverName, ...(format !== undefined ? {type: format} : {})}, target: {dev: dst, bus}}
  if (src !== undefined) disk.source = type === 'block' ? {dev: src} : {file: src}
  // libvirt's disk post-parse makes every CD-ROM read-only, whatever the mode says.
  if (mode === 'r' || mode === 'ro' || device === 'cdrom') disk.readonly = true
  if (mode === 'w!' || mode === '!') disk.shareable = true
  const extra = /^[^,]*,/.test(mode) ? mode : undefined
  return {disk, ...(extra !== undefined ? {extraFields: extra} : {}), ...(prefix !== undefined ? {prefix} : {})}
}
