/**
 * Settings the readers kept in `Domain.extra` because libvirt cannot express them (PVSCSI,
 * scheduler caps, pools, vTPM, …). A native config CAN carry many of them: write those under
 * the target format's key, report the rest. Keys are the native key names the xm/xl readers
 * used, or SXP paths (`image/hvm/gfx_passthru`, `device/vscsi`, `pool_name`) from the SXP reader.
 */
import type {ExtraValue} from '../../model/domain.js'
import type {NativeWriter} from './format-common.js'
import type {NativeValue} from './native-text.js'

/** Native keys xl reads (xl.cfg(5)) that may be carried over as they are. */
const XL_KEYS = new Set([
  'vscsi', 'vtpm', 'ioports', 'irqs', 'iomem', 'pool', 'cpu_weight', 'cap', 'gfx_passthru', 'shadow_memory',
  'nomigrate', 'timer_mode', 'vpt_align', 'xen_platform_pci', 'videoram', 'stdvga', 'vga', 'usbdevice',
  'vkb', 'p9', 'dtdev', 'rdm', 'claim_mode', 'max_maptrack_frames', 'driver_domain', 'seclabel',
  'altp2m', 'acpi_s3', 'acpi_s4', 'msitranslate', 'pci_permissive', 'pci_seize', 'pci_power_mgmt',
  'ms_vm_genid', 'serial', 'vnc', 'usb', 'vusb', 'usbctrl', 'usbdev', 'device_model_version',
  'device_model_stubdomain_override', 'bootloader_args',
])

/** xm keys (xm create(1)) that may be carried over. */
const XM_KEYS = new Set([
  'vscsi', 'vtpm', 'ioports', 'irq', 'pool', 'cpu_weight', 'cpu_cap', 'gfx_passthru', 'shadow_memory', 'nomigrate',
  'timer_mode', 'vpt_align', 'xen_platform_pci', 'videoram', 'stdvga', 'usbdevice', 'vusb', 'usb', 'access_control',
  'cpuid', 'cpuid_check', 'vif2', 'on_xend_start', 'on_xend_stop', 'monitor', 'fda', 'fdb', 'vncconsole',
  'opengl', 'device_model', 'hostname', 'ip', 'netmask', 'gateway', 'dhcp', 'interface', 'nfs_server', 'nfs_root',
])

/** Same setting, other name: `extra key → {xl, xm}` key names. */
const RENAMES: Readonly<Record<string, {xl?: string; xm?: string}>> = {
  pool_name: {xl: 'pool', xm: 'pool'},
  cpu_cap: {xl: 'cap', xm: 'cpu_cap'},
  cap: {xl: 'cap', xm: 'cpu_cap'},
  weight: {xl: 'cpu_weight', xm: 'cpu_weight'},
  irq: {xl: 'irqs', xm: 'irq'},
  irqs: {xl: 'irqs', xm: 'irq'},
}

/** Checklist rule id of a setting that cannot be carried (checklist.md), else the generic LOST. */
const RULE: Readonly<Record<string, string>> = {
  vscsi: 'PVSCSI', vtpm: 'VTPM', usb: 'PVUSB', vusb: 'PVUSB', usbdevice: 'PVUSB', usbctrl: 'PVUSB', usbdev: 'PVUSB',
  ioports: 'IOPORTS-IRQ', irq: 'IOPORTS-IRQ', irqs: 'IOPORTS-IRQ', iomem: 'IOPORTS-IRQ', gfx_passthru: 'GFX-PASSTHRU',
  pool: 'CPU-POOL', shadow_memory: 'MEM-SHADOW', cpuid: 'CPU-CPUID', cpuid_check: 'CPU-CPUID', vif2: 'VIF2',
  access_control: 'ACM-XSM', seclabel: 'ACM-XSM', device_model: 'DM-PATH', driver_domain: 'DRIVER-DOMAIN',
  on_xend_start: 'MGD-AUTOSTART', on_xend_stop: 'MGD-AUTOSTOP', cap: 'CPU-WEIGHT', cpu_cap: 'CPU-WEIGHT', cpu_weight: 'CPU-WEIGHT',
}

