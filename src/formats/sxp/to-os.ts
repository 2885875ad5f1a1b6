/**
 * SXP bootloader and `image` → `<os>`, as libvirt's `xenParseSxpr` (PV bootloader) and
 * `xenParseSxprOS` (`src/xenconfig/xen_sxpr.c`, libvirt 4.5; xen-formats.md §4.2).
 */
import type {BootDevice, Domain} from '../../model/domain.js'
import {type SxpContext, report} from './sxp-context.js'
import {copyText, hasKey, lookupList, valueAtom, valueText} from './sxp-lookup.js'
import type {SxpNode} from './sxp-node.js'
import {hvmLoaderOf} from '../target-profile.js'

export function readBootloader(ctx: SxpContext, d: Domain): void {
  if (ctx.hvm) return
  const atom = valueAtom(ctx.root, 'bootloader')
  let bootloader = atom?.value
  // libvirt: `(bootloader)` with no value still means an (empty) bootloader.
  if (bootloader === undefined && hasKey(ctx.root, 'bootloader')) bootloader = ''
  if (bootloader === undefined) return
  let args = valueText(ctx.root, 'bootloader_args')
  if (/domUloader/.test(bootloader)) {
    report(ctx, 'BOOT-DOMULOADER', 'warning', `SUSE bootloader '${bootloader}' replaced by pygrub (as xen2libvirt does); its arguments are dropped`, atom, 'bootloader')
    bootloader = '/usr/bin/pygrub'
    args = undefined
  } else if (/pygrub$/.test(bootloader)) {
    report(ctx, 'BOOT-PYGRUB', 'info', 'pygrub bootloader: still works on Xen ≤ 4.17; consider grub2-xen or PVH', atom, 'bootloader')
  }
  d.os.bootloader = bootloader
  // xend writes `(bootloader_args '')` for "none"; libvirt would print an empty element.
  if (args !== undefined && args !== '') d.os.bootloaderArgs = args
}

/** xenParseSxprOS. */
export function readOs(ctx: SxpContext, d: Domain): void {
  const img = ctx.hvm ? 'image/hvm' : 'image/linux'
  // The image list found once; the same as looking up `${img}/${k}` for each key.
  const imgList = lookupList(ctx.root, img)
  const get = (k: string) => (imgList !== undefined ? valueText(imgList, k) : undefined)
  if (ctx.hvm) {
    const loader = get('loader') || undefined
    if (loader === undefined) {
      const kernel = get('kernel')
      if (kernel === undefined || kernel === '') {
        // libvirt stops here ("missing HVM loader"); the target's own hvmloader is what such a
        // guest needs anyway, so the loader is left to the libvirt defaults.
        report(ctx, 'MISSING-KEY', 'warning', "HVM domain has neither (loader …) nor (kernel …): the target's default hvmloader is used", lookupList(ctx.root, img), img)
      } else {
        setHvmFirmware(ctx, d, kernel, valueAtom(ctx.root, `${img}/kernel`), `${img}/kernel`)
      }
    } else {
      setHvmFirmware(ctx, d, loader, lookupList(ctx.root, img), `${img}/loader`)
      const kernel = get('kernel')
      // Old xend repeats the loader as the kernel; an empty kernel means none.
      if (kernel !== undefined && kernel !== '' && kernel !== loader) {
        d.os.kernel = kernel
        copyBootArgs(ctx, d, img)
        report(ctx, 'BOOT-HVM-DIRECT', 'blocker', `HVM direct kernel boot of '${kernel}': supported by libxl only in newer versions; verify on the target`, valueAtom(ctx.root, `${img}/kernel`), `${img}/kernel`)
      }
    }
    if (d.os.kernel === undefined) readBootOrder(ctx, d)
    return
  }
  const kernel = get('kernel')
  if (kernel !== undefined && kernel !== '') d.os.kernel = kernel
  else if (kernel === '' && d.os.bootloader === undefined) {
    report(ctx, 'BOOT-PV-NOKERNEL', 'info', "empty (kernel '') treated as no kernel", valueAtom(ctx.root, `${img}/kernel`), `${img}/kernel`)
  }
  copyBootArgs(ctx, d, img)
  if (d.os.kernel === undefined && d.os.bootloader === undefined) {
    report(ctx, 'BOOT-PV-NOKERNEL', 'error', 'PV domain has neither a kernel nor a bootloader: missing kernel & bootloader', lookupList(ctx.root, img), img, 'add (bootloader pygrub) or a kernel')
  }
}

function copyBootArgs(ctx: SxpContext, d: Domain, img: string): void {
  const imgList = lookupList(ctx.root, img)
  const ramdisk = imgList !== undefined ? copyText(imgList, 'ramdisk') : undefined
  if (ramdisk !== undefined) d.os.initrd = ramdisk
  const args = imgList !== undefined ? copyText(imgList, 'args') : undefined
  if (args !== undefined) d.os.cmdline = args
  const rootAtom = imgList !== undefined ? valueAtom(imgList, 'root') : undefined
  if (rootAtom !== undefined && rootAtom.value !== '') {
    // libvirt's SXP reader keeps (root …) as <root>, which the libxl driver never passes to
    // the guest; xm folded it into the command line (`root=<root> <args>`), and so do we.
    const root = rootAtom.value.replace(/^root=/, '')
    d.os.cmdline = d.os.cmdline !== undefined && d.os.cmdline !== '' ? `root=${root} ${d.os.cmdline}` : `root=${root}`
    report(ctx, 'UNSUPPORTED', 'info', `(root ${rootAtom.value}) folded into the kernel command line as root=${root} (libvirt's <root> is ignored by libxl)`, rootAtom, `${img}/root`)
  }
}

const BOOT_LETTERS: Readonly<Record<string, BootDevice>> = {a: 'fd', c: 'hd', d: 'cdrom', n: 'network'}

function readBootOrder(ctx: SxpContext, d: Domain): void {
  const atom = valueAtom(ctx.root, 'image/hvm/boot')
  if (!atom) return
  const unknown: string[] = []
  for (const ch of atom.value) {
    if (d.os.boot.length >= 4) break
    const dev = BOOT_LETTERS[ch]
    if (dev) d.os.boot.push(dev)
    else unknown.push(ch)
  }
  if (unknown.length > 0) {
    report(ctx, 'BOOT-ORDER-UNKNOWN', 'info', `boot letters '${unknown.join('')}' in '${atom.value}' are skipped (SXP reader)`, atom, 'image/hvm/boot')
  }
}

/**
 * xend wrote its own hvmloader path into every HVM config.sxp (/usr/lib/xen/boot/hvmloader,
 * /usr/lib64/xen/boot/hvmloader, /usr/lib/xen-4.1/boot/hvmloader): on the target that file is the
 * target's own (Debian 12: /usr/lib/xen-4.17/boot/hvmloader), which the libvirt defaults fill in.
 * Any other firmware is kept as written.
 */
function setHvmFirmware(ctx: SxpContext, d: Domain, path: string, node: SxpNode | undefined, at: string): void {
  const target = hvmLoaderOf(ctx.profile)
  if (!path.endsWith('/hvmloader') || path === target) {
    d.os.loader = {path}
    return
  }
  report(ctx, 'BOOT-HVM-LOADER', 'info', `HVM firmware ${path} replaced by the target's ${target}`, node, at)
}
