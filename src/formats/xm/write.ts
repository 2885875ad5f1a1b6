/**
 * Domain → xm config (Python assignments xm's `execfile` reads), as libvirt 9.0's
 * `virsh domxml-to-native xen-xm` writes it (`xenFormatXM`, src/libxl/xen_xm.c, plus the common
 * keys of xen_common.c). For sites that must hand a config to an older xm-based tool.
 */
import type {Domain} from '../../model/domain.js'
import type {WriteOptions} from '../write-options.js'
import {bootOrder, formatCommon, NativeWriter} from '../xen-common/format-common.js'
import {formatExtra} from '../xen-common/format-extra.js'
import {formatXmDisk} from '../xen-common/format-specs.js'
import {formatNativeConfig} from '../xen-common/native-text.js'
import type {NativeWriteResult} from '../xl/write.js'

export type {NativeWriteResult} from '../xl/write.js'

/** Domain → xm config text. */
export function writeXm(domain: Domain, opts: WriteOptions = {}): NativeWriteResult {
  const w = new NativeWriter('xm', opts)
  formatCommon(domain, w)
  formatOs(domain, w)
  const disks: string[] = []
  for (const d of domain.devices.disks) w.spec(disks, formatXmDisk(d))
  if (disks.length > 0) w.set('disk', disks)
  reportXlOnly(domain, w)
  formatExtra(domain.extra, w)
  return {text: formatNativeConfig(w.lines, 'xm'), diagnostics: w.diagnostics}
}

function formatOs(d: Domain, w: NativeWriter): void {
  const os = d.os
  if (os.kind === 'hvm') {
    w.set('builder', 'hvm')
    // xm's HVM `kernel` IS the firmware (hvmloader): direct kernel boot cannot be said in xm.
    w.set('kernel', os.loader?.type === 'pflash' ? undefined : (os.loader?.path ?? '/usr/lib/xen/boot/hvmloader'))
    if (os.loader?.type === 'pflash' || os.bios === 'ovmf') w.lost('UEFI firmware (OVMF) is an xl feature (bios = "ovmf")')
    if (os.kernel !== undefined) w.lost(`HVM direct kernel boot (${os.kernel}) cannot be expressed in xm`, 'BOOT-HVM-DIRECT')
    // xm's device model always booted its own BIOS (rombios): a chosen one cannot be said.
    if (os.bios !== undefined && os.bios !== 'ovmf' && os.loader?.type !== 'pflash') w.lost(`bios = "${os.bios}" is an xl key`, 'BOOT-HVM-LOADER')
    w.set('boot', bootOrder(d))
    const usb = d.devices.inputs.filter((i) => i.bus === 'usb')
    if (usb.length > 0) {
      w.set('usb', 1)
      w.set('usbdevice', usb[0]!.type)
      if (usb.length > 1) w.lost(`${usb.length - 1} more USB input device(s): xm's usbdevice holds one`)
    }
    return
  }
  if (os.kind === 'pvh') w.lost('PVH guests are an xl feature: written as PV', 'LOST')
  w.set('bootloader', os.bootloader)
  if (os.bootloader !== undefined) w.set('bootargs', os.bootloaderArgs)
  w.set('kernel', os.kernel)
  w.set('ramdisk', os.initrd)
  w.set('root', os.root)
  w.set('extra', os.cmdline)
}

/** Things only xl (or only libvirt) can say: report each once. */
function reportXlOnly(d: Domain, w: NativeWriter): void {
  if (d.cpu?.mode !== undefined || (d.cpu?.features.length ?? 0) > 0) w.lost('CPU model/features (cpuid, nestedhvm) in libxl form are xl keys', 'CPU-CPUID')
  if ((d.cpu?.numa?.length ?? 0) > 0) w.lost('vNUMA topology is an xl key')
  if (d.features.e820Host) w.lost('e820_host is an xl key')
  const xenbus = d.devices.controllers.find((c) => c.type === 'xenbus')
  if (xenbus?.maxGrantFrames || xenbus?.maxEventChannels) w.lost('max_grant_frames/max_event_channels are xl keys')
  if (d.devices.controllers.some((c) => c.type === 'usb')) w.lost('USB controllers (usbctrl) are an xl key', 'PVUSB')
  if (d.devices.hostdevs.some((h) => h.type === 'usb')) w.lost('USB host devices (usbdev) are an xl key', 'PVUSB')
  if (d.devices.channels.length > 0) w.lost('channels are an xl key')
  if (d.qemuArgs && d.qemuArgs.length > 0) w.lost('device_model_args is an xl key')
  for (const t of d.os.acpiTables ?? []) w.lost(`ACPI table ${t.path} (acpi_firmware) is an xl key`)
}
