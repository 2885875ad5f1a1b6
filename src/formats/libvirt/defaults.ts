import type {
  ChrDevice,
  ClockConfig,
  Controller,
  Devices,
  Disk,
  Domain,
  Graphics,
  Input,
  OsConfig,
  Video,
} from '../../model/domain.js'
import {diskNameToIndex} from './disk-address.js'
import type {LibvirtTarget} from './target.js'
import {hvmLoaderOf} from '../target-profile.js'

/**
 * What libvirt's post-parse adds to a Xen domain before it is formatted (virDomainDefPostParse
 * with the libxl driver's callbacks, libxlDomainDefPostParse / libxlDomainDeviceDefPostParse,
 * plus the caps lookups in xen_common.c), per xen-formats.md §7. Pure: returns a new domain and
 * never changes the one it is given. Parsers never add these; only this function does, so a
 * domain read from any format ends up with the same defaults.
 *
 * Every default fills a gap only: a value the input said is never overwritten. The two
 * rewrites are spellings, not values: the target release's name for the acpi_firmware table
 * set, and libxl's `variable` form of an HVM clock the parser left at utc/localtime.
 */
export function applyLibvirtDefaults(domain: Domain, target: LibvirtTarget): Domain {
  const kind = domain.os.kind
  const devices = defaultDevices(domain, target)
  // virDomainDefPostParseMemory: the balloon target never exceeds the maximum, and 0 means "all".
  const max = domain.maxMemoryKiB
  const cur = domain.currentMemoryKiB
  return {
    ...domain,
    currentMemoryKiB: max > 0 && (cur === 0 || cur > max) ? max : cur,
    os: defaultOs(domain.os, target),
    clock: defaultClock(domain.clock, kind === 'hvm'),
    lifecycle: {
      // virDomainDefParseXML's defaults for absent <on_*> elements.
      onPoweroff: domain.lifecycle.onPoweroff ?? 'destroy',
      onReboot: domain.lifecycle.onReboot ?? 'restart',
      onCrash: domain.lifecycle.onCrash ?? 'destroy',
    },
    devices,
  }
}

/** The machine libxl advertises per guest type in its capabilities (libxl_capabilities.c). */
const MACHINE = {hvm: 'xenfv', pv: 'xenpv', pvh: 'xenpvh'} as const

