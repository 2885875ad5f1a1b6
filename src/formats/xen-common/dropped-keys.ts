/**
 * Keys that xm/xl configs may carry but libvirt's xm/xl readers drop without a word
 * (xen-formats.md §6.5 and §5.0). xenlift keeps each value in `domain.extra` (so native
 * writers can carry it) and reports it under the checklist rule id (checklist.md), so
 * `check` can surface it. Severity here is the conversion-loss severity; whether a rule is a
 * blocker for the upgrade is the checks' business.
 */
import type {Severity} from '../../model/diagnostic.js'
import type {Domain} from '../../model/domain.js'
import {type ConfigReadContext, entryOf, report, toExtra} from './config-access.js'
import {isXendDefault} from './xend-defaults.js'

export interface DroppedKey {
  readonly code: string
  readonly severity: Severity
  readonly what: string
  /** Only in this format (the other format's reader never looks at it). */
  readonly format?: 'xm' | 'xl'
}

const W = 'warning' as const
const I = 'info' as const

export const DROPPED_KEYS: Readonly<Record<string, DroppedKey>> = {
  vscsi: {code: 'PVSCSI', severity: W, what: 'PV SCSI passthrough has no libvirt-libxl mapping'},
  vusb: {code: 'PVUSB', severity: W, what: 'PV USB passthrough (xm vusb) is not converted'},
  ioports: {code: 'IOPORTS-IRQ', severity: W, what: 'raw I/O port passthrough has no libvirt mapping'},
  irq: {code: 'IOPORTS-IRQ', severity: W, what: 'raw IRQ passthrough has no libvirt mapping'},
  irqs: {code: 'IOPORTS-IRQ', severity: W, what: 'raw IRQ passthrough has no libvirt mapping'},
  vtpm: {code: 'VTPM', severity: W, what: 'vTPM is not supported by libvirt-libxl'},
  cpu_weight: {code: 'CPU-WEIGHT', severity: W, what: 'credit scheduler weight is ignored by libvirt'},
  cpu_cap: {code: 'CPU-WEIGHT', severity: W, what: 'credit scheduler cap is ignored by libvirt'},
  weight: {code: 'CPU-WEIGHT', severity: W, what: 'credit scheduler weight is ignored by libvirt'},
  cap: {code: 'CPU-WEIGHT', severity: W, what: 'credit scheduler cap is ignored by libvirt'},
  cpu: {code: 'CPU-PIN', severity: W, what: 'xm `cpu` (first vCPU pinning) is ignored by libvirt', format: 'xm'},
  pool: {code: 'CPU-POOL', severity: W, what: 'CPU pool membership is not expressible in libvirt XML'},
  pool_name: {code: 'CPU-POOL', severity: W, what: 'CPU pool membership is not expressible in libvirt XML'},
  cpupool: {code: 'CPU-POOL', severity: W, what: 'CPU pool membership is not expressible in libvirt XML'},
  shadow_memory: {code: 'MEM-SHADOW', severity: I, what: 'shadow memory is computed by libxl'},
  access_control: {code: 'ACM-XSM', severity: W, what: 'xend ACM labels are gone'},
  security_label: {code: 'ACM-XSM', severity: W, what: 'xend ACM labels are gone'},
  seclabel: {code: 'ACM-XSM', severity: W, what: 'XSM label is ignored by libvirt'},
  gfx_passthru: {code: 'GFX-PASSTHRU', severity: W, what: 'VGA passthrough has no libvirt-libxl mapping'},
  fda: {code: 'FLOPPY', severity: W, what: 'floppy image is not converted'},
  fdb: {code: 'FLOPPY', severity: W, what: 'floppy image is not converted'},
  vif2: {code: 'VIF2', severity: W, what: 'netchannel2 is not supported by libxl'},
  nics: {code: 'VIF-EMPTY', severity: W, what: 'xm `nics` is not read; declare each NIC in `vif`'},
  hostname: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  ip: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  netmask: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  gateway: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  dhcp: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  interface: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  nfs_server: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  nfs_root: {code: 'VM-HELPERS', severity: W, what: 'xm folded it into the kernel command line; libvirt drops it', format: 'xm'},
  on_xend_start: {code: 'MGD-AUTOSTART', severity: W, what: 'xend autostart is not part of the domain XML (use virsh autostart)'},
  on_xend_stop: {code: 'MGD-AUTOSTOP', severity: I, what: 'xend stop action: configure libvirt-guests'},
  blkif: {code: 'DRIVER-DOMAIN', severity: W, what: 'block backend driver domain is not converted'},
  netif: {code: 'DRIVER-DOMAIN', severity: W, what: 'network backend driver domain is not converted'},
  driver_domain: {code: 'DRIVER-DOMAIN', severity: W, what: 'driver domain flag is ignored by libvirt'},
  target: {code: 'STUBDOM', severity: W, what: 'stub domain target is not supported by libvirt-libxl'},
  device_model_stubdomain_override: {code: 'STUBDOM', severity: W, what: 'stub domain device model is not supported by libvirt-libxl'},
  stubdomain_memory: {code: 'STUBDOM', severity: W, what: 'stub domain memory is ignored by libvirt'},
  device_model: {code: 'DM-PATH', severity: W, what: 'xend device model path is ignored (libvirt reads only device_model_override)'},
  device_model_version: {code: 'DM-PATH', severity: W, what: 'device model version is ignored by libvirt'},
  pci_msitranslate: {code: 'PCI-OPTS', severity: W, what: 'global PCI option is ignored by libvirt'},
  pci_power_mgmt: {code: 'PCI-OPTS', severity: W, what: 'global PCI option is ignored by libvirt'},
  pci_permissive: {code: 'PCI-OPTS', severity: W, what: 'global PCI option is ignored by libvirt'},
  pci_seize: {code: 'PCI-OPTS', severity: W, what: 'global PCI option is ignored by libvirt'},
  vncconsole: {code: 'GRAPHICS-EXTRA', severity: I, what: 'display option is ignored by libvirt'},
  vncviewer: {code: 'GRAPHICS-EXTRA', severity: I, what: 'display option is ignored by libvirt'},
  opengl: {code: 'GRAPHICS-EXTRA', severity: I, what: 'display option is ignored by libvirt'},
  stdvga: {code: 'GRAPHICS-EXTRA', severity: I, what: 'video model option is ignored by libvirt (cirrus is used)'},
  videoram: {code: 'GRAPHICS-EXTRA', severity: I, what: 'video memory option is ignored by libvirt'},
  nographic: {code: 'GRAPHICS-EXTRA', severity: I, what: 'display option is ignored by libvirt'},
  vga: {code: 'GRAPHICS-EXTRA', severity: I, what: 'video model option is ignored by libvirt'},
  vcpu_avail: {code: 'UNSUPPORTED', severity: W, what: 'online vCPU mask is ignored by libvirt (use maxvcpus/vcpus)'},
  monitor: {code: 'UNSUPPORTED', severity: I, what: 'qemu monitor option is ignored by libvirt'},
  xen_platform_pci: {code: 'UNSUPPORTED', severity: W, what: 'Xen platform PCI device setting is ignored by libvirt'},
  nomigrate: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  timer_mode: {code: 'UNSUPPORTED', severity: W, what: 'HVM timer mode is ignored by libvirt'},
  vpt_align: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  superpages: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  memory_sharing: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  s3_integrity: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  oos: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  vhpt: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  bootentry: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt'},
  machine_address_size: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  on_watchdog: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt'},
  max_maptrack_frames: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  claim_mode: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  vkb: {code: 'UNSUPPORTED', severity: W, what: 'PV keyboard devices are ignored by libvirt'},
  p9: {code: 'UNSUPPORTED', severity: W, what: '9pfs shares are ignored by libvirt'},
  dtdev: {code: 'UNSUPPORTED', severity: W, what: 'device-tree passthrough is ignored by libvirt'},
  rdm: {code: 'UNSUPPORTED', severity: W, what: 'reserved device memory policy is ignored by libvirt'},
  ms_vm_genid: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  altp2m: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt'},
  acpi_s3: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  acpi_s4: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  firmware: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt (only bios = "ovmf" is read)'},
  device_model_args_hvm: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt (only device_model_args is read)'},
  device_model_args_pv: {code: 'UNSUPPORTED', severity: W, what: 'ignored by libvirt (only device_model_args is read)'},
  pvh: {code: 'UNSUPPORTED', severity: W, what: 'the old `pvh = 1` key is ignored by libvirt; use type = "pvh"'},
  console: {code: 'UNSUPPORTED', severity: I, what: 'ignored by libvirt'},
  bootloader_args: {code: 'UNSUPPORTED', severity: W, what: 'this spelling is ignored by libvirt; use bootargs'},
  restart: {code: 'UNSUPPORTED', severity: W, what: 'old xm restart policy is ignored by libvirt; use on_reboot/on_crash'},
}

