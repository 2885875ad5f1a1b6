/**
 * `drbd:RESOURCE` disks (Xen's block-drbd script, the HA setups of many hosting dom0s). The
 * script did two things: it resolved the resource to its device, and it promoted the resource
 * to Primary before the domain started (demoting it after). libvirt can say the first (the
 * device DRBD's udev rules create), never the second: that stays a finding (DISK-DRBD) whose
 * fix is DRBD 9's auto-promote or the cluster manager.
 */
import type {Disk} from '../../model/domain.js'
import {drbdDevicePath, type TargetProfile} from '../target-profile.js'

/** What to do about the promotion the block script did; the remediation of DISK-DRBD. */
export const DRBD_PROMOTE_FIX =
  "Xen's block-drbd also promoted the resource to Primary before the domain started and demoted it after; libvirt does neither. " +
  'DRBD 9: keep `auto-promote yes` (the default) in the resource options, so opening the device promotes it. ' +
  'DRBD 8.x: let the cluster manager promote it before the domain starts (Pacemaker: ocf:linbit:drbd promotable clone, ' +
  'ordered before the VirtualDomain resource), or run `drbdadm primary RESOURCE` first.'

/** A DRBD resource name as block-drbd takes it (no path). */
const RESOURCE = /^[A-Za-z0-9][\w.+-]*$/

/**
 * Turn a `drbd:` disk into the block device of its resource on the target, in place. Returns
 * the resource and device, or undefined when the disk is not a `drbd:` resource disk.
 */
export function resolveDrbdDisk(disk: Disk, profile: TargetProfile): {resource: string; device: string} | undefined {
  if (disk.script !== 'drbd') return undefined
  const resource = disk.source?.file ?? disk.source?.dev
  if (resource === undefined || !RESOURCE.test(resource)) return undefined
  const device = drbdDevicePath(profile, resource)
  disk.type = 'block'
  disk.source = {dev: device}
  // libxl has no `drbd` driver: the device is a plain block backend, and no script runs (a
  // native writer must not pair block-drbd with a device path: the script wants the resource).
  disk.driver = {...disk.driver, name: 'phy'}
  delete disk.script
  return {resource, device}
}

/** Is this the device of a DRBD resource (what `resolveDrbdDisk` made)? */
export function isDrbdDevice(disk: Disk): boolean {
  return disk.source?.dev?.startsWith('/dev/drbd/by-res/') === true
}

/** The diagnostic text for a resolved disk. */
export function drbdMessage(path: string, r: {resource: string; device: string}): string {
  return `${path}: drbd:${r.resource} is the block device ${r.device} (DRBD's udev name); the block script's promotion of the resource before start is not carried over`
}
