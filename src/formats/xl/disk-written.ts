/**
 * The fields as written of an xl disk spec, read from libxlu's tokens (disk-scanner.ts) with
 * libxlu's slot order (`target,format,vdev,access`, the format slot skipped after a deprecated
 * prefix) but without its refusals: a value libxlu rejects (`access=w!`, a format slot holding
 * `xvda`) is kept as written, so the compatibility rules see what the author wrote.
 */
import type {DiskFields} from '../xen-common/disk-written.js'
import {stripComma, tokenValue, type XlDiskToken} from './disk-scanner.js'

/** What libxlu's positional format slot takes (`''` means raw). */
const FORMAT_SLOT = new Set(['', 'raw', 'qcow', 'qcow2', 'vhd', 'qed', 'empty'])

/** The fields as written, from a spec's tokens. */
export function xlWrittenFields(tokens: readonly XlDiskToken[]): DiskFields {
  let pending: string[] = []
  let prefixes: string[] = []
  let target: string | undefined
  let format: string | undefined
  let vdev: string | undefined
  let access: string | undefined
  let backend: string | undefined
  let script: string | undefined
  let deprecated = false
  let cdrom = false
  let positional = 0
  for (const t of tokens) {
    switch (t.kind) {
      case 'format-prefix':
      case 'script-prefix':
      case 'dropped-prefix':
      case 'unknown-prefix': {
        const name = t.text.slice(0, -1)
        pending.push(name)
        deprecated = true
        if (t.kind === 'format-prefix') format ??= name
        break
      }
      case 'positional': {
        positional++
        const v = stripComma(t.text).trim()
        if (target === undefined) {
          target = v
          prefixes = pending
        } else {
          // A prefix before a later slot (`ioemu:hda`) is part of that field as written.
          const field = pending.length > 0 ? `${pending.join(':')}:${v}` : v
          // libxlu reads the second positional as the format unless a prefix came first; a value
          // that is no format is refused there, and xend's layout read it as the vdev.
          if (vdev === undefined && format === undefined && !deprecated && FORMAT_SLOT.has(field)) format = field
          else if (vdev === undefined) vdev = field
          else access ??= field
        }
        pending = []
        break
      }
      case 'target':
        target = tokenValue(t.text)
        prefixes = pending
        pending = []
        break
      case 'format':
        format = tokenValue(t.text).trim()
        break
      case 'vdev':
        vdev = tokenValue(t.text).trim()
        break
      case 'access':
        access = tokenValue(t.text).trim()
        break
      case 'backend':
        backend = tokenValue(t.text).trim()
        break
      case 'script':
        script = tokenValue(t.text).trim()
        break
      case 'devtype':
      case 'devtype-bad':
        cdrom = tokenValue(t.text).trim() === 'cdrom'
        break
      case 'cdrom':
        cdrom = true
        break
      default:
        break
    }
  }
  // A block script is part of the source as xend spelled it (`script=block-drbd` ~ `drbd:`).
  if (script !== undefined) prefixes = [script.replace(/^block-/, ''), ...prefixes]
  const path = target ?? ''
  const v = vdev ?? ''
  return {
    source: prefixes.length > 0 ? `${prefixes.join(':')}:${path}` : path,
    prefixes,
    path,
    vdev: cdrom && !v.endsWith(':cdrom') ? `${v}:cdrom` : v,
    mode: access ?? '',
    positional,
    ...(backend !== undefined ? {backend} : {}),
    ...(format !== undefined ? {format} : {}),
  }
}
