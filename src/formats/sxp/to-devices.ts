/**
 * SXP `(device (vbd|tap|tap2 …))`, `(device (vif …))` and `(device (pci …))` → model devices,
 * exactly as libvirt's `xenParseSxprDisks`, `xenParseSxprNets` and `xenParseSxprPCI`
 * (`src/xenconfig/xen_sxpr.c`, libvirt 4.5; xen-formats.md §4.4, §4.5, §4.7). Where libvirt
 * fails the whole conversion, we report a located error and drop only that device, so the
 * report names every problem at once.
 */
import type {Disk, Hostdev, Interface, IpAddress} from '../../model/domain.js'
import {parseVifRate} from '../xen-common/vif-rate.js'
import {ipFamily, parseMac} from '../xen-common/vif-spec.js'
import {type SxpContext, report} from './sxp-context.js'
import {DRBD_PROMOTE_FIX, drbdMessage, resolveDrbdDisk} from '../xen-common/drbd-disk.js'
import {childList, dictEntries, headOf, toExtra, valueAtom, valueText} from './sxp-lookup.js'
import type {SxpList, SxpNode} from './sxp-node.js'
import {withPath} from '../../model/location.js'

/** The `(device (KIND …))` blocks of the domain, in order, with their inner `(KIND …)` list. */
export function deviceBlocks(root: SxpList): {kind: string; body: SxpList; index: number}[] {
  const out: {kind: string; body: SxpList; index: number}[] = []
  for (let i = 1; i < root.items.length; i++) {
    const node = root.items[i] as SxpNode
    if (node.kind !== 'list' || headOf(node) !== 'device') continue
    const body = node.items[1]
    const kind = headOf(body)
    if (body && body.kind === 'list' && kind !== undefined) out.push({kind, body, index: i})
  }
  return out
}

/** libvirt storage format names of 4.5 (`virStorageFileFormat`), valid as a tap subtype. */
const STORAGE_FORMATS = new Set([
  'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk',
])

/** Block script prefixes: the device path is handed to `/etc/xen/scripts/block-<name>`. */
const KNOWN_DRIVERS = new Set(['file', 'phy', 'tap', 'tap2'])

export function parseDisks(ctx: SxpContext): Disk[] {
  const disks: Disk[] = []
  for (const {kind, body} of deviceBlocks(ctx.root)) {
    if (kind !== 'vbd' && kind !== 'tap' && kind !== 'tap2') continue
    const path = `device/${kind}`
    const disk = parseDisk(ctx, kind, body, path)
    if (!disk) continue
    // xenParseSxprDisks: `(bootable 1)` moves this disk to the front and the former first
    // disk to the end.
    if (valueText(body, 'bootable') === '1' && disks.length > 0) {
      report(ctx, 'DISK-BOOTABLE', 'info', `disk ${disk.target.dev} is marked bootable and is moved to the first position, as libvirt does`, body, path)
      const first = disks[0] as Disk
      disks[0] = disk
      disks.push(first)
    } else {
      disks.push(disk)
    }
  }
  return disks
}

