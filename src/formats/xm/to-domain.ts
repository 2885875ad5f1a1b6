/**
 * xm config (NativeConfig) → Domain, mirroring libvirt 9.0's `xenParseXM`
 * (`src/libxl/xen_xm.c`): the common keys (`xenParseConfigCommon`), then `xenParseXMOS`,
 * `xenParseXMDiskList` and `xenParseXMInputDevs` (xen-formats.md §5.2). Where libvirt is
 * silent about a loss, a diagnostic with the checklist rule id says so; where it fails with
 * no reason, the diagnostic gives one. Any error means no domain.
 */
import {hasErrors} from '../../model/diagnostic.js'
import type {Domain} from '../../model/domain.js'
import type {NativeConfig} from '../../model/native-config.js'
import {checkMemory, readCommonKeys} from '../xen-common/common-keys.js'
import {
  type ConfigReadContext,
  entryOf,
  error,
  getString,
  newContext,
  report,
  configValue,
} from '../xen-common/config-access.js'
import {checkDisks} from '../xen-common/disk-checks.js'
import {reportDroppedKeys} from '../xen-common/dropped-keys.js'
import {reportFindings} from '../xen-common/findings.js'
import {
  type NativeToDomainOptions,
  type NativeToDomainResult,
  readBootOrder,
  readPvOs,
  rootExtraCmdline,
} from '../xen-common/os-keys.js'
import {readXmDisk, xmDiskToDisk} from '../xen-common/xm-disk-spec.js'
import {ASSUMED_TARGET_PROFILE, hvmLoaderOf} from '../target-profile.js'
import {withPath} from '../../model/location.js'

export function xmToDomain(cfg: NativeConfig, opts: NativeToDomainOptions = {}): NativeToDomainResult {
  const ctx = newContext(cfg, opts.file)
  const d = readCommonKeys(ctx, {format: 'xm', ...(opts.uuidSeed !== undefined ? {uuidSeed: opts.uuidSeed} : {})})
  const profile = opts.target?.profile ?? ASSUMED_TARGET_PROFILE
  readXmOs(ctx, d, profile.firmwareDir, hvmLoaderOf(profile))
  readXmDisks(ctx, d)
  readXmInputs(ctx, d)
  if (configValue(ctx, 'cmdline') !== undefined) {
    report(ctx, 'UNSUPPORTED', 'warning', "cmdline is an xl key: libvirt's xm reader ignores it (use root/extra)", 'cmdline')
  }
  reportDroppedKeys(ctx, d, 'xm')
  checkDisks(ctx, d, profile)
  checkMemory(ctx, d)
  reportFindings(ctx, d)
  return hasErrors(ctx.diagnostics) ? {diagnostics: ctx.diagnostics} : {domain: d, diagnostics: ctx.diagnostics}
}

function readXmOs(ctx: ConfigReadContext, d: Domain, bootDir: string, hvmLoader: string): void {
  if (d.os.kind !== 'hvm') {
    readPvOs(ctx, d, rootExtraCmdline(ctx), bootDir)
    return
  }
  // HVM: `kernel` is the firmware (old xm style); libvirt ignores `loader` entirely.
  const kernel = getString(ctx, 'kernel')
  const loader = getString(ctx, 'loader')
  if (kernel !== undefined && !kernel.startsWith('/')) {
    // xend looked a bare name up in its firmware directory; libvirt needs an absolute path.
    report(ctx, 'BOOT-HVM-LOADER', 'info', `HVM kernel = "${kernel}" is not a path: the target's default firmware is used`, 'kernel')
  } else if (kernel?.endsWith('/hvmloader') && kernel !== hvmLoader) {
    // Another distribution's hvmloader path (/usr/lib64/xen/boot/…): the target has its own (§9).
    report(ctx, 'BOOT-HVM-LOADER', 'info', `HVM firmware ${kernel} replaced by the target's ${hvmLoader}`, 'kernel')
  } else if (kernel !== undefined) {
    d.os.loader = {path: kernel}
    if (!/hvmloader$/.test(kernel)) {
      report(ctx, 'BOOT-HVM-DIRECT', 'blocker', `HVM kernel ${kernel} is used as the firmware (xm style); a direct kernel boot needs an xl config`, 'kernel')
    }
  } else if (loader !== undefined) {
    d.os.loader = {path: loader}
    report(ctx, 'BOOT-HVM-LOADER', 'warning', `HVM firmware taken from loader = "${loader}" (libvirt's xm reader needs kernel = and would fail)`, 'loader')
  } else if (entryOf(ctx, 'kernel') === undefined) {
    // xend ran such guests: XendConfig._platform_sanity_check gives an HVM guest without a
    // firmware auxbin.pathTo("hvmloader") (Xen 4.x XendConfig.py), and libvirt 9.0 reads
    // the same file as xl without complaint. libvirt's xm reader alone stops here ("config value
    // kernel was missing"): the defaults fill in the target's hvmloader. Located at what made the
    // guest HVM, which is what needs the firmware.
    const at = entryOf(ctx, 'type') !== undefined ? 'type' : 'builder'
    report(ctx, 'BOOT-HVM-LOADER', 'info', `HVM guest without kernel =: xend booted it with its hvmloader; the target's hvmloader is used (libvirt's xm reader would refuse it: "config value kernel was missing")`, at)
  }
  readBootOrder(ctx, d)
}

