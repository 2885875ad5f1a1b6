/**
 * Checks on converted disks that libvirt makes after parsing, reported located here because
 * the defaults step cannot report: a target that is not a disk name fails libvirt's
 * `virDomainDiskDefAssignAddress` ("Unknown disk name 'VDEV' and no address specified").
 * Also the storage findings of checklist.md §C that a converted disk shows.
 */
import type {Disk, Domain} from '../../model/domain.js'
import {diskNameToIndex} from '../libvirt/disk-address.js'
import {type ConfigReadContext, error, report} from './config-access.js'
import type {TargetProfile} from '../target-profile.js'
import {DRBD_PROMOTE_FIX, drbdMessage, resolveDrbdDisk} from './drbd-disk.js'

export function checkDisks(ctx: ConfigReadContext, d: Domain, profile: TargetProfile): void {
  for (const disk of d.devices.disks) {
    const path = disk.loc?.path ?? 'disk'
    const drbd = resolveDrbdDisk(disk, profile)
    if (drbd !== undefined) report(ctx, 'DISK-DRBD', 'blocker', drbdMessage(path, drbd), 'disk', DRBD_PROMOTE_FIX, path)
    else if (disk.script === 'drbd') report(ctx, 'DISK-SCRIPT', 'warning', `${path}: block script prefix drbd: with a source that is not a DRBD resource name`, 'disk', undefined, path)
    checkSource(ctx, disk, path)
    if (diskNameToIndex(disk.target.dev) === undefined) {
      error(ctx, `${path}: Unknown disk name '${disk.target.dev}' and no address specified`, 'disk', path)
    }
    if (disk.shareable) report(ctx, 'DISK-SHARED', 'warning', `${path}: writable shared disk (w!): xl rejects it; libvirt marks it <shareable/>`, 'disk', undefined, path)
    if (d.os.kind !== 'hvm' && /^(hd|sd)/.test(disk.target.dev)) {
      report(ctx, 'DISK-PV-HD', 'warning', `${path}: PV guest with ${disk.target.dev}: the guest sees it as a xen disk; check fstab/root=`, 'disk', undefined, path)
    }
    if (disk.device === 'cdrom' && disk.source === undefined) report(ctx, 'DISK-CDROM-EMPTY', 'info', `${path}: empty CD-ROM drive`, 'disk', undefined, path)
    if (disk.driver?.type === 'qcow') report(ctx, 'DISK-FORMAT-QCOW1', 'warning', `${path}: qcow (v1) image: convert it to qcow2`, 'disk', undefined, path)
  }
}

/**
 * libvirt's schema wants an absolute path in `<source file|dev>`; libvirt's xm/xl readers copy
 * whatever the config says (an `nbd:host port` or `iscsi:iqn…` target, a relative path, an
 * empty string), which gives XML that `virsh define --validate` rejects. An empty CD-ROM
 * source means "no media" and is dropped; anything else is a located error.
 */
function checkSource(ctx: ConfigReadContext, disk: Disk, path: string): void {
  const src = disk.source
  if (src === undefined || disk.type === 'network') return
  const p = src.file ?? src.dev
  if (p === undefined) return
  if (p === '') {
    if (disk.device === 'cdrom') delete disk.source
    else error(ctx, `${path}: the disk has an empty source path`, 'disk', path)
    return
  }
  if (p.startsWith('/')) return
  if (disk.type === 'block' && src.dev !== undefined && disk.script === undefined) {
    // Xen's block hotplug script (expand_dev) reads a bare name as a /dev entry.
    src.dev = `/dev/${p}`
    report(ctx, 'DISK-PATH', 'info', `${path}: phy:${p} is the device /dev/${p} (as Xen's block script reads it)`, 'disk', undefined, path)
    return
  }
  const hint = disk.script !== undefined ? `: ${disk.script}: targets need their block script; resolve it to a /dev path (phy:) first` : ''
  error(ctx, `${path}: source '${p}' is not an absolute path${hint}`, 'disk', path)
}

/** A source path of a disk for messages. */
export function diskSource(disk: Disk): string {
  return disk.source?.file ?? disk.source?.dev ?? disk.source?.name ?? ''
}
