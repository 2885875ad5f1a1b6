import type {SourceFormat} from '../model/read-result.js'

export type Detection =
  | {readonly format: SourceFormat; readonly reason: string}
  | {readonly skip: string}

/** Files in /etc/xen that are never domain configs (xen-formats.md §1). */
const NOT_CONFIG_NAMES: readonly RegExp[] = [
  /^xend-config.*\.sxp$/,
  /^xend-pci-(quirks|permissive)\.sxp$/,
  /^xl\.conf$/,
  // oxenstored's daemon config (Xen ≥ 4.1 installs it in /etc/xen; every Debian 12 dom0 has it).
  /^oxenstored\.conf$/,
  /^xm-config\.xml$/,
  /^cpupool$/,
  /(~|\.bak|\.orig|\.rpmnew|\.rpmsave|\.dpkg-(old|new|dist)|\.swp)$/,
  /^README/,
]

/** Xen's shipped examples (`xmexample1`, `xlexample.hvm`, `*.example`): real domain configs by content. */
const XEN_EXAMPLE_NAME = /^(xm|xl)example|\.example$/

/** Is this file name one that /etc/xen holds but that is not a domain config (or is Xen's example)? */
export function isNonConfigName(baseName: string): string | undefined {
  if (XEN_EXAMPLE_NAME.test(baseName)) return `${baseName} is an example Xen ships, not a domain of this host (name the file to convert it)`
  for (const re of NOT_CONFIG_NAMES) if (re.test(baseName)) return `${baseName} is not a domain config`
  return undefined
}

/**
 * The base name format detection may skip by (`detectFormat`'s second argument). A file the user
 * named is read by its content when it is one of Xen's examples (`xenlift convert
 * /etc/xen/xmexample1` converts it); xl.conf, backups and the like stay skipped even then, since a
 * shell glob over /etc/xen names them too. A directory walk passes over all of them.
 */
export function detectionBaseName(path: string, explicit: boolean): string | undefined {
  const baseName = path.slice(path.lastIndexOf('/') + 1)
  return explicit && XEN_EXAMPLE_NAME.test(baseName) ? undefined : baseName
}

const XL_ONLY_KEYS = /^\s*(type|bios|usbctrl|usbdev|channel|vnuma|max_event_channels|max_grant_frames|spice\w*|device_model_args|cmdline|acpi_firmware|nestedhvm|vkb|p9|dtdev|rdm)\s*(=|\+=)/m
const XL_DISK_SPEC = /(^|[,"'\s])(vdev|target|format|access|backendtype|devtype)=/
/** xl's positional disk spec `TARGET,FORMAT,VDEV,ACCESS` (`/img/a.img,raw,xvdb,rw`): xm specs have no format field. */
const XL_POSITIONAL_DISK = /["'][^"',]*,\s*(raw|qcow2?|vhd|qed|empty)\s*,\s*[a-z]+\d*(:cdrom)?\s*,\s*(r|ro|rw|w)?\s*[,"']/
const PYTHON_SIGNS = /^\s*(import\s|from\s+\S+\s+import\s|if\s|for\s|while\s|def\s|try\s*:|else\s*:|elif\s)/m

/**
 * Guess the format of a config text. Like xen2libvirt's detector (first significant line:
 * `<domain` → XML, `(domain` → SXP, `=` → native) but content-aware: an indented first line,
 * `(vm` roots and xl-only syntax are recognised, and xend's daemon config is skipped.
 */
export function detectFormat(text: string, baseName?: string): Detection {
  if (baseName !== undefined) {
    const skip = isNonConfigName(baseName)
    if (skip) return {skip}
  }
  if (text.includes('\u0000')) return {skip: 'binary file (NUL bytes)'}
  const body = text.replace(/^\uFEFF/, '')
  const first = firstSignificant(body)
  if (first === undefined) return {skip: 'empty file'}
  if (first.startsWith('<')) {
    if (/^<domain[\s>]/.test(first) || /^<\?xml/.test(first)) return {format: 'libvirt', reason: 'starts with <domain'}
    return {skip: 'XML that is not a libvirt domain'}
  }
  if (first.startsWith('(')) {
    if (/^\(\s*(domain|vm)(\s|\)|$)/.test(first)) return {format: 'sxp', reason: 'starts with (domain'}
    if (/^\(\s*xend-/.test(first) || /^\(\s*\(/.test(first)) return {skip: 'xend daemon configuration, not a domain'}
    return {skip: `SXP that is not a domain (${first.slice(0, 30)})`}
  }
  if (!/^[A-Za-z_][\w.]*\s*(\+?=)/m.test(body) && !PYTHON_SIGNS.test(body)) return {skip: 'no key = value assignments'}
  if (PYTHON_SIGNS.test(body)) return {format: 'xm', reason: 'contains Python statements'}
  if (XL_ONLY_KEYS.test(body) || XL_DISK_SPEC.test(body) || XL_POSITIONAL_DISK.test(body)) return {format: 'xl', reason: 'uses xl-only keys or disk syntax'}
  return {format: 'xm', reason: 'key = value config without xl-only syntax'}
}

function firstSignificant(text: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    return line
  }
  return undefined
}
