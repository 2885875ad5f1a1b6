/**
 * xl disk specs: libxlu's `xlu_disk_parse` (`tools/libs/util/libxlu_disk_l.l`, Xen 4.17;
 * docs/misc/xl-disk-configuration.txt) over the tokens of disk-scanner.ts, followed by
 * libvirt 9.0's `xenParseXLDisk` (`src/libxl/xen_xl.c`; xen-formats.md §6.1, xl column).
 *
 * The spec is scanned once (`readXlDisk`): libxlu's actions turn the tokens into a spec, and
 * the same tokens give the fields as written that the compatibility rules judge, including
 * what libxlu refuses (`access=w!`, an unknown format). libvirt reports every libxlu failure
 * as "An error occurred, but the cause is unknown"; we say which rule failed.
 */
import type {Disk} from '../../model/domain.js'
import type {DiskFields} from '../xen-common/disk-written.js'
import {parseRbd} from './disk-rbd.js'
import {scanXlDisk, stripComma, tokenValue, type XlDiskToken, type XlDiskTokens} from './disk-scanner.js'
import {xlWrittenFields} from './disk-written.js'

export interface XlDiskSpec {
  target?: string
  format: 'unknown' | 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'qed' | 'empty'
  vdev?: string
  readwrite: boolean
  isCdrom: boolean
  backend: 'unknown' | 'phy' | 'tap' | 'qdisk'
  script?: string
  backendDomain?: string
  /** A deprecated `xxx:` prefix was seen (then the positional format slot is skipped). */
  deprecatedPrefix?: string
  /** The positional access slot was used. */
  accessSet?: boolean
}

/** libxlu's result, and the fields as written (also when libxlu refuses the spec). */
export type XlDiskParse = ({readonly spec: XlDiskSpec} | {readonly error: string}) & {readonly written: DiskFields}

/** One xl disk string, scanned once. */
export interface XlDiskReading {
  readonly scan: XlDiskTokens
  readonly written: DiskFields
}

const FORMATS = new Set(['raw', 'qcow', 'qcow2', 'vhd', 'qed', 'empty'])

function setFormat(v: string, dpc: XlDiskSpec): string | undefined {
  // libxlu: an empty format means raw.
  if (v === '') dpc.format = 'raw'
  else if (FORMATS.has(v)) dpc.format = v as XlDiskSpec['format']
  else return `unknown value for format: '${v}' (raw, qcow, qcow2, vhd, qed or empty)`
  return undefined
}

function setAccess(v: string, dpc: XlDiskSpec): string | undefined {
  if (v === '' || v === 'rw' || v === 'w') dpc.readwrite = true
  else if (v === 'r' || v === 'ro') dpc.readwrite = false
  else if (v === 'w!' || v === '!') return `access '${v}': shared writable disks are not supported by xl (checklist DISK-SHARED)`
  else return `unknown value for access: '${v}' (r, ro, w, rw)`
  return undefined
}

function saveString(what: 'target' | 'vdev' | 'script' | 'backendDomain', v: string, dpc: XlDiskSpec): string | undefined {
  const old = dpc[what]
  if (old !== undefined && old !== '') return `${what === 'backendDomain' ? 'backend' : what} respecified ('${old}', then '${v}')`
  dpc[what] = v
  return undefined
}


/** libxlu's action for one token. */
function act(t: XlDiskToken, dpc: XlDiskSpec): string | undefined {
  switch (t.kind) {
    case 'space':
    case 'flag':
      return undefined
    case 'format':
      return setFormat(tokenValue(t.text), dpc)
    case 'cdrom':
      dpc.isCdrom = true
      return undefined
    case 'devtype':
      dpc.isCdrom = tokenValue(t.text) === 'cdrom'
      return undefined
    case 'devtype-bad':
      return `unknown value for devtype: '${tokenValue(t.text)}' (disk or cdrom)`
    case 'access':
      return setAccess(tokenValue(t.text), dpc)
    case 'backend':
      return saveString('backendDomain', tokenValue(t.text), dpc)
    case 'backendtype': {
      const v = tokenValue(t.text)
      if (v === 'phy' || v === 'tap' || v === 'qdisk') dpc.backend = v
      else return `unknown value for backendtype: '${v}' (phy, tap or qdisk)`
      return undefined
    }
    case 'vdev':
    case 'script':
    case 'target':
      return saveString(t.kind, tokenValue(t.text), dpc)
    case 'unknown-key':
      return `unknown parameter '${stripComma(t.text)}'`
    case 'format-prefix':
      dpc.deprecatedPrefix ??= t.text.slice(0, -1)
      return setFormat(t.text.slice(0, -1), dpc)
    case 'script-prefix':
      dpc.deprecatedPrefix ??= t.text.slice(0, -1)
      return saveString('script', `block-${t.text.slice(0, -1)}`, dpc)
    case 'dropped-prefix':
      dpc.deprecatedPrefix ??= t.text.slice(0, -1)
      return undefined
    case 'unknown-prefix':
      return `unknown deprecated disk prefix '${t.text}' (use script=block-${t.text.slice(0, -1)} and target=)`
    case 'positional':
      return positional(t.text, dpc)
  }
}