/**
 * The same table as a Map, built once: `Object.hasOwn` + index on the ~90-key literal (a
 * dictionary-mode object) was the hot spot of this function in CPU profiles.
 */
const DROPPED_KEY_MAP: ReadonlyMap<string, DroppedKey> = new Map(Object.entries(DROPPED_KEYS))

/** Keys libvirt reads only for HVM guests (ignored for PV/PVH, xen-formats.md §6.5). */
const HVM_ONLY_KEYS: ReadonlySet<string> = new Set([
  'acpi', 'apic', 'pae', 'hap', 'viridian', 'hpet', 'nestedhvm', 'rtc_timeoffset', 'boot', 'usbdevice',
  'soundhw', 'serial', 'parallel', 'spice', 'vnc', 'sdl', 'vncunused', 'vncdisplay', 'vnclisten', 'bios', 'acpi_firmware',
])

/** Keys libvirt reads only for PV/PVH guests (ignored for HVM). */
const PV_ONLY_KEYS: ReadonlySet<string> = new Set(['e820_host', 'bootloader', 'bootargs', 'vfb'])

/** Keys only libvirt's xl reader looks at: an xm config's copy of them is ignored (§5.0). */
export const XL_ONLY_KEYS: ReadonlySet<string> = new Set([
  'bios', 'acpi_firmware', 'nestedhvm', 'cpuid', 'vnuma', 'max_event_channels', 'max_grant_frames',
  'spice', 'spicehost', 'spiceport', 'spicetls_port', 'spicedisable_ticketing', 'spicepasswd',
  'spiceagent_mouse', 'spice_clipboard_sharing', 'spicevdagent', 'spiceusbredirection',
  'spice_image_compression', 'spice_streaming_video', 'usbctrl', 'usbdev', 'channel', 'device_model_args',
])

