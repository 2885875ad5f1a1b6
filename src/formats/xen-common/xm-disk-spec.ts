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
 *
 * The string is split once, by `readXmDisk`: libvirt's reading above maps its comma fields, and
 * the same split gives the fields as written that the compatibility rules judge.
 */
import type {Disk} from '../../model/domain.js'
import {sourceChain, type DiskFields} from './disk-written.js'

/** libvirt's virStorageFileFormat names (VIR_STORAGE_FILE_*), those `tap:NAME:` accepts. */
const STORAGE_FORMATS = new Set([
  'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop',
  'cow', 'qcow', 'qcow2', 'qed', 'vmdk',
])

export type XmDiskResult =
  | {readonly disk: Disk; readonly extraFields?: string; readonly prefix?: string}
  | {readonly skipped: string}

/** One xm disk string, split once on its commas. */
export interface XmDiskReading {
  readonly text: string
  /** The comma fields, untrimmed: libvirt maps SOURCE, VDEV and MODE with the rest glued to it. */
  readonly fields: readonly string[]
  /** The fields as xend's `preprocess_disk` laid them out (trimmed), for the compatibility rules. */
  readonly written: DiskFields
  /** Written in xl's grammar (`vdev=`, `target=`, … or a positional format `raw`): not an xm spec. */
  readonly xlSyntax: boolean
}

const XL_KEY = /^(vdev|target|format|access|devtype|backendtype)=/
const XL_FORMAT = /^(raw|qcow2?|vhd|qed)$/

/** The one reader of an xm disk string: `SOURCE,VDEV,MODE[,backend[,protocol]]`. */
export function readXmDisk(text: string): XmDiskReading {
  const fields = text.split(',')
  const source = (fields[0] ?? '').trim()
  const chain = sourceChain(source)
  const backend = fields[3]?.trim()
  const written: DiskFields = {
    source,
    prefixes: chain.prefixes,
    path: chain.path,
    vdev: (fields[1] ?? '').trim(),
    mode: (fields[2] ?? '').trim(),
    positional: fields.length,
    ...(backend !== undefined && backend !== '' ? {backend} : {}),
  }
  const xlSyntax = fields.some((f) => XL_KEY.test(f.trimStart())) || (fields.length >= 3 && XL_FORMAT.test(fields[1] ?? ''))
  return {text, fields, written, xlSyntax}
}

/** libvirt's `xenParseXMDisk` over a read xm disk string. */
export function xmDiskToDisk(read: XmDiskReading, hvm: boolean): XmDiskResult {
  const spec = read.text
  const f = read.fields
  if (f.length < 3) return {skipped: `disk '${spec}' has fewer than 3 fields (SOURCE,VDEV,MODE)`}
  let src: string | undefined = f[0] === '' ? undefined : f[0]
  const vdev = f[1] ?? ''
  let dst = vdev.startsWith('ioemu:') ? vdev.slice(6) : vdev
  // libvirt splits on the first two commas only: a 4th/5th field stays glued to MODE.
  const mode = f.slice(2).join(',')
  let driverName: string | undefined
  let format: string | undefined
  let prefix: string | undefined
  if (src !== undefined) {
    // libvirt's rule, not xend's prefix chain (written.prefixes): the driver is whatever precedes
    // the first colon, so `/dev/disk/by-path/ip-…:3260-…` names a driver here.
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
  const extra = f.length > 3 ? mode : undefined
  return {disk, ...(extra !== undefined ? {extraFields: extra} : {}), ...(prefix !== undefined ? {prefix} : {})}
}

/** One xm disk string → a `<disk>` (`readXmDisk`, then `xmDiskToDisk`), with the fields as written. */
export function parseXmDiskSpec(spec: string, hvm: boolean): XmDiskResult & {readonly written: DiskFields} {
  const read = readXmDisk(spec)
  return Object.assign(xmDiskToDisk(read, hvm), {written: read.written})
}
