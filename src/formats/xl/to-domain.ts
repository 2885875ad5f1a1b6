/**
 * xl config (NativeConfig) → Domain, mirroring libvirt 9.0's `xenParseXL`
 * (`src/libxl/xen_xl.c`): the common keys, then in libvirt's order `xenParseXLOS`,
 * `xenParseXLVnuma`, `xenParseXLXenbusLimits`, `xenParseXLCPUID`, `xenParseXLDisk`,
 * `xenParseXLSpice`, `xenParseXLInputDevs`, `xenParseXLUSB`, `xenParseXLUSBController`,
 * `xenParseXLChannel`, `xenParseXLNamespaceData` (xen-formats.md §5.3). Any error → no domain.
 */
import {hasErrors} from '../../model/diagnostic.js'
import type {ChrDevice, Domain, Graphics} from '../../model/domain.js'
import type {NativeConfig} from '../../model/native-config.js'
import {checkMemory, readCommonKeys} from '../xen-common/common-keys.js'
import {
  type ConfigReadContext,
  entryOf,
  error,
  getBool,
  getListStrings,
  getNumber,
  getString,
  newContext,
  report,
  configValue,
} from '../xen-common/config-access.js'
import {parseXlCpuid} from '../xen-common/cpuid.js'
import {checkDisks} from '../xen-common/disk-checks.js'
import {reportDroppedKeys} from '../xen-common/dropped-keys.js'
import {reportFindings} from '../xen-common/findings.js'
import {parseVnuma} from '../xen-common/vnuma.js'
import {ASSUMED_TARGET_PROFILE} from '../target-profile.js'
import {type NativeToDomainOptions, type NativeToDomainResult, readBootOrder, readPvOs} from '../xen-common/os-keys.js'
import {parseXlDiskSpec, xlDiskToDisk} from './disk-spec.js'
import {withPath} from '../../model/location.js'

export function xlToDomain(cfg: NativeConfig, opts: NativeToDomainOptions = {}): NativeToDomainResult {
  const ctx = newContext(cfg, opts.file)
  const d = readCommonKeys(ctx, {format: 'xl', ...(opts.uuidSeed !== undefined ? {uuidSeed: opts.uuidSeed} : {})})
  const profile = opts.target?.profile ?? ASSUMED_TARGET_PROFILE
  readXlOs(ctx, d, profile.cpuVendor, profile.firmwareDir)
  readVnuma(ctx, d)
  readXenbusLimits(ctx, d)
  readCpuid(ctx, d)
  readDisks(ctx, d)
  readSpice(ctx, d)
  readInputs(ctx, d)
  readUsbdev(ctx, d)
  readUsbctrl(ctx, d)
  readChannels(ctx, d)
  readDeviceModelArgs(ctx, d)
  if (d.os.kind === 'hvm' && d.devices.graphics.length === 0 && configValue(ctx, 'vnc') === undefined && configValue(ctx, 'sdl') === undefined) {
    report(ctx, 'GRAPHICS-DEFAULT', 'info', 'no vnc/sdl/spice key: xl gave this HVM guest a VNC display by default, libvirt gives it none (add vnc = 1 to keep it)')
  }
  reportDroppedKeys(ctx, d, 'xl')
  checkDisks(ctx, d, profile)
  checkMemory(ctx, d)
  reportFindings(ctx, d)
  return hasErrors(ctx.diagnostics) ? {diagnostics: ctx.diagnostics} : {domain: d, diagnostics: ctx.diagnostics}
}

/** xenParseCmdline: `cmdline` wins over `root` + `extra`. */
function readCmdline(ctx: ConfigReadContext): string | undefined {
  const cmdline = getString(ctx, 'cmdline')
  const root = getString(ctx, 'root')
  const extra = getString(ctx, 'extra')
  if (cmdline !== undefined) {
    if (root !== undefined || extra !== undefined) report(ctx, 'UNSUPPORTED', 'warning', 'root and extra are ignored in favour of cmdline', 'cmdline')
    return cmdline
  }
  if (root !== undefined) return extra !== undefined ? `root=${root} ${extra}` : `root=${root}`
  return extra
}

