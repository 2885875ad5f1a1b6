/**
 * SXP settings that libvirt's domain XML cannot express (xen-formats.md §6.5, checklist.md):
 * each one found is kept in `Domain.extra` (so xl/xm writers and checks can use it) and
 * reported with its checklist rule id. Values equal to xend's default are not losses and stay
 * quiet, so a plain config.sxp does not drown the report in noise.
 */
import type {ExtraValue} from '../../model/domain.js'
import type {Severity} from '../../model/diagnostic.js'
import {type SxpContext, report} from './sxp-context.js'
import {deviceBlocks} from './to-devices.js'
import {extraValueOf, lookupList, toExtra, valueText} from './sxp-lookup.js'
import {printSxp} from './print.js'
import {isXendDefault} from '../xen-common/xend-defaults.js'

interface LossRule {
  /** Key path below the root (`image/hvm/…` paths are tried in the PV image too when `img`). */
  readonly key: string
  readonly img?: boolean
  readonly code: string
  readonly severity: Severity
  /** Values that are no loss here besides xend's defaults (xend-defaults.ts), which are always quiet. */
  readonly quiet?: readonly string[]
  /** Kept in `extra` without a report (checklist: not a finding from SXP). */
  readonly silent?: boolean
  readonly what: string
}

/** Top-level and image keys with no libvirt mapping. */
const LOSSES: readonly LossRule[] = [
  {key: 'pool_name', code: 'CPU-POOL', severity: 'warning', quiet: ['Pool-0', ''], what: 'CPU pool (create it with xl cpupool-create and move the domain after start)'},
  // xend writes the shadow size it computed itself once an HVM guest has run (checklist MEM-SHADOW).
  {key: 'shadow_memory', code: 'MEM-SHADOW', severity: 'info', silent: true, what: 'shadow memory (libxl computes it)'},
  {key: 'security_label', code: 'ACM-XSM', severity: 'warning', what: 'xend ACM security label'},
  {key: 'cpuid', code: 'CPU-CPUID', severity: 'warning', what: 'xend cpuid masks (libvirt accepts only the libxl host,feat= form)'},
  {key: 'cpuid_check', code: 'CPU-CPUID', severity: 'warning', what: 'xend cpuid_check masks'},
  {key: 'target', code: 'STUBDOM', severity: 'warning', what: 'stub-domain target'},
  {key: 's3_integrity', code: 'UNSUPPORTED', severity: 'info', quiet: ['0', '1', ''], what: 's3_integrity (tboot)'},
  {key: 'memory_sharing', code: 'UNSUPPORTED', severity: 'info', what: 'memory sharing'},
  {key: 'machine_address_size', code: 'UNSUPPORTED', severity: 'info', what: 'machine address size'},
  {key: 'superpages', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'superpages'},
  {key: 'gfx_passthru', img: true, code: 'GFX-PASSTHRU', severity: 'warning', quiet: ['0', ''], what: 'VGA passthrough'},
  {key: 'timer_mode', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'timer_mode'},
  {key: 'tsc_mode', img: true, code: 'TIME-TSC', severity: 'info', what: 'tsc_mode (not read by libvirt\'s SXP reader)'},
  {key: 'vpt_align', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'vpt_align'},
  {key: 'xen_platform_pci', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'xen_platform_pci'},
  {key: 'nomigrate', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'nomigrate'},
  {key: 'monitor', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'qemu monitor'},
  {key: 'stdvga', img: true, code: 'GRAPHICS-EXTRA', severity: 'info', what: 'stdvga (libvirt adds a cirrus <video>)'},
  {key: 'videoram', img: true, code: 'GRAPHICS-EXTRA', severity: 'info', what: 'videoram'},
  {key: 'vncconsole', img: true, code: 'GRAPHICS-EXTRA', severity: 'info', what: 'vncconsole'},
  {key: 'opengl', img: true, code: 'GRAPHICS-EXTRA', severity: 'info', quiet: ['0', '1', ''], what: 'opengl'},
  {key: 'oos', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'out-of-sync shadow page tables (oos)'},
  {key: 'vhpt', img: true, code: 'UNSUPPORTED', severity: 'info', what: 'vhpt (ia64)'},
]