function parseDisk(ctx: SxpContext, kind: string, body: SxpList, path: string): Disk | undefined {
  const srcAtom = valueAtom(body, 'uname')
  let src = srcAtom?.value
  const dstAtom = valueAtom(body, 'dev')
  const mode = valueText(body, 'mode')
  if (dstAtom === undefined) {
    report(ctx, 'MISSING-KEY', 'error', 'disk has no (dev …): vbd has no target device', body, path)
    return undefined
  }
  let dst = dstAtom.value
  const isCdromDev = /:cdrom$/.test(dst)
  // xenlift: an empty uname on a CD-ROM is the same empty drive as a missing one (libvirt
  // would stop at "missing driver name").
  if (src === '' && isCdromDev && ctx.hvm) src = undefined
  const disk: Disk = {device: 'disk', target: {dev: ''}, loc: withPath(body.loc, path)}
  if (src === undefined) {
    if (!ctx.hvm || !isCdromDev) {
      report(ctx, 'MISSING-KEY', 'error', `disk ${dst} has no (uname …) source (only an HVM CD-ROM may be empty)`, body, path)
      return undefined
    }
    disk.type = 'file'
    report(ctx, 'DISK-CDROM-EMPTY', 'info', `CD-ROM ${dst.replace(/:cdrom$/, '')} has no media; converted to an empty CD-ROM drive`, body, path)
  } else {
    const colon = src.indexOf(':')
    if (colon < 0) {
      report(ctx, 'BAD-VALUE', 'error', `cannot parse disk source '${src}': missing driver name (file:, phy:, tap:…)`, srcAtom, `${path}/uname`)
      return undefined
    }
    const driver = kind === 'tap2' && src.startsWith('tap:') ? 'tap2' : src.slice(0, colon)
    let rest = src.slice(colon + 1)
    disk.driver = {name: driver}
    if (driver === 'tap' || driver === 'tap2') {
      // Xen 4.x blktap2 spells `tap:tapdisk:aio:/p`; libvirt 4.5 rejects it ("unknown driver
      // type tapdisk"), xl strips the `tapdisk:` (xen-formats.md §6.1): we strip it too.
      if (rest.startsWith('tapdisk:')) rest = rest.slice('tapdisk:'.length)
      const c2 = rest.indexOf(':')
      if (c2 < 0) {
        report(ctx, 'DISK-TAP-UNKNOWN', 'error', `cannot parse disk source '${src}': missing ${driver} driver type`, srcAtom, `${path}/uname`)
        return undefined
      }
      const sub = rest.slice(0, c2)
      const format = sub === 'aio' ? 'raw' : sub
      if (!STORAGE_FORMATS.has(format)) {
        report(ctx, 'DISK-TAP-UNKNOWN', 'error', `unknown ${driver} driver type '${sub}' in '${src}'`, srcAtom, `${path}/uname`, 'use a raw file (file:/path) or a known image format')
        return undefined
      }
      disk.driver.type = format
      rest = rest.slice(c2 + 1)
      disk.type = 'file'
      report(ctx, 'DISK-BLKTAP1', 'warning', `blktap disk '${src}': libxl uses qdisk (qemu) for image files`, srcAtom, `${path}/uname`)
      if (format === 'qcow') {
        report(ctx, 'DISK-FORMAT-QCOW1', 'warning', `qcow (version 1) image '${rest}': convert it to qcow2 (qemu-img convert -O qcow2)`, srcAtom, `${path}/uname`)
      }
    } else if (driver === 'phy') {
      disk.type = 'block'
    } else if (driver === 'file') {
      disk.type = 'file'
    } else {
      // libvirt leaves the type unset here and formats an odd disk; xenlift keeps the path as
      // a file and names the block script (checklist DISK-SCRIPT).
      disk.type = 'file'
      disk.script = driver
      // drbd: becomes its resource's device below (DISK-DRBD).
      if (driver !== 'drbd') report(
        ctx,
        'DISK-SCRIPT',
        'warning',
        `disk source '${src}' needs the block script block-${driver}, which libvirt's domain XML cannot express`,
        srcAtom,
        `${path}/uname`,
        'resolve it to a phy: device path or a storage pool before defining the domain',
      )
    }
    if (disk.type === 'block') disk.source = {dev: rest}
    else disk.source = {file: rest}
    if (!KNOWN_DRIVERS.has(driver) && disk.script === undefined) disk.script = driver
    const drbd = resolveDrbdDisk(disk, ctx.profile)
    if (drbd !== undefined) report(ctx, 'DISK-DRBD', 'blocker', drbdMessage(path, drbd), srcAtom, `${path}/uname`, DRBD_PROMOTE_FIX)
    else if (disk.script === 'drbd') report(ctx, 'DISK-SCRIPT', 'warning', `disk source '${src}' names no DRBD resource: block-drbd cannot be expressed`, srcAtom, `${path}/uname`)
  }
  if (dst.startsWith('ioemu:')) {
    dst = dst.slice(6)
    report(ctx, 'DISK-HVM-IOEMU', 'info', `target 'ioemu:${dst}': the ioemu: prefix is dropped`, dstAtom, `${path}/dev`)
  }
  const suffix = dst.lastIndexOf(':')
  if (suffix >= 0) {
    if (dst.slice(suffix) === ':cdrom') disk.device = 'cdrom'
    dst = dst.slice(0, suffix)
  }
  disk.target = {dev: dst, bus: busOf(dst)}
  if (!ctx.hvm && (dst.startsWith('hd') || dst.startsWith('sd'))) {
    report(ctx, 'DISK-PV-HD', 'warning', `PV domain disk '${dst}' gets bus ${disk.target.bus} (libvirt's SXP rule); check the guest's fstab and root=`, dstAtom, `${path}/dev`)
  }
  if (/\d$/.test(dst)) {
    report(ctx, 'DISK-PARTITION-VDEV', 'warning', `disk target '${dst}' names a partition: supported for PV only`, dstAtom, `${path}/dev`)
  }
  // xenParseSxprDisks: any `r` → read-only, any `!` → shareable (so `w!` is shareable).
  if (mode?.includes('r')) disk.readonly = true
  if (mode?.includes('!')) {
    disk.shareable = true
    report(ctx, 'DISK-SHARED', 'warning', `disk ${dst} is shared writable (mode '${mode}'): xl rejects it; libvirt maps it to <shareable/>`, body, `${path}/mode`, 'make sure the guest file system is cluster-aware, or drop the sharing')
  }
  const backend = valueText(body, 'backend')
  if (backend !== undefined && backend !== '0') {
    report(ctx, 'DRIVER-DOMAIN', 'warning', `disk ${dst} is served by backend domain ${backend}, which the conversion does not keep`, body, `${path}/backend`)
  }
  return disk
}

