/**
 * OS keys that libvirt's xm and xl readers read alike (`xenParseXMOS` in xen_xm.c,
 * `xenParseXLOS` and `xenParseCmdline` in xen_xl.c): the HVM boot order and the PV/PVH
 * bootloader, kernel, ramdisk and command line; plus the options and result of both mappings.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {BootDevice, Domain} from '../../model/domain.js'
import type {LibvirtTarget} from '../libvirt/target.js'
import {type ConfigReadContext, getString, report} from './config-access.js'

export interface NativeToDomainOptions {
  readonly file?: string
  /** Seed for a config without `uuid` (default: file path and name). */
  readonly uuidSeed?: string
  /** The target: its profile gives the firmware directory (bare kernel names, hvmloader) and CPU vendor (xl nestedhvm). */
  readonly target?: LibvirtTarget
}

export interface NativeToDomainResult {
  /** Absent when an error stopped the conversion. */
  readonly domain?: Domain
  readonly diagnostics: Diagnostic[]
}

/** `boot` letters (xen_xm.c/xen_xl.c): a fd, d cdrom, n network, anything else hd; at most 4. */
export function readBootOrder(ctx: ConfigReadContext, d: Domain): void {
  const boot = getString(ctx, 'boot') ?? 'c'
  const map: Record<string, BootDevice> = {a: 'fd', c: 'hd', d: 'cdrom', n: 'network'}
  const unknown: string[] = []
  for (const ch of boot.slice(0, 4)) {
    const dev = map[ch]
    if (dev === undefined) unknown.push(ch)
    d.os.boot.push(dev ?? 'hd')
  }
  if (unknown.length > 0) report(ctx, 'BOOT-ORDER-UNKNOWN', 'info', `boot letters ${unknown.join('')} are read as hd`, 'boot')
  if (boot.length > 4) report(ctx, 'BOOT-ORDER-UNKNOWN', 'info', `boot = "${boot}": only the first 4 devices are kept`, 'boot')
}

/** PV bootloader, kernel, ramdisk and the root/extra command line (shared by xm and xl). */
export function readPvOs(ctx: ConfigReadContext, d: Domain, cmdline: string | undefined, bootDir: string): void {
  const bootloader = getString(ctx, 'bootloader')
  if (bootloader !== undefined) {
    if (bootloader.includes('domUloader')) {
      report(ctx, 'BOOT-DOMULOADER', 'warning', `bootloader ${bootloader}: SUSE domUloader replaced by pygrub (as xen2libvirt does)`, 'bootloader')
      d.os.bootloader = '/usr/bin/pygrub'
    } else {
      d.os.bootloader = bootloader
    }
    const args = getString(ctx, 'bootargs')
    if (args !== undefined) d.os.bootloaderArgs = args
  }
  const kernel = getString(ctx, 'kernel')
  if (kernel !== undefined) d.os.kernel = bootPath(ctx, 'kernel', kernel, bootDir)
  const ramdisk = getString(ctx, 'ramdisk')
  if (ramdisk !== undefined) d.os.initrd = bootPath(ctx, 'ramdisk', ramdisk, bootDir)
  if (cmdline !== undefined) d.os.cmdline = cmdline
  if (bootloader === undefined && (kernel === undefined || kernel === '')) {
    report(ctx, 'BOOT-PV-NOKERNEL', 'warning', 'PV guest with neither kernel nor bootloader cannot boot')
  }
}

/**
 * A bare file name (`kernel = "pv-grub.gz"`) is looked up by xend in Xen's boot directory;
 * libvirt needs an absolute path.
 */
function bootPath(ctx: ConfigReadContext, key: string, value: string, bootDir: string): string {
  if (value === '' || value.startsWith('/')) return value
  const path = `${bootDir}/${value}`
  report(ctx, 'BOOT-PATH', 'info', `${key} = "${value}" is read as ${path} (Xen's boot directory)`, key)
  return path
}

/** `root` + `extra` → `root=R E` (xen_xm.c, xenParseCmdline in xen_xl.c). */
export function rootExtraCmdline(ctx: ConfigReadContext): string | undefined {
  const extra = getString(ctx, 'extra')
  const root = getString(ctx, 'root')
  if (root !== undefined) return extra !== undefined ? `root=${root} ${extra}` : `root=${root}`
  return extra
}
