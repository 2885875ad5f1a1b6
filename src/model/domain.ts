/**
 * The neutral domain model. Every format (SXP, xm, xl, libvirt XML) maps to and from it.
 *
 * Shape: it follows libvirt's domain definition (virDomainDef) closely, because libvirt's
 * domain XML is the richest of the four formats and the one every conversion ends in; it is
 * neutral in that units are normalised (memory in KiB, booleans as booleans) and nothing
 * textual about any one format leaks in. What a format says but libvirt cannot express lives
 * in `Domain.extra` (so writers for xl/xm can carry it) and is reported as a diagnostic.
 *
 * Plain readonly-ish data: parsers build it, writers and checks read it. Optional fields mean
 * "not said by the input"; libvirt's own defaults are added later by
 * `formats/libvirt/defaults.ts`, never by parsers.
 */

/** Where a value came from: file, 1-based line and column, and an optional key/SXP path. */
export interface Location {
  readonly file?: string
  readonly line: number
  readonly column: number
  /** The config key (`disk`, `vif[1]`) or SXP path (`domain/image/hvm/kernel`). */
  readonly path?: string
}

/** PV (`linux`/`xen`), HVM, or PVH. */
export type GuestKind = 'pv' | 'hvm' | 'pvh'

export type LifecycleAction =
  | 'destroy'
  | 'restart'
  | 'preserve'
  | 'rename-restart'
  | 'coredump-destroy'
  | 'coredump-restart'

export type BootDevice = 'fd' | 'hd' | 'cdrom' | 'network'

export interface Loader {
  /** Firmware path; absent = the target's default hvmloader (filled in by libvirt defaults). */
  path?: string
  type?: 'rom' | 'pflash'
  readonly?: boolean
}

export interface OsConfig {
  kind: GuestKind
  /** `arch`/`machine` attributes of `<type>`: target-profile facts, set by libvirt defaults or the XML reader. */
  arch?: string
  machine?: string
  loader?: Loader
  /** xl `bios = "ovmf"` etc.; libvirt defaults turn `ovmf` into a pflash loader. */
  bios?: string
  kernel?: string
  initrd?: string
  cmdline?: string
  root?: string
  bootloader?: string
  bootloaderArgs?: string
  /** HVM boot order. */
  boot: BootDevice[]
  /** `<os><acpi><table type='slic'>` (xl `acpi_firmware`). */
  acpiTables?: {type: string; path: string}[]
}

export type FeatureState = 'on' | 'off'

export interface Features {
  acpi?: boolean
  apic?: boolean
  pae?: boolean
  /** `<hap/>` (on) or `<hap state='off'/>` (off). */
  hap?: FeatureState
  viridian?: boolean
  /** `<features><xen><e820_host state='on'/>` */
  e820Host?: boolean
  /** `<features><xen><passthrough state='on' mode=…/>` */
  passthrough?: {state: FeatureState; mode?: string}
}

export interface CpuFeature {
  policy: 'force' | 'require' | 'optional' | 'disable' | 'forbid'
  name: string
}

export interface NumaCell {
  id: number
  cpus: string
  memoryKiB: number
  distances?: {id: number; value: number}[]
}

export interface CpuConfig {
  mode?: 'host-passthrough' | 'host-model' | 'custom'
  features: CpuFeature[]
  numa?: NumaCell[]
}

export interface Timer {
  name: string
  present?: boolean
  mode?: string
}

export interface ClockConfig {
  offset: 'utc' | 'localtime' | 'variable'
  /** `reset`, or a number of seconds as text (`'0'`, `'-3600'`). */
  adjustment?: string
  basis?: 'utc' | 'localtime'
  timers: Timer[]
}

export interface VcpuConfig {
  max: number
  /** Online vCPUs when fewer than max. */
  current?: number
  cpuset?: string
}

export interface CpuTune {
  shares?: number
  vcpupin: {vcpu: number; cpuset: string}[]
}

export interface DriveAddress {
  type: 'drive'
  controller: number
  bus: number
  target: number
  unit: number
}

export interface Disk {
  type?: 'file' | 'block' | 'network'
  device: 'disk' | 'cdrom' | 'floppy'
  driver?: {name?: string; type?: string}
  /** Absent for an empty CD-ROM with no `<source>` element at all. */
  source?: {
    file?: string
    dev?: string
    protocol?: string
    name?: string
    /** Network disk servers (`<source protocol='rbd'><host name port/>`, xl `rbd:…:mon_host=…`). */
    hosts?: {name: string; port?: number}[]
    auth?: {username: string; secretType: string; secretUsage?: string; secretUuid?: string}
  }
  target: {dev: string; bus?: string}
  readonly?: boolean
  shareable?: boolean
  address?: DriveAddress
  /** Backend (driver) domain name; `<backenddomain name=…>`. */
  backendDomain?: string
  /** Xen block script (`iscsi`, `drbd`, `npiv`, …): not expressible in libvirt XML. */
  script?: string
  loc?: Location
}

export interface Controller {
  type: 'xenbus' | 'ide' | 'scsi' | 'usb' | string
  index: number
  model?: string
  ports?: number
  maxGrantFrames?: number
  maxEventChannels?: number
}

export interface IpAddress {
  address: string
  family?: 'ipv4' | 'ipv6'
  prefix?: number
}