function readXlOs(ctx: ConfigReadContext, d: Domain, vendor: 'intel' | 'amd', bootDir: string): void {
  if (d.os.kind !== 'hvm') {
    readPvOs(ctx, d, readCmdline(ctx), bootDir)
    return
  }
  const bios = getString(ctx, 'bios')
  // libvirt ≥ 11 reads bios_path_override as the OVMF image.
  const biosPath = getString(ctx, 'bios_path_override')
  if (bios === 'ovmf') {
    d.os.bios = 'ovmf'
    if (biosPath !== undefined) d.os.loader = {path: biosPath, type: 'pflash', readonly: true}
  } else if (biosPath !== undefined) {
    error(ctx, 'bios_path_override requires bios = "ovmf"', 'bios_path_override')
  } else if (bios !== undefined && bios !== 'seabios' && bios !== 'rombios') {
    report(ctx, 'UNSUPPORTED', 'warning', `bios = "${bios}" is not "ovmf": libvirt uses the default hvmloader`, 'bios')
  }
  const slic = getString(ctx, 'acpi_firmware')
  // Xen loads these as a raw set of tables; libvirt < 11.2 calls it slic (the defaults map it).
  if (slic !== undefined) d.os.acpiTables = [{type: 'rawset', path: slic}]
  const kernel = getString(ctx, 'kernel')
  if (kernel !== undefined) {
    d.os.kernel = kernel
    if (/hvmloader$/.test(kernel)) {
      report(ctx, 'BOOT-HVM-DIRECT', 'warning', `kernel = "${kernel}" in an xl HVM config is a direct kernel boot of the firmware (an xm-style line): drop it`, 'kernel')
    }
  }
  const cmdline = readCmdline(ctx)
  if (cmdline !== undefined) d.os.cmdline = cmdline
  const ramdisk = getString(ctx, 'ramdisk')
  if (ramdisk !== undefined) d.os.initrd = ramdisk
  readBootOrder(ctx, d)
  const nested = getBool(ctx, 'nestedhvm', undefined)
  if (nested !== undefined) {
    d.cpu ??= {mode: 'host-passthrough', features: []}
    if (!nested) d.cpu.features.push({policy: 'disable', name: vendor === 'amd' ? 'svm' : 'vmx'})
  }
}

function readVnuma(ctx: ConfigReadContext, d: Domain): void {
  const v = configValue(ctx, 'vnuma')
  if (!Array.isArray(v)) return
  const r = parseVnuma(v)
  if ('error' in r) {
    error(ctx, r.error, 'vnuma')
    return
  }
  if (d.vcpu.max < r.vcpus) {
    error(ctx, `vnuma configuration contains ${r.vcpus} vcpus, which is greater than ${d.vcpu.max} maxvcpus`, 'vnuma')
    return
  }
  // libvirt replaces any <cpu> (e.g. nestedhvm's) with the NUMA one.
  d.cpu = {features: [], numa: r.cells}
  const total = r.cells.reduce((n, c) => n + c.memoryKiB, 0)
  d.maxMemoryKiB = total
  d.currentMemoryKiB = total
}

function readXenbusLimits(ctx: ConfigReadContext, d: Domain): void {
  const gnt = getNumber(ctx, 'max_grant_frames', 0)
  const evt = getNumber(ctx, 'max_event_channels', 0)
  if (gnt <= 0 && evt <= 0) return
  d.devices.controllers.push({
    type: 'xenbus',
    index: 0,
    ...(gnt > 0 ? {maxGrantFrames: gnt} : {}),
    ...(evt > 0 ? {maxEventChannels: evt} : {}),
  })
}

function readCpuid(ctx: ConfigReadContext, d: Domain): void {
  const v = configValue(ctx, 'cpuid')
  if (v === undefined) return
  if (typeof v !== 'string') {
    error(ctx, "expected a string for 'cpuid' parameter (xend's list form is not supported: rewrite as \"host,feature=value,…\")", 'cpuid', undefined, 'CPU-CPUID')
    return
  }
  const r = parseXlCpuid(v)
  if ('error' in r) {
    error(ctx, r.error, 'cpuid', undefined, 'CPU-CPUID')
    return
  }
  d.cpu ??= {mode: 'host-passthrough', features: []}
  for (const f of r.features) {
    if (d.cpu.features.some((x) => x.name === f.name)) {
      error(ctx, `CPU feature '${f.name}' specified more than once`, 'cpuid', undefined, 'CPU-CPUID')
      return
    }
    d.cpu.features.push(f)
  }
}

