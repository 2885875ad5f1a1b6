/**
 * Checks on converted disks that libvirt makes after parsing, reported located here because
 * the defaults step cannot report: a target that is not a disk name fails libvirt's
 * `virDomainDiskDefAssignAddress` ("Unknown disk name 'VDEV' and no address specified").
 * Also the storage findings of checklist.md §C that a converted disk shows.
 */
import type {Disk, Domain} from '../../model/domain.js'
import {diskNameToIndex} from '../libvirt/disk-address.js'
import {type ConfigReadContext, error, report} from './config-access.js'

export function checkDisks(ctx: ConfigReadContext, d: Domain): void {
  for (const disk of d.devices.disks) {
    const path = disk.loc?.path ?? 'disk'
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

/** A source path of a disk for messages. */
export function diskSource(disk: Disk): string {
  return disk.source?.file ?? disk.source?.dev ?? disk.source?.name ?? ''
}
