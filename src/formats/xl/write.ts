/**
 * Domain → xl.cfg, as libvirt 9.0's `virsh domxml-to-native xen-xl` writes it (`xenFormatXL`,
 * src/libxl/xen_xl.c, on top of the common keys of xen_common.c), and for any source format:
 * SXP → xl works directly, with no libvirt in between. Unwritable settings are diagnostics.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Domain} from '../../model/domain.js'
import type {WriteOptions} from '../write-options.js'
import {LIBXL_TO_LIBVIRT} from '../xen-common/cpuid.js'
import {bootOrder, formatCommon, NativeWriter} from '../xen-common/format-common.js'
import {formatExtra} from '../xen-common/format-extra.js'
import {commaInSpec, formatChr, formatXlDisk} from '../xen-common/format-specs.js'
import {formatNativeConfig} from '../xen-common/native-text.js'

export interface NativeWriteResult {
  readonly text: string
  /** What the target format cannot express (rule id, message): never dropped silently. */
  readonly diagnostics: Diagnostic[]
}

const LIBVIRT_TO_LIBXL: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LIBXL_TO_LIBVIRT).map(([k, v]) => [v, k]))
const CPUID_VALUE: Record<string, string> = {force: '1', require: '1', optional: 'x', disable: '0', forbid: '0'}

/** Domain → xl config text. */
export function writeXl(domain: Domain, opts: WriteOptions = {}): NativeWriteResult {
  const w = new NativeWriter('xl', opts)
  formatCommon(domain, w)
  formatOs(domain, w)
  formatCpu(domain, w)
  formatNuma(domain, w)
  const xenbus = domain.devices.controllers.find((c) => c.type === 'xenbus')
  if (xenbus?.maxGrantFrames) w.set('max_grant_frames', xenbus.maxGrantFrames)
  if (xenbus?.maxEventChannels) w.set('max_event_channels', xenbus.maxEventChannels)
  if (domain.features.e820Host && domain.os.kind !== 'hvm') w.set('e820_host', 1)
  const disks: string[] = []
  for (const d of domain.devices.disks) w.spec(disks, formatXlDisk(d), d.shareable ? 'DISK-SHARED' : undefined)
  if (disks.length > 0) w.set('disk', disks)
  formatUsb(domain, w)
  formatChannels(domain, w)
  if (domain.qemuArgs && domain.qemuArgs.length > 0) w.set('device_model_args', domain.qemuArgs)
  formatExtra(domain.extra, w)
  return {text: formatNativeConfig(w.lines, 'xl'), diagnostics: w.diagnostics}
}

function formatOs(d: Domain, w: NativeWriter): void {
  const os = d.os
  if (os.kind === 'hvm') {
    w.set('builder', 'hvm')
    if (os.loader?.type === 'pflash' || os.bios === 'ovmf') w.set('bios', 'ovmf')
    else if (os.bios !== undefined) w.set('bios', os.bios)
    else if (os.loader?.path !== undefined && !/\/hvmloader$/.test(os.loader.path)) {
      w.lost(`HVM firmware ${os.loader.path}: xl picks its own (bios = seabios|rombios|ovmf)`, 'BOOT-HVM-LOADER')
    }
    w.set('kernel', os.kernel)
    w.set('ramdisk', os.initrd)
    w.set('cmdline', os.cmdline)
    w.set('boot', bootOrder(d))
    for (const t of os.acpiTables ?? []) {
      // libvirt 9.0 says slic, 11.2+ rawset (and xl's reader keeps rawset): both are acpi_firmware.
      if ((t.type === 'slic' || t.type === 'rawset') && !w.has('acpi_firmware')) w.set('acpi_firmware', t.path)
      else w.lost(`ACPI table ${t.type} ${t.path}`)
    }
    formatUsbInputs(d, w)
    return
  }
  if (os.kind === 'pvh') w.set('type', 'pvh')
  w.set('bootloader', os.bootloader)
  if (os.bootloader !== undefined) w.set('bootargs', os.bootloaderArgs)
  w.set('kernel', os.kernel)
  w.set('ramdisk', os.initrd)
  const cmdline = [os.root !== undefined ? `root=${os.root}` : undefined, os.cmdline].filter((x) => x !== undefined).join(' ')
  if (cmdline !== '') w.set('cmdline', cmdline)
}