function toNative(v: ExtraValue): NativeValue | undefined {
  if (typeof v === 'string' || typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (Array.isArray(v)) {
    const items = v.map(toNative)
    return items.every((x) => x !== undefined) ? (items as NativeValue[]) : undefined
  }
  return undefined
}

/** `['key', 'v']` pairs of an SXP device body (`(vscsi (feature-host 0) (dev …))` as toExtra gives it). */
function sxpField(body: readonly ExtraValue[], key: string): ExtraValue[] | undefined {
  const hit = body.find((x) => Array.isArray(x) && x[0] === key)
  return Array.isArray(hit) ? hit.slice(1) : undefined
}

function sxpAtom(body: readonly ExtraValue[], key: string): string | undefined {
  const v = sxpField(body, key)?.[0]
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined
}

/**
 * The SXP reader keeps xend device blocks as nested lists (`[['vscsi', ['feature-host', '0'],
 * ['dev', ['p-devname', '/dev/sdc'], ['v-dev', '0:0:0:0'], …]]]`). Those are not config values:
 * turn the ones with a native spelling into spec strings (xl.cfg(5) vscsi `pdev,vdev[,feature-host]`,
 * vtpm `backend=…,uuid=…`; xm's `'PDEV, VDEV'`); undefined when the value is not SXP-shaped,
 * `lost` when it is but cannot be spelled.
 */
function fromSxpDevices(kind: string, value: ExtraValue, format: 'xm' | 'xl'): NativeValue | {lost: string} | undefined {
  if (!Array.isArray(value) || !value.every((d) => Array.isArray(d) && d[0] === kind)) return undefined
  const specs: string[] = []
  for (const dev of value as ExtraValue[][]) {
    if (kind === 'vscsi') {
      const host = sxpAtom(dev, 'feature-host') === '1'
      if (host && format === 'xm') return {lost: 'vscsi in feature-host mode has no xm spelling'}
      for (const d of dev.filter((x): x is ExtraValue[] => Array.isArray(x) && x[0] === 'dev')) {
        const pdev = sxpAtom(d, 'p-devname') ?? sxpAtom(d, 'p-dev')
        const vdev = sxpAtom(d, 'v-dev')
        if (pdev === undefined || vdev === undefined) return {lost: 'a vscsi device without p-dev or v-dev'}
        if (pdev.includes(',')) return {lost: `vscsi device '${pdev}' holds a comma`}
        specs.push(format === 'xl' ? `${pdev},${vdev}${host ? ',feature-host' : ''}` : `${pdev}, ${vdev}`)
      }
    } else if (kind === 'ioports') {
      const hex = (v: string | undefined) => v?.replace(/^0x/i, '')
      const from = hex(sxpAtom(dev, 'from'))
      const to = hex(sxpAtom(dev, 'to'))
      if (from === undefined) return {lost: 'an ioports block without from'}
      specs.push(to !== undefined && to !== from ? `${from}-${to}` : from)
    } else if (kind === 'irq') {
      const irq = sxpAtom(dev, 'irq')
      if (irq === undefined) return {lost: 'an irq block without irq'}
      specs.push(irq)
    } else if (kind === 'vtpm' && format === 'xl') {
      const parts = [['backend', sxpAtom(dev, 'backend')], ['uuid', sxpAtom(dev, 'uuid')]].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`)
      specs.push(parts.join(','))
    } else {
      return {lost: `xend's (${kind} …) device block has no ${format} spelling here`}
    }
  }
  return specs
}

/**
 * xm spellings xl reads differently: xm's vscsi `'/dev/sdx, 0:0:0:0'` has spaces that xl's
 * `pdev,vdev` parser keeps; xm's vtpm `instance=` (the xend vTPM manager's number) is no xl key.
 */
function xlSpelling(key: string, v: NativeValue, w: NativeWriter): NativeValue {
  if (!Array.isArray(v)) return v
  if (key === 'vscsi') return v.map((x) => (typeof x === 'string' ? x.split(',').map((p) => p.trim()).join(',') : x))
  if (key === 'vtpm') {
    return v.map((x) => {
      if (typeof x !== 'string' || !/(^|,)\s*instance=/.test(x)) return x
      w.lost(`vtpm '${x}': instance= belongs to xend's vTPM manager and is left out`, 'VTPM')
      return x.split(',').map((p) => p.trim()).filter((p) => !p.startsWith('instance=')).join(',')
    })
  }
  return v
}

export function formatExtra(extra: Readonly<Record<string, ExtraValue>>, w: NativeWriter): void {
  for (const [path, value] of Object.entries(extra)) {
    const base = path.replace(/^(image\/(hvm|linux)\/|device\/)/, '')
    const renamed = RENAMES[base]?.[w.format] ?? base
    const allowed = w.format === 'xl' ? XL_KEYS : XM_KEYS
    const sxp = fromSxpDevices(base, value, w.format)
    if (sxp !== undefined && !Array.isArray(sxp) && typeof sxp === 'object') {
      w.lost(`${path}: ${(sxp as {lost: string}).lost}`, RULE[base] ?? 'LOST')
      continue
    }
    const native = sxp !== undefined ? (sxp as NativeValue) : toNative(value)
    // Nested lists are xl's vnuma syntax only; anywhere else they are a structure no key takes.
    if (Array.isArray(native) && native.some((x) => Array.isArray(x))) {
      w.lost(`${path} is a nested structure no ${w.format} key takes`, RULE[renamed] ?? RULE[base] ?? 'LOST')
      continue
    }
    if (allowed.has(renamed) && native !== undefined && !w.has(renamed)) {
      w.set(renamed, w.format === 'xl' && sxp === undefined ? xlSpelling(renamed, native, w) : native)
      w.note(`${path} carried over as ${renamed} (libvirt's XML could not hold it)`, 'CARRIED')
    } else if (!w.has(renamed)) {
      w.lost(`${path} has no ${w.format} equivalent here and is not written`, RULE[renamed] ?? RULE[base] ?? 'LOST')
    }
  }
}