function defaultOs(os: OsConfig, target: LibvirtTarget): OsConfig {
  // Object.assign, not `{...os}`: a spread clone that later gains keys (arch, machine, loader)
  // is slow on Node 20 and slows every reader of it (model/location.ts). Same keys, same order.
  const out: OsConfig = Object.assign({}, os, {boot: [...os.boot]})
  // Xen's acpi_firmware is one raw set of tables; each libvirt release has one name for it.
  if (os.acpiTables !== undefined) {
    const name = target.acpiTableRawset ? 'rawset' : 'slic'
    out.acpiTables = os.acpiTables.map((t) => (t.type === 'slic' || t.type === 'rawset' ? {...t, type: name} : {...t}))
  }
  if (target.typeAttributes) {
    out.arch ??= target.arch
    out.machine ??= MACHINE[os.kind]
  }
  if (os.kind !== 'hvm') return out
  // xl `bios = "ovmf"` (xen_xl.c): a read-only pflash in LIBXL_FIRMWARE_DIR; anything else gets
  // the capabilities' hvmloader as a ROM.
  // (libvirt ≥ 11 also takes the OVMF path from xl `bios_path_override`: the parser sets
  // loader.path then, and the pflash type and read-only flag still come from here.)
  if (os.bios === 'ovmf') {
    out.loader = {path: `${target.profile.firmwareDir}/ovmf.bin`, type: 'pflash', readonly: true, ...definedOnly(os.loader)}
  } else if (os.loader?.path === undefined) {
    out.loader = Object.assign({}, os.loader, {path: hvmLoaderOf(target.profile)}, target.loaderTypeRom ? {type: 'rom' as const} : {})
  } else if (os.loader.type === undefined && target.loaderTypeRom) {
    out.loader = Object.assign({}, os.loader, {type: 'rom' as const})
  }
  // virDomainDefParseBootOptions: an HVM domain that names no boot device boots from disk.
  if (out.boot.length === 0) out.boot.push('hd')
  return out
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * HVM clocks are always `variable` with an adjustment in libxl (xen_common.c xenParseTimeOffset);
 * PV/PVH ones carry `adjustment='reset'`. Only filled where the parser left the clock at the
 * model's untouched default (`offset` utc or localtime, no adjustment, no basis).
 */
function defaultClock(c: ClockConfig, hvm: boolean): ClockConfig {
  if (c.adjustment !== undefined || c.basis !== undefined) return c
  if (hvm) {
    if (c.offset === 'variable') return Object.assign({}, c, {adjustment: '0', basis: 'utc' as const})
    return Object.assign({}, c, {offset: 'variable' as const, adjustment: '0', basis: c.offset === 'localtime' ? ('localtime' as const) : ('utc' as const)})
  }
  if (c.offset === 'variable') return c
  return Object.assign({}, c, {adjustment: 'reset'})
}

function defaultDevices(d: Domain, target: LibvirtTarget): Devices {
  const hvm = d.os.kind === 'hvm'
  const dev = d.devices
  const disks = dev.disks.map((x) => withDriveAddress(withDiskFormat(x)))
  const consoles = [...dev.consoles]
  if (consoles.length === 0) {
    if (!hvm) {
      // libxl adds the PV console (libxlDomainDefPostParse).
      consoles.push({type: 'pty', sources: [], target: {type: 'xen', port: 0}})
    } else if (dev.serials[0] !== undefined) {
      // virDomainDefAddConsoleCompat: the first serial is mirrored as a serial-type console.
      const s = dev.serials[0]
      const copy: ChrDevice = {type: s.type, sources: s.sources.map((x) => ({...x})), target: {type: 'serial', port: s.target.port ?? 0}}
      if (s.protocol !== undefined) copy.protocol = s.protocol
      if (s.tty !== undefined) copy.tty = s.tty
      consoles.push(copy)
    }
  }
  // Object.assign: `memballoon` is often a new key, and a spread clone given one is slow (see defaultOs).
  const out: Devices = Object.assign({}, dev, {
    disks,
    controllers: defaultControllers(dev.controllers, disks, target),
    interfaces: dev.interfaces.map((n) => (n.mac === undefined ? Object.assign({}, n, {mac: '00:00:00:00:00:00'}) : n)),
    graphics: dev.graphics.map(withListen),
    consoles,
    inputs: defaultInputs(dev.inputs, hvm),
    videos: defaultVideos(dev.videos, d),
    // PCI before USB, as libvirt keeps hostdevs grouped in its formatter's order.
    hostdevs: [...dev.hostdevs.filter((h) => h.type === 'pci'), ...dev.hostdevs.filter((h) => h.type !== 'pci')],
    memballoon: dev.memballoon ?? {model: 'xen' as const},
  })
  return out
}

/**
 * libxlDomainDeviceDefPostParse: a disk with no format is raw ("xl.cfg default format is raw",
 * xl-disk-configuration(5)), and a network disk with no driver gets `qemu`.
 */
function withDiskFormat(disk: Disk): Disk {
  const driver = Object.assign({}, disk.driver)
  if (disk.type === 'network') driver.name ??= 'qemu'
  driver.type ??= 'raw'
  return Object.assign({}, disk, {driver})
}

/**
 * A VNC/SPICE display without `<listen>` gets one of type address, carrying the legacy
 * `listen=` address when there is one (virDomainGraphicsDefParseXML / listen post-parse).
 */
function withListen(g: Graphics): Graphics {
  if (g.type === 'sdl' || g.listens.length > 0) return g
  return {...g, listens: [g.listen !== undefined ? {type: 'address', address: g.listen} : {type: 'address'}]}
}

/**
 * virDomainDiskDefAssignAddress for the drive buses: IDE has 2 buses × 2 units per controller,
 * SCSI 7 units on bus 0 per controller (non-wide), SATA 6 units. `hda`=0/0/0, `hdb`=0/0/1,
 * `hdc`=0/1/0, `sdh`=controller 1 unit 0.
 */
function withDriveAddress(disk: Disk): Disk {
  if (disk.address !== undefined) return disk
  const bus = disk.target.bus
  if (bus !== 'ide' && bus !== 'scsi' && bus !== 'sata' && bus !== 'fdc') return disk
  const idx = diskNameToIndex(disk.target.dev)
  if (idx === undefined) return disk
  const addr =
    bus === 'ide'
      ? {controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), unit: idx % 2}
      : bus === 'scsi'
        ? {controller: Math.floor(idx / 7), bus: 0, unit: idx % 7}
        : bus === 'sata'
          ? {controller: Math.floor(idx / 6), bus: 0, unit: idx % 6}
          : {controller: Math.floor(idx / 2), bus: 0, unit: idx % 2}
  return Object.assign({}, disk, {address: {type: 'drive' as const, target: 0, ...addr}})
}