/**
 * Report every dropped key present in the config (once per key, at its last assignment) and
 * keep its value in `domain.extra`; in xm configs also the xl-only keys libvirt's xm reader
 * never looks at.
 */
export function reportDroppedKeys(ctx: ConfigReadContext, d: Domain, format: 'xm' | 'xl'): void {
  const seen = new Set<string>()
  for (const e of ctx.cfg.entries) {
    if (seen.has(e.key)) continue
    seen.add(e.key)
    const used = entryOf(ctx, e.key)
    if (!used || used.value === undefined || used.value === null) continue
    const dk = DROPPED_KEY_MAP.get(e.key)
    if (dk && (dk.format === undefined || dk.format === format)) {
      d.extra[e.key] = toExtra(used.value)
      // xend's defaults (`ignore`) change nothing; `on_xend_start = "start"` is an autostart wish.
      if ((e.key === 'on_xend_start' || e.key === 'on_xend_stop') && used.value === 'ignore') continue
      if (e.key === 'on_xend_start' && used.value === 'start') d.autostart = true
      // What xend or xm wrote by default (`target = 0`, `videoram = 4`, `fda = ''`) loses nothing.
      if (isXendDefault(e.key, used.value)) continue
      // `device_model = '…/stubdom-dm'` is a stub domain (checklist STUBDOM), not just a path.
      if (e.key === 'device_model' && typeof used.value === 'string' && /stubdom-dm$/.test(used.value)) {
        report(ctx, 'STUBDOM', dk.severity, `device_model = "${used.value}": a stub-domain device model is not supported by libvirt-libxl`, e.key)
        continue
      }
      report(ctx, dk.code, dk.severity, `${e.key}: ${dk.what}`, e.key)
    } else if (format === 'xm' && XL_ONLY_KEYS.has(e.key)) {
      d.extra[e.key] = toExtra(used.value)
      report(ctx, 'UNSUPPORTED', 'info', `${e.key} is an xl key: libvirt's xm reader ignores it (convert the file as xl to use it)`, e.key)
    } else if (d.os.kind !== 'hvm' && HVM_ONLY_KEYS.has(e.key)) {
      report(ctx, 'UNSUPPORTED', 'info', `${e.key} applies to HVM guests only: ignored for this ${d.os.kind.toUpperCase()} guest`, e.key)
    } else if (d.os.kind === 'hvm' && PV_ONLY_KEYS.has(e.key)) {
      report(ctx, 'UNSUPPORTED', 'info', `${e.key} applies to PV/PVH guests only: ignored for this HVM guest`, e.key)
    }
  }
}