/** xenParseSxprDisks: the bus follows the name prefix only (even for PV). */
function busOf(dev: string): string {
  if (dev.startsWith('xvd')) return 'xen'
  if (dev.startsWith('sd')) return 'scsi'
  return 'ide'
}

/** vif keys libvirt reads or that are harmless runtime/bookkeeping data. */
const VIF_KNOWN = new Set(['mac', 'bridge', 'script', 'ip', 'vifname', 'type', 'model', 'rate', 'uuid', 'backend', 'devid', 'dev', 'frontend', 'frontend-id', 'handle', 'state', 'online', 'protocol'])

export function parseNets(ctx: SxpContext): Interface[] {
  const out: Interface[] = []
  let index = 0
  for (const {kind, body} of deviceBlocks(ctx.root)) {
    if (kind !== 'vif') continue
    const path = `device/vif[${index}]`
    const net = parseNet(ctx, body, path, index)
    index++
    if (net) out.push(net)
  }
  return out
}

function parseNet(ctx: SxpContext, body: SxpList, path: string, index: number): Interface | undefined {
  const script = valueText(body, 'script')
  const bridge = valueText(body, 'bridge')
  const model = valueText(body, 'model')
  const type = valueText(body, 'type')
  // DEFAULT_VIF_SCRIPT is vif-bridge (vif-vnic on Solaris builds of libvirt).
  const isBridge = bridge !== undefined || script === 'vif-bridge' || script === 'vif-vnic'
  const net: Interface = {type: isBridge ? 'bridge' : 'ethernet', ips: [], loc: withPath(body.loc, path)}
  if (isBridge) net.source = {bridge: bridge ?? ''}
  if (script !== undefined) net.script = script
  let ok = true
  const ipAtom = valueAtom(body, 'ip')
  if (ipAtom !== undefined) {
    const ip = parseIp(ipAtom.value)
    if (ip) net.ips.push(ip)
    else {
      report(ctx, 'BAD-VALUE', 'error', `cannot parse IP address '${ipAtom.value}'`, ipAtom, `${path}/ip`)
      ok = false
    }
  }
  const vifname = valueText(body, 'vifname')
  if (vifname !== undefined) {
    net.targetDev = vifname
  } else if (ctx.domid !== undefined && ctx.domid !== -1) {
    // libvirt names the backend interface of a running domain vif<domid>.<n>.
    net.targetDev = `vif${ctx.domid}.${index}`
    net.targetDevRuntime = true
  }
  const macAtom = valueAtom(body, 'mac')
  if (macAtom !== undefined) {
    // xenParseSxprNets reads it with virMacAddrParse, as the xm/xl readers do.
    const mac = parseMac(macAtom.value)
    if (mac) net.mac = mac
    else {
      report(ctx, 'BAD-VALUE', 'error', `malformed mac address '${macAtom.value}'`, macAtom, `${path}/mac`)
      ok = false
    }
  }
  if (model !== undefined) net.model = model
  else if (type === 'netfront') net.model = 'netfront'
  const rateAtom = valueAtom(body, 'rate')
  if (rateAtom !== undefined) {
    const r = parseVifRate(rateAtom.value)
    if ('error' in r) {
      report(ctx, 'BAD-VALUE', 'error', r.error, rateAtom, `${path}/rate`)
      ok = false
    } else {
      if (r.kBps > 0) net.bandwidthOutboundKBps = r.kBps
      if (r.interval !== undefined) {
        report(ctx, 'VIF-RATE', 'info', `rate '${rateAtom.value}': the @${r.interval} interval is dropped; only the average ${r.kBps} KB/s is kept`, rateAtom, `${path}/rate`)
      }
    }
  }
  if (script !== undefined && !/(^|\/)vif-bridge$/.test(script)) {
    report(ctx, 'XEND-VIFSCRIPT', 'warning', `vif script '${script}': check that it exists on the target under /etc/xen/scripts`, body, `${path}/script`)
  }
  const backend = valueText(body, 'backend')
  if (backend !== undefined && backend !== '0') {
    report(ctx, 'DRIVER-DOMAIN', 'warning', `vif is served by backend domain ${backend}, which the conversion does not keep`, body, `${path}/backend`)
  }
  const unknown = body.items.slice(1).map(headOf).filter((k): k is string => k !== undefined && !VIF_KNOWN.has(k))
  if (unknown.length > 0) {
    report(ctx, 'VIF-UNKNOWN-KEY', 'warning', `vif keys ignored: ${unknown.join(', ')}`, body, path)
  }
  return ok ? net : undefined
}