/**
 * Controller order as libvirt ends up with for Xen: xenbus (xenParseXLXenbusLimits, or the libxl
 * post-parse for xm/SXP), the parsed usb controllers, then the implicit drive controllers in
 * virDomainDefAddImplicitControllers' order (scsi, fdc, ide, sata); by index within a type.
 */
const CONTROLLER_RANK: Record<string, number> = {xenbus: 0, usb: 1, scsi: 2, fdc: 3, ide: 4, sata: 5}

function defaultControllers(given: readonly Controller[], disks: readonly Disk[], target: LibvirtTarget): Controller[] {
  const out = [...given]
  const has = (type: string, index: number) => out.some((c) => c.type === type && c.index === index)
  if (target.xenbusController && !out.some((c) => c.type === 'xenbus')) out.push({type: 'xenbus', index: 0})
  // virDomainDefAddImplicitControllers: one controller per drive address used.
  for (const d of disks) {
    const bus = d.target.bus
    if (!d.address || bus === undefined) continue
    if (!has(bus, d.address.controller)) {
      for (let i = 0; i <= d.address.controller; i++) if (!has(bus, i)) out.push({type: bus, index: i})
    }
  }
  return out
    .map((c, i) => ({c, i}))
    .sort((a, b) => (CONTROLLER_RANK[a.c.type] ?? 9) - (CONTROLLER_RANK[b.c.type] ?? 9) || a.c.index - b.c.index || a.i - b.i)
    .map(({c}) => c)
}

/**
 * HVM: PS/2 mouse and keyboard always, after any USB input; PV/PVH: Xen mouse and keyboard
 * (virDomainDefAddImplicitDevices + libxl post-parse).
 */
function defaultInputs(given: readonly Input[], hvm: boolean): Input[] {
  const bus = hvm ? 'ps2' : 'xen'
  const out = [...given]
  for (const type of ['mouse', 'keyboard'] as const) {
    if (!out.some((i) => i.type === type && i.bus === bus)) out.push({type, bus})
  }
  return out
}

/** libxl's default video when there is graphics: HVM cirrus 8 MiB, PV xen 4 MiB, PVH cirrus 16 MiB. */
function defaultVideos(given: readonly Video[], d: Domain): Video[] {
  if (given.length > 0 || d.devices.graphics.length === 0) return [...given]
  const model =
    d.os.kind === 'hvm'
      ? {type: 'cirrus', vram: 8192}
      : d.os.kind === 'pv'
        ? {type: 'xen', vram: 4096}
        : {type: 'cirrus', vram: 16384}
  return [{model: Object.assign({}, model, {heads: 1, primary: true})}]
}