/** Each rule's lookup path per image kind, built once rather than a template string per domain. */
const LOSS_PATHS: readonly {readonly hvm: string; readonly linux: string}[] = LOSSES.map((r) =>
  r.img ? {hvm: `image/hvm/${r.key}`, linux: `image/linux/${r.key}`} : {hvm: r.key, linux: r.key},
)

/** `(device (KIND …))` blocks libvirt drops entirely. */
const DEVICE_LOSSES: Readonly<Record<string, {code: string; what: string; hint: string}>> = {
  vscsi: {code: 'PVSCSI', what: 'PV SCSI passthrough (vscsi)', hint: 'pass the LUN as a phy: disk, or pass the HBA through as a PCI device'},
  vusb: {code: 'PVUSB', what: 'PV USB passthrough (vusb)', hint: 'map it to xl usbctrl/usbdev or libvirt <hostdev type=\'usb\'> on the target host'},
  ioports: {code: 'IOPORTS-IRQ', what: 'raw I/O port access (ioports)', hint: 'only xl ioports= can express it'},
  irq: {code: 'IOPORTS-IRQ', what: 'raw IRQ access (irq)', hint: 'only xl irqs= can express it'},
  vtpm: {code: 'VTPM', what: 'virtual TPM (vtpm)', hint: 'the vTPM manager differs; libvirt-libxl has no vTPM'},
}

/** Record every unconvertible setting in `extra` and report it. */
export function collectLosses(ctx: SxpContext, extra: Record<string, ExtraValue>): void {
  const imgPath = ctx.hvm ? 'image/hvm' : 'image/linux'
  for (let r = 0; r < LOSSES.length; r++) {
    const rule = LOSSES[r] as LossRule
    const paths = LOSS_PATHS[r] as {readonly hvm: string; readonly linux: string}
    const path = ctx.hvm ? paths.hvm : paths.linux
    const list = lookupList(ctx.root, path)
    if (!list || list.items.length < 2) continue
    const value = extraValueOf(list)
    const text = typeof value === 'string' ? value : printSxp(list.items.slice(1))
    if (rule.quiet?.includes(text) || isXendDefault(rule.key, text)) continue
    extra[rule.key] = value
    if (rule.silent) continue
    report(ctx, rule.code, rule.severity, `${rule.what} is not converted: (${rule.key} ${text})`, list, path)
  }
  const seen = new Map<string, ExtraValue[]>()
  for (const {kind, body} of deviceBlocks(ctx.root)) {
    const loss = DEVICE_LOSSES[kind]
    if (!loss) continue
    const all = seen.get(kind) ?? []
    all.push(toExtra(body))
    seen.set(kind, all)
    report(ctx, loss.code, 'warning', `${loss.what} is not converted (blocker for the move)`, body, `device/${kind}`, loss.hint)
  }
  for (const [kind, values] of seen) extra[kind] = values
  const dm = valueText(ctx.root, `${imgPath}/device_model`)
  if (dm !== undefined && /stubdom-dm$/.test(dm)) {
    report(ctx, 'STUBDOM', 'warning', `stub-domain device model '${dm}' is not supported by libvirt-libxl`, lookupList(ctx.root, `${imgPath}/device_model`), `${imgPath}/device_model`)
  } else if (dm !== undefined && /qemu-dm$/.test(dm)) {
    report(ctx, 'DM-PATH', 'warning', `device model '${dm}' is qemu-traditional; the target uses upstream qemu`, lookupList(ctx.root, `${imgPath}/device_model`), `${imgPath}/device_model`, 'drop <emulator> or set the target\'s qemu-system-i386 path')
  }
}