/** One numeric IPv4 or IPv6 address (no prefix, no host name), as virSocketAddrParse: the xm/xl readers' check. */
function parseIp(text: string): IpAddress | undefined {
  const family = ipFamily(text)
  return family === undefined ? undefined : {address: text, family}
}

/**
 * xenParseSxprPCI reads the `(dev …)` entries of the first `(device (pci …))` block only.
 * xenlift reads every block (xend writes one, hand edits may hold more) and says so.
 */
export function parsePci(ctx: SxpContext): Hostdev[] {
  const out: Hostdev[] = []
  const blocks = deviceBlocks(ctx.root).filter((b) => b.kind === 'pci')
  if (blocks.length > 1) {
    report(ctx, 'PCI-PASSTHROUGH', 'info', `${blocks.length} (device (pci …)) blocks: libvirt reads only the first, xenlift converts all`, blocks[1]?.body, 'device/pci')
  }
  for (const {body} of blocks) {
    for (const dev of body.items.slice(1)) {
      if (dev.kind !== 'list' || headOf(dev) !== 'dev') continue
      const path = 'device/pci/dev'
      const fields = ['domain', 'bus', 'slot', 'func'] as const
      const nums: number[] = []
      let bad = false
      for (const f of fields) {
        const v = valueText(dev, f)
        const n = v === undefined ? Number.NaN : parseCInt(v)
        if (v === undefined) report(ctx, 'MISSING-KEY', 'error', `PCI device has no (${f} …)`, dev, `${path}/${f}`)
        else if (Number.isNaN(n)) report(ctx, 'BAD-VALUE', 'error', `cannot parse PCI ${f} '${v}'`, valueAtom(dev, f), `${path}/${f}`)
        if (Number.isNaN(n)) bad = true
        nums.push(n)
      }
      if (bad) continue
      const [domain, bus, slot, fn] = nums as [number, number, number, number]
      const hd: Hostdev = {mode: 'subsystem', type: 'pci', managed: false, pci: {domain, bus, slot, function: fn}, loc: withPath(dev.loc, path)}
      const dropped: string[] = []
      const opts = childList(dev, 'opts')
      for (const o of dictEntries(opts)) dropped.push(formatOpt(o))
      const vdevfn = valueText(dev, 'vdevfn')
      if (vdevfn !== undefined && parseCInt(vdevfn) !== 0x100) dropped.push(`vdevfn=${vdevfn}`)
      if (dropped.length > 0) {
        hd.droppedOptions = dropped
        report(ctx, 'PCI-OPTS', 'warning', `PCI device options dropped (libvirt ignores them): ${dropped.join(', ')}`, opts ?? dev, `${path}/opts`)
      }
      report(ctx, 'PCI-PASSTHROUGH', 'info', `PCI device ${pciName(hd)} is passed through (managed='no'): bind it to pciback on the target`, dev, path)
      out.push(hd)
    }
  }
  return out
}

function formatOpt(o: SxpNode): string {
  const v = toExtra(o)
  if (Array.isArray(v) && v.length === 2) return `${String(v[0])}=${String(v[1])}`
  return Array.isArray(v) ? v.map(String).join('=') : String(v)
}

function pciName(h: Hostdev): string {
  const p = h.pci
  if (!p) return '?'
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0')
  return `${hex(p.domain, 4)}:${hex(p.bus, 2)}:${hex(p.slot, 2)}.${hex(p.function, 1)}`
}

/** virStrToLong_i with base 0: `0x` hex, leading `0` octal, else decimal; the whole text must be a number. */
function parseCInt(text: string): number {
  const t = text.trim()
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16)
  if (/^[+-]?0[0-7]*$/.test(t)) return Number.parseInt(t, 8)
  if (/^[+-]?[1-9]\d*$/.test(t)) return Number.parseInt(t, 10)
  return Number.NaN
}
