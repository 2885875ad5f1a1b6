/**
 * What a conversion must know about the dom0 the domains will run on, beyond its libvirt
 * version: where its Xen firmware lives, its CPU vendor and its DRBD release. Each of these
 * changes the XML for the same input (libvirt itself reads them from the host it runs on), so
 * they are one explicit option of the readers and the writer, filled from the target host's
 * facts when a command talks to it (`targetProfileFromFacts`), and otherwise assumed and said.
 */

export type CpuVendor = 'intel' | 'amd'

/** A fact of the profile that may be assumed rather than read from the host. */
export type TargetFact = 'firmwareDir' | 'cpuVendor' | 'drbdVersion'

export interface TargetProfile {
  /**
   * LIBXL_FIRMWARE_DIR of the target: hvmloader and ovmf.bin live here (Debian 12 / Xen 4.17:
   * /usr/lib/xen-4.17/boot; libvirt's built-in default and its test capabilities:
   * /usr/lib/xen/boot).
   */
  readonly firmwareDir: string
  /** The host CPU vendor: xl `nestedhvm = 0` disables `vmx` (Intel) or `svm` (AMD) as libvirt does. */
  readonly cpuVendor: CpuVendor
  /**
   * The DRBD kernel module release [major, minor]. DRBD's udev rules name a resource's device
   * /dev/drbd/by-res/RES in 8.3 and older, /dev/drbd/by-res/RES/VOLUME from 8.4 (volumes); DRBD 9
   * promotes a resource by itself when the device is opened (auto-promote).
   */
  readonly drbdVersion: readonly [number, number]
  /** The facts above that were assumed, not read from the target host (empty when all are known). */
  readonly assumed: readonly TargetFact[]
  /** The host the known facts came from, for messages. */
  readonly host?: string
}

/** Assumed when nothing is known: libvirt's built-in firmware dir, Intel, DRBD 8.4 (Debian 12's kernel module). */
const ASSUMED = {firmwareDir: '/usr/lib/xen/boot', cpuVendor: 'intel', drbdVersion: [8, 4]} as const

/**
 * A profile from what is known about the target; every fact not given is assumed (libvirt's
 * defaults) and listed in `assumed`, so that a conversion can say which one it used.
 */
export function targetProfile(known: {readonly firmwareDir?: string; readonly cpuVendor?: CpuVendor; readonly drbdVersion?: readonly [number, number]; readonly host?: string} = {}): TargetProfile {
  const assumed: TargetFact[] = []
  if (known.firmwareDir === undefined) assumed.push('firmwareDir')
  if (known.cpuVendor === undefined) assumed.push('cpuVendor')
  if (known.drbdVersion === undefined) assumed.push('drbdVersion')
  return {
    firmwareDir: known.firmwareDir ?? ASSUMED.firmwareDir,
    cpuVendor: known.cpuVendor ?? ASSUMED.cpuVendor,
    drbdVersion: known.drbdVersion ?? ASSUMED.drbdVersion,
    assumed,
    ...(known.host !== undefined ? {host: known.host} : {}),
  }
}

/** The profile of a conversion that knows nothing about its target. */
export const ASSUMED_TARGET_PROFILE: TargetProfile = targetProfile()

/** The target's hvmloader (libxl's LIBXL_FIRMWARE_DIR/hvmloader, the capabilities' `<loader>`). */
export function hvmLoaderOf(p: TargetProfile): string {
  return `${p.firmwareDir}/hvmloader`
}

/** The device DRBD's udev rules give a resource on the target (volume 0 from DRBD 8.4 on). */
export function drbdDevicePath(p: TargetProfile, resource: string): string {
  const [major, minor] = p.drbdVersion
  return major > 8 || (major === 8 && minor >= 4) ? `/dev/drbd/by-res/${resource}/0` : `/dev/drbd/by-res/${resource}`
}