function positional(t: string, dpc: XlDiskSpec): string | undefined {
  const v = stripComma(t)
  if (dpc.target === undefined) {
    if (/^rbd:/.test(v)) return `unknown deprecated disk prefix 'rbd:' (write target=rbd:… as the last item)`
    return saveString('target', v, dpc)
  }
  if (dpc.deprecatedPrefix === undefined && dpc.format === 'unknown') {
    // An empty target followed by `vdev:type` (`,hdc:cdrom,r`) is an empty drive.
    if (dpc.target === '') {
      const r = vdevAndDevtype(v, dpc)
      if (r !== 'no') {
        dpc.format = 'empty'
        return r === 'ok' ? undefined : r
      }
    }
    return setFormat(v, dpc)
  }
  if (dpc.vdev === undefined) {
    const r = vdevAndDevtype(v, dpc)
    if (r === 'no') return saveString('vdev', v, dpc)
    return r === 'ok' ? undefined : r
  }
  if (!dpc.accessSet) {
    dpc.accessSet = true
    return setAccess(v, dpc)
  }
  return `too many positional parameters ('${v}')`
}

/** `vdev:devtype` (deprecated): 'no' when there is no colon. */
function vdevAndDevtype(v: string, dpc: XlDiskSpec): 'no' | 'ok' | string {
  const colon = v.lastIndexOf(':')
  if (colon < 0) return 'no'
  const err = saveString('vdev', v.slice(0, colon), dpc)
  if (err) return err
  const type = v.slice(colon + 1)
  if (type === 'cdrom') dpc.isCdrom = true
  else if (type === 'disk') dpc.isCdrom = false
  else return `unknown deprecated type '${type}' in '${v}' (cdrom or disk)`
  return 'ok'
}

/** The one reader of an xl disk string: libxlu's scanner, and the fields as written from its tokens. */
export function readXlDisk(text: string): XlDiskReading {
  const scan = scanXlDisk(text)
  return {scan, written: xlWrittenFields(scan.tokens)}
}

/** libxlu's `xlu_disk_parse` over one spec string. */
export function parseXlDiskSpec(text: string): XlDiskParse {
  const {scan, written} = readXlDisk(text)
  const dpc: XlDiskSpec = {format: 'unknown', readwrite: true, isCdrom: false, backend: 'unknown'}
  for (const t of scan.tokens) {
    const error = act(t, dpc)
    if (error !== undefined) return {error, written}
  }
  if (scan.stuck !== undefined) return {error: `bad disk syntax at '${scan.stuck}'`, written}
  if (dpc.format === 'unknown') dpc.format = 'raw'
  if (dpc.isCdrom) {
    dpc.readwrite = false
    if (dpc.target === undefined || dpc.target === '') dpc.format = 'empty'
  }
  if (dpc.vdev === undefined) return {error: 'no vdev specified', written}
  if (dpc.target === undefined && !dpc.isCdrom) return {error: 'no target specified', written}
  return {spec: dpc, written}
}

/** libvirt's `xenParseXLDisk` over a parsed spec. */
export function xlDiskToDisk(spec: XlDiskSpec, hvm: boolean): Disk {
  const vdev = spec.vdev ?? ''
  const bus = vdev.startsWith('xvd') || !hvm ? 'xen' : vdev.startsWith('sd') ? 'scsi' : 'ide'
  const disk: Disk = {device: 'disk', target: {dev: vdev, bus}}
  const src = spec.target
  let network = false
  if (src?.startsWith('rbd:')) {
    network = true
    disk.type = 'network'
    disk.source = parseRbd(src.replaceAll('\\\\', '\\'))
  }
  if (spec.isCdrom) {
    disk.device = 'cdrom'
    disk.type = 'file'
    // An empty drive has no format (libxl's post-parse in the defaults makes it raw).
    disk.driver = src === undefined || src === '' ? {name: 'qemu'} : {name: 'qemu', type: 'raw'}
  } else {
    const format = spec.format === 'empty' ? 'raw' : spec.format === 'unknown' ? 'raw' : spec.format
    if (spec.backend === 'phy') {
      disk.driver = {name: 'phy', type: format}
      disk.type = 'block'
    } else if (spec.backend === 'tap') {
      disk.driver = {name: 'tap', type: format}
      disk.type = 'file'
    } else {
      disk.driver = {name: 'qemu', type: format}
      if (!network) disk.type = 'file'
    }
  }
  if (src !== undefined && !network) disk.source = disk.type === 'block' ? {dev: src} : {file: src}
  if (!spec.readwrite) disk.readonly = true
  if (spec.script !== undefined) disk.script = spec.script.replace(/^block-/, '')
  return disk
}