function readXmDisks(ctx: ConfigReadContext, d: Domain): void {
  const v = configValue(ctx, 'disk')
  if (v === undefined) return
  if (!Array.isArray(v)) {
    error(ctx, "expected a string list for 'disk' parameter", 'disk')
    return
  }
  const e = entryOf(ctx, 'disk')
  v.forEach((spec, index) => {
    const path = `disk[${index}]`
    if (typeof spec !== 'string') {
      error(ctx, `${path}: expected a string list for 'disk' parameter`, 'disk', path)
      return
    }
    const read = readXmDisk(spec)
    if (read.xlSyntax) {
      error(ctx, `${path}: '${spec}' is an xl disk spec, not xm (SOURCE,VDEV,MODE): this looks like an xl config (convert it with --from xl)`, 'disk', path)
      return
    }
    const r = xmDiskToDisk(read, d.os.kind === 'hvm')
    if ('skipped' in r) {
      report(ctx, 'DISK-SKIPPED', 'warning', `${path}: ${r.skipped}; libvirt drops this disk`, 'disk', undefined, path)
      return
    }
    if (e) r.disk.loc = withPath(e.loc, path)
    d.devices.disks.push(r.disk)
    if (r.extraFields !== undefined) {
      report(ctx, 'DISK-EXTRA-FIELDS', 'warning', `${path}: mode '${r.extraFields}' has extra fields; libvirt reads it as read-write`, 'disk', undefined, path)
    }
    const prefix = r.prefix
    if (prefix === 'tap' || prefix === 'tap2') report(ctx, 'DISK-BLKTAP1', 'warning', `${path}: blktap backend (${prefix}:): libxl uses qdisk`, 'disk', undefined, path)
    else if (prefix === undefined && read.fields[0] !== '') report(ctx, 'DISK-NOPREFIX', 'info', `${path}: no driver prefix: read as phy: (block device)`, 'disk', undefined, path)
    else if (prefix !== undefined && prefix !== 'file' && prefix !== 'phy') {
      r.disk.script = prefix
      // drbd: becomes its resource's device in checkDisks (DISK-DRBD).
      if (prefix !== 'drbd') report(ctx, 'DISK-SCRIPT', 'warning', `${path}: block script prefix ${prefix}: is not expressible in libvirt XML`, 'disk', undefined, path)
    }
  })
}

function readXmInputs(ctx: ConfigReadContext, d: Domain): void {
  if (d.os.kind !== 'hvm') return
  const v = getString(ctx, 'usbdevice')
  // `usbdevice = ''` (xm create -n writes it into every HVM image) is no device.
  if (v === undefined || v === '') return
  if (v === 'tablet' || v === 'mouse' || v === 'keyboard') d.devices.inputs.push({type: v, bus: 'usb'})
  else {
    d.extra.usbdevice = v
    report(ctx, 'USB-HOST', 'warning', `usbdevice = "${v}" is dropped by libvirt; add a <hostdev type='usb'> by hand`, 'usbdevice')
  }
}