function formatUsbInputs(d: Domain, w: NativeWriter): void {
  const usb = d.devices.inputs.filter((i) => i.bus === 'usb').map((i) => i.type)
  if (usb.length === 0) return
  w.set('usb', 1)
  w.set('usbdevice', usb.length === 1 ? usb[0] : usb)
}

/** `<cpu mode='host-passthrough'>` → nestedhvm and cpuid = "host,feat=v,…" (xenFormatXLCPUID). */
function formatCpu(d: Domain, w: NativeWriter): void {
  const cpu = d.cpu
  if (cpu?.mode !== 'host-passthrough') {
    if (cpu?.mode !== undefined) w.lost(`<cpu mode='${cpu.mode}'> has no xl equivalent`, 'CPU-CPUID')
    else if ((cpu?.features.length ?? 0) > 0) w.lost('CPU features without host-passthrough have no xl equivalent', 'CPU-CPUID')
    return
  }
  const nested = cpu.features.find((f) => f.name === 'vmx' || f.name === 'svm')
  if (d.os.kind === 'hvm') w.set('nestedhvm', nested && (nested.policy === 'disable' || nested.policy === 'forbid') ? 0 : 1)
  const rest = cpu.features.filter((f) => f !== nested)
  if (rest.length > 0) {
    const items = rest.map((f) => `${LIBVIRT_TO_LIBXL[f.name] ?? f.name}=${CPUID_VALUE[f.policy] ?? '1'}`)
    w.set('cpuid', ['host', ...items].join(','))
  }
}

function formatNuma(d: Domain, w: NativeWriter): void {
  const cells = d.cpu?.numa
  if (!cells || cells.length === 0) return
  // Every cell gets a full distance row; libvirt fills what the XML leaves out with the
  // defaults (10 to itself, 20 to the others) after mirroring the other cell's distance to this
  // one (distances are symmetric), and so must we to match domxml-to-native.
  const list = cells.map((c) => {
    const row = cells.map((o) => c.distances?.find((x) => x.id === o.id)?.value ?? o.distances?.find((x) => x.id === c.id)?.value ?? (o.id === c.id ? 10 : 20))
    return [`pnode=${c.id}`, `size=${Math.ceil(c.memoryKiB / 1024)}`, `vcpus=${c.cpus}`, `vdistances=${row.join(',')}`]
  })
  w.set('vnuma', list)
}

function formatUsb(d: Domain, w: NativeWriter): void {
  const ctrls = d.devices.controllers.filter((c) => c.type === 'usb')
  const usbctrl: string[] = []
  for (const c of ctrls) {
    const version = c.model === 'qusb1' ? 1 : c.model === 'qusb2' || c.model === undefined ? 2 : undefined
    if (version === undefined) {
      w.lost(`USB controller model ${c.model}: xl has qusb1/qusb2 only`)
      continue
    }
    usbctrl.push([`type=qusb`, `version=${version}`, ...(c.ports !== undefined ? [`ports=${c.ports}`] : [])].join(','))
  }
  if (usbctrl.length > 0) w.set('usbctrl', usbctrl)
  const usbdev = d.devices.hostdevs.filter((h) => h.type === 'usb' && h.usb).map((h) => `hostbus=${h.usb!.bus},hostaddr=${h.usb!.device}`)
  if (usbdev.length > 0) w.set('usbdev', usbdev)
}

function formatChannels(d: Domain, w: NativeWriter): void {
  const list: string[] = []
  for (const c of d.devices.channels) {
    if (c.target.type !== undefined && c.target.type !== 'xen') {
      w.lost(`channel with target type ${c.target.type}`)
      continue
    }
    const comma = commaInSpec('channel', {name: c.target.name, path: c.type === 'unix' ? c.sources[0]?.path : undefined})
    if (comma) {
      w.lost(comma.lost)
      continue
    }
    const name = c.target.name !== undefined ? `,name=${c.target.name}` : ''
    if (c.type === 'pty') list.push(`connection=pty${name}`)
    else if (c.type === 'unix' && c.sources[0]?.path !== undefined) list.push(`connection=socket,path=${c.sources[0].path}${name}`)
    else {
      const r = formatChr(c)
      w.lost(`channel of type ${c.type}${'spec' in r ? ` (${r.spec})` : ''}: xl channels are pty or unix sockets`)
    }
  }
  if (list.length > 0) w.set('channel', list)
}