function readDisks(ctx: ConfigReadContext, d: Domain): void {
  const list = getListStrings(ctx, 'disk')
  const e = entryOf(ctx, 'disk')
  for (const {value, index} of list ?? []) {
    const path = `disk[${index}]`
    const r = parseXlDiskSpec(value)
    if ('error' in r) {
      error(ctx, `${path}: '${value}': ${r.error}`, 'disk', path)
      continue
    }
    const disk = xlDiskToDisk(r.spec, d.os.kind === 'hvm')
    if (e) disk.loc = withPath(e.loc, path)
    d.devices.disks.push(disk)
    const prefix = r.spec.deprecatedPrefix
    if (prefix === 'tap' || prefix === 'tap2' || r.spec.backend === 'tap') report(ctx, 'DISK-BLKTAP1', 'warning', `${path}: blktap backend: libxl uses qdisk`, 'disk', undefined, path)
    if (disk.script !== undefined && disk.script !== 'drbd') report(ctx, 'DISK-SCRIPT', 'warning', `${path}: block script ${disk.script} is not expressible in libvirt XML`, 'disk', undefined, path)
    const backend = r.spec.backendDomain
    if (backend !== undefined && backend !== '' && backend !== '0' && backend !== 'Domain-0') {
      d.extra[`${path}.backend`] = backend
      report(ctx, 'DRIVER-DOMAIN', 'warning', `${path}: backend=${backend} (driver domain) is ignored by libvirt`, 'disk', undefined, path)
    }
  }
}

function readSpice(ctx: ConfigReadContext, d: Domain): void {
  if (d.os.kind !== 'hvm' || !getBool(ctx, 'spice', false)) return
  const g: Graphics = {type: 'spice', listens: []}
  const host = getString(ctx, 'spicehost')
  g.listens.push(host !== undefined ? {type: 'address', address: host} : {type: 'address'})
  const tls = getNumber(ctx, 'spicetls_port', 0)
  if (tls) g.tlsPort = tls
  const port = getNumber(ctx, 'spiceport', 0)
  if (port) g.port = port
  g.autoport = !tls && !port
  if (!getBool(ctx, 'spicedisable_ticketing', false)) {
    const passwd = getString(ctx, 'spicepasswd')
    if (passwd === undefined) {
      if (entryOf(ctx, 'spicepasswd') === undefined) report(ctx, 'MISSING-KEY', 'error', 'config value spicepasswd was missing (required unless spicedisable_ticketing = 1)', 'spice')
    } else g.passwd = passwd
  }
  g.mouseMode = getBool(ctx, 'spiceagent_mouse', false) ? 'client' : 'server'
  g.clipboardCopyPaste = getBool(ctx, 'spice_clipboard_sharing', false)
  // libxl supports one graphics device: SPICE replaces VNC/SDL.
  d.devices.graphics = [g]
}

function readInputs(ctx: ConfigReadContext, d: Domain): void {
  if (d.os.kind !== 'hvm') return
  const v = configValue(ctx, 'usbdevice')
  if (v === undefined) return
  let items: string[]
  if (Array.isArray(v)) {
    if (v.some((x) => typeof x !== 'string')) {
      error(ctx, 'config value usbdevice was malformed', 'usbdevice')
      return
    }
    items = v as string[]
  } else {
    const s = getString(ctx, 'usbdevice')
    if (s === undefined) return
    items = [s]
  }
  for (const s of items) {
    if (s === '') continue
    if (s === 'tablet' || s === 'mouse' || s === 'keyboard') d.devices.inputs.push({type: s, bus: 'usb'})
    else {
      d.extra.usbdevice = s
      report(ctx, 'USB-HOST', 'warning', `usbdevice "${s}" is dropped by libvirt; add a <hostdev type='usb'> by hand`, 'usbdevice')
    }
  }
}

/**
 * `key=value,…` of a usbctrl/usbdev/channel string, as libvirt scans them (prefix match, last
 * wins). `complete` is false when libvirt gave up on the entry: it looks for '=' in the whole
 * rest of the string, so an item without one stops the scan (values seen so far stay read).
 */
function keyValues(spec: string): {values: Map<string, string>; complete: boolean} {
  const values = new Map<string, string>()
  let key: string | undefined = spec
  while (key !== undefined) {
    if (!key.includes('=')) return {values, complete: false}
    const comma = key.indexOf(',')
    const item = comma >= 0 ? key.slice(0, comma) : key
    const eq = item.indexOf('=')
    if (eq >= 0) values.set(item.slice(0, eq), item.slice(eq + 1))
    key = comma >= 0 ? key.slice(comma + 1).replace(/^[, \t]+/, '') : undefined
  }
  return {values, complete: true}
}

function hexInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX])?([0-9a-fA-F]+)$/.exec(s)
  return m ? Number.parseInt(m[2] ?? '', 16) * (m[1] === '-' ? -1 : 1) : undefined
}

function readUsbdev(ctx: ConfigReadContext, d: Domain): void {
  for (const {value, index} of getListStrings(ctx, 'usbdev') ?? []) {
    const path = `usbdev[${index}]`
    const {values: kv, complete} = keyValues(value)
    const busText = kv.get('hostbus')
    const addrText = kv.get('hostaddr')
    const bus = hexInt(busText)
    const device = hexInt(addrText)
    if (!complete || (busText !== undefined && bus === undefined) || (addrText !== undefined && device === undefined)) {
      report(ctx, 'PVUSB', 'warning', `${path}: '${value}' cannot be parsed (hostbus=/hostaddr= are hex); libvirt drops it`, 'usbdev', undefined, path)
      continue
    }
    if (bus === undefined || device === undefined) {
      error(ctx, `${path}: '${value}' needs both hostbus= and hostaddr= (libvirt would print an uninitialised address)`, 'usbdev', path)
      continue
    }
    d.devices.hostdevs.push({mode: 'subsystem', type: 'usb', managed: false, usb: {bus, device}})
  }
}

function readUsbctrl(ctx: ConfigReadContext, d: Domain): void {
  for (const {value, index} of getListStrings(ctx, 'usbctrl') ?? []) {
    const path = `usbctrl[${index}]`
    const {values: kv, complete} = keyValues(value)
    const type = kv.get('type')
    const versionText = kv.get('version')
    const portsText = kv.get('ports')
    const version = versionText !== undefined ? hexInt(versionText) : 2
    const ports = portsText !== undefined ? hexInt(portsText) : 8
    if (!complete || (type !== undefined && !type.startsWith('qusb')) || version === undefined || ports === undefined) {
      report(ctx, 'PVUSB', 'warning', `${path}: '${value}' is not a qusb controller libvirt can read; libvirt drops it`, 'usbctrl', undefined, path)
      continue
    }
    // libvirt leaves the index unset; post-parse numbers controllers per type.
    const usbIndex = d.devices.controllers.filter((c) => c.type === 'usb').length
    d.devices.controllers.push({type: 'usb', index: usbIndex, model: version === 1 ? 'qusb1' : 'qusb2', ports})
  }
}

function readChannels(ctx: ConfigReadContext, d: Domain): void {
  let name: string | undefined
  for (const {value, index} of getListStrings(ctx, 'channel') ?? []) {
    const path = `channel[${index}]`
    const {values: kv, complete} = keyValues(value)
    // libvirt keeps a name read from a dropped entry for the next one (its variable is not reset).
    name = kv.get('name') ?? name
    if (!complete) {
      report(ctx, 'BAD-VALUE', 'warning', `${path}: '${value}' has an element without '='; libvirt drops it`, 'channel', undefined, path)
      continue
    }
    const connection = kv.get('connection')
    let ch: ChrDevice
    if (connection === undefined) {
      error(ctx, `${path}: channel without connection= (libvirt 9.0 crashes on it); use connection=pty or connection=socket`, 'channel', path)
      continue
    } else if (connection.startsWith('socket')) {
      const p = kv.get('path')
      ch = {type: 'unix', sources: [{mode: 'bind', ...(p !== undefined ? {path: p} : {})}], target: {type: 'xen'}}
    } else if (connection.startsWith('pty')) {
      ch = {type: 'pty', sources: [], target: {type: 'xen'}}
    } else {
      error(ctx, `${path}: unsupported channel connection '${connection}' (pty or socket)`, 'channel', path)
      continue
    }
    if (name !== undefined) ch.target.name = name
    name = undefined
    d.devices.channels.push(ch)
  }
}

function readDeviceModelArgs(ctx: ConfigReadContext, d: Domain): void {
  const v = configValue(ctx, 'device_model_args')
  if (!Array.isArray(v)) return
  const args = v.filter((x): x is string => typeof x === 'string')
  if (args.length > 0) d.qemuArgs = args
}