export interface Interface {
  type: 'bridge' | 'ethernet' | 'network'
  mac?: string
  source?: {bridge?: string; network?: string}
  script?: string
  ips: IpAddress[]
  /** `<target dev=…>` (xm `vifname`). */
  targetDev?: string
  /** True when `targetDev` was generated from a runtime domid (libvirt's SXP `vif<domid>.<n>` rule), not said by the config. */
  targetDevRuntime?: boolean
  model?: string
  /** `<bandwidth><outbound average=…>` in KB/s. */
  bandwidthOutboundKBps?: number
  vlan?: {trunk: boolean; tags: number[]}
  virtualport?: 'openvswitch'
  backendDomain?: string
  loc?: Location
}

export type ChrType =
  | 'pty'
  | 'dev'
  | 'file'
  | 'pipe'
  | 'null'
  | 'stdio'
  | 'vc'
  | 'tcp'
  | 'udp'
  | 'unix'

export interface ChrSource {
  mode?: 'bind' | 'connect'
  path?: string
  host?: string
  service?: string
}

export interface ChrDevice {
  type: ChrType
  sources: ChrSource[]
  /** tcp only: `raw` or `telnet`. */
  protocol?: 'raw' | 'telnet'
  target: {type?: string; port?: number; name?: string}
  /** `tty=` attribute (runtime pty path). */
  tty?: string
  loc?: Location
}

export interface Input {
  type: 'mouse' | 'keyboard' | 'tablet'
  bus: 'ps2' | 'xen' | 'usb'
}

export interface GraphicsListen {
  type: 'address'
  address?: string
}

export interface Graphics {
  type: 'vnc' | 'sdl' | 'spice'
  port?: number
  tlsPort?: number
  autoport?: boolean
  /** The legacy `listen=` attribute (libvirt mirrors the first `<listen>` address there). */
  listen?: string
  listens: GraphicsListen[]
  /** Secret: redacted in reports, omitted from XML unless the target asks for secrets. */
  passwd?: string
  keymap?: string
  display?: string
  xauth?: string
  mouseMode?: 'client' | 'server'
  clipboardCopyPaste?: boolean
  loc?: Location
}

export interface Sound {
  model: string
}

export interface Video {
  model: {type: string; vram?: number; heads?: number; primary?: boolean}
}

export interface PciAddress {
  domain: number
  bus: number
  slot: number
  function: number
}

export interface Hostdev {
  mode: 'subsystem'
  type: 'pci' | 'usb'
  managed: boolean
  pci?: PciAddress
  /** PCI `permissive`: true → `writeFiltering='no'`, false → `'yes'`. */
  permissive?: boolean
  usb?: {bus: number; device: number}
  /** Options libvirt drops (`msitranslate=1`, `power_mgmt=1`, `@vslot`…), kept for xl/xm writers and reports. */
  droppedOptions?: string[]
  loc?: Location
}

export interface Devices {
  emulator?: string
  disks: Disk[]
  controllers: Controller[]
  interfaces: Interface[]
  serials: ChrDevice[]
  parallels: ChrDevice[]
  consoles: ChrDevice[]
  channels: ChrDevice[]
  inputs: Input[]
  graphics: Graphics[]
  sounds: Sound[]
  videos: Video[]
  hostdevs: Hostdev[]
  memballoon?: {model: string}
}

export interface Lifecycle {
  onPoweroff?: LifecycleAction
  onReboot?: LifecycleAction
  onCrash?: LifecycleAction
}

/**
 * Settings that a native format holds but libvirt's domain XML cannot express (PVSCSI, PVUSB,
 * cpu_cap, pools, …). Kept so that native writers can carry them and checks can name them.
 */
export type ExtraValue = string | number | boolean | ExtraValue[] | {[key: string]: ExtraValue}

export interface Domain {
  /** Runtime domain id (only from `xm list -l` dumps). */
  id?: number
  name: string
  /** Canonical dashed lower-case UUID. */
  uuid?: string
  description?: string
  /** `<memory>`: maximum, KiB. */
  maxMemoryKiB: number
  /** `<currentMemory>`: KiB. */
  currentMemoryKiB: number
  vcpu: VcpuConfig
  cputune?: CpuTune
  os: OsConfig
  features: Features
  cpu?: CpuConfig
  clock: ClockConfig
  lifecycle: Lifecycle
  devices: Devices
  /** `<xen:commandline>` arguments (xl `device_model_args`). */
  qemuArgs?: string[]
  /** Autostart wish (xend `on_xend_start start`, `/etc/xen/auto`): a `virsh autostart`, not XML. */
  autostart?: boolean
  extra: Record<string, ExtraValue>
  loc?: Location
}

/** An empty device set, for parsers to fill. */
export function emptyDevices(): Devices {
  return {
    disks: [],
    controllers: [],
    interfaces: [],
    serials: [],
    parallels: [],
    consoles: [],
    channels: [],
    inputs: [],
    graphics: [],
    sounds: [],
    videos: [],
    hostdevs: [],
  }
}

/** A minimal domain of the given kind with nothing said, for parsers to fill. */
export function newDomain(name: string, kind: GuestKind): Domain {
  return {
    name,
    maxMemoryKiB: 0,
    currentMemoryKiB: 0,
    vcpu: {max: 1},
    os: {kind, boot: []},
    features: {},
    clock: {offset: 'utc', timers: []},
    lifecycle: {},
    devices: emptyDevices(),
    extra: {},
  }
}
