import {isHvm} from '../config-view.js'
import {diskSpecs, type DiskSpec} from '../disk-specs.js'
import type {DomainContext, DomainRule, RuleHit} from '../rule.js'
import {ruleSeverity} from '../rule-severity.js'

/**
 * DISK-*: storage rows of checklist §C, over the disk specs as written (xm/xl strings, SXP
 * vbd/tap/tap2 blocks). Grammar and libvirt's reading of each form: xen-formats §6.1.
 */
type Meta = Omit<DomainRule, 'scope' | 'check'>

function diskRule(meta: Meta, test: (d: DiskSpec, ctx: DomainContext, index: number) => string | undefined): DomainRule {
  return {
    ...meta,
    scope: 'domain',
    check(ctx) {
      const hits: RuleHit[] = []
      diskSpecs(ctx).forEach((d, i) => {
        const message = test(d, ctx, i)
        if (message !== undefined) hits.push({message, evidence: d.text, ...(d.loc !== undefined ? {loc: d.loc} : {})})
      })
      return hits
    },
  }
}

/** Driver prefixes xm and xl know; anything else before the path is a block script (`iscsi:`…). */
const KNOWN_DRIVERS = new Set(['file', 'phy', 'tap', 'tap2'])
/** xl takes a format as a bare prefix too (`qcow2:/img`, `aio:/img`), libxlu `libxlu_disk_l.l`. */
const XL_FORMAT_PREFIXES = new Set(['raw', 'qcow', 'qcow2', 'vhd', 'qed', 'aio'])
const UNKNOWN_TAP = new Set(['ram', 'sync', 'tapdisk'])
const NAMED_SCRIPTS = ['iscsi', 'drbd', 'nbd', 'enbd', 'npiv', 'dmmd']

function vdevBase(vdev: string): string {
  return vdev.replace(/^ioemu:/, '').replace(/:(cdrom|disk)$/, '')
}

function isXl(ctx: DomainContext): boolean {
  return ctx.native?.format === 'xl' || ctx.read.format === 'xl'
}

const diskSharedBase = diskRule(
  {
    id: 'DISK-SHARED',
    title: 'Writable shared disk `w!`',
    ...ruleSeverity('DISK-SHARED'),
    detects: 'xm/xl disk mode `w!` or `!`; SXP `(mode w!)`',
    remediation: 'xl rejects it; libvirt maps it to `<shareable/>`. Confirm the guest file system is cluster-aware (OCFS2/GFS2) or drop the sharing.',
  },
  (d) => (d.mode.includes('!') ? `disk ${vdevBase(d.vdev) || d.source} is writable by several domains (mode ${d.mode}); xl refuses this mode` : undefined),
)

/** Blocker when the target is xl (libxlu rejects `w!`), a warning for libvirt (`<shareable/>`). */
export const diskShared: DomainRule = {
  ...diskSharedBase,
  check: (ctx) => diskSharedBase.check(ctx).map((h) => (ctx.target === 'xl' ? {...h, severity: 'blocker' as const} : h)),
}

export const diskScript = diskRule(
  {
    id: 'DISK-SCRIPT',
    title: 'Block script prefix',
    ...ruleSeverity('DISK-SCRIPT'),
    detects: `source prefix ${NAMED_SCRIPTS.map((s) => `\`${s}:\``).join(', ')} or any other unknown \`xxx:\``,
    remediation:
      'libvirt-libxl cannot express block scripts (it leaves the disk type unset): resolve the source to a `phy:` device path or a storage pool; for xl use `script=block-<name>` + `target=` and keep `/etc/xen/scripts/block-<name>`.',
  },
  (d, ctx) => {
    const first = d.prefixes[0]
    // drbd: converts to its resource's device; the promotion is DISK-DRBD's.
    if (first === undefined || KNOWN_DRIVERS.has(first) || first === 'drbd') return undefined
    if (isXl(ctx) && XL_FORMAT_PREFIXES.has(first)) return undefined
    const known = NAMED_SCRIPTS.includes(first) ? `block script block-${first}` : `unknown prefix ${first}: (a custom block script)`
    return `disk ${vdevBase(d.vdev)} uses ${known}; libvirt-libxl cannot run block scripts`
  },
)

export const diskBlktap = diskRule(
  {
    id: 'DISK-BLKTAP1',
    title: 'blktap1/2 backend',
    ...ruleSeverity('DISK-BLKTAP1'),
    detects: '`tap:aio:`, `tap:qcow:`, `tap:vhd:`, `tap2:…`; SXP device head `tap`/`tap2`',
    remediation: 'libxl serves file disks with qdisk (qemu): convert to a `file` disk with its format; convert qcow (v1) images with `qemu-img convert -O qcow2`.',
  },
  (d) => {
    const p = d.prefixes
    if (p[0] !== 'tap' && p[0] !== 'tap2' && d.sxpHead !== 'tap' && d.sxpHead !== 'tap2') return undefined
    return `disk ${vdevBase(d.vdev)} uses blktap (${p.slice(0, 2).join(':') || d.sxpHead}:); libxl uses qdisk instead`
  },
)

export const diskTapUnknown = diskRule(
  {
    id: 'DISK-TAP-UNKNOWN',
    title: 'Unknown tap subtype',
    ...ruleSeverity('DISK-TAP-UNKNOWN'),
    detects: '`tap:ram:`, `tap:sync:`, `tap:tapdisk:`',
    remediation: 'libvirt fails with "Unknown driver type" (or drops the disk): use a raw file disk.',
  },
  (d) => {
    const p = d.prefixes
    if ((p[0] !== 'tap' && p[0] !== 'tap2') || p[1] === undefined || !UNKNOWN_TAP.has(p[1])) return undefined
    return `disk ${vdevBase(d.vdev)} uses tap subtype ${p[1]}:, which libvirt does not know`
  },
)

export const diskFormatQcow1 = diskRule(
  {
    id: 'DISK-FORMAT-QCOW1',
    title: 'qcow (v1) image',
    ...ruleSeverity('DISK-FORMAT-QCOW1'),
    detects: '`tap:qcow:` or format `qcow`',
    remediation: 'Convert the image to qcow2 (`qemu-img convert -O qcow2`); upstream qemu reads qcow1 read-only in some versions.',
  },
  (d) => {
    const p = d.prefixes
    const qcow1 = p.includes('qcow') || d.format === 'qcow'
    return qcow1 ? `disk ${vdevBase(d.vdev)} is a qcow (version 1) image` : undefined
  },
)

export const diskNoPrefix = diskRule(
  {
    id: 'DISK-NOPREFIX',
    title: 'No driver prefix',
    ...ruleSeverity('DISK-NOPREFIX'),
    detects: 'xm/SXP disk source without a `xxx:` prefix',
    remediation: "xm and libvirt treat it as `phy:` (a block device) even for a file: check the path is a block device, or mark it `type='file'`.",
  },
  (d, ctx) => {
    if (isXl(ctx) || d.source === '' || d.prefixes.length > 0) return undefined
    return `disk ${vdevBase(d.vdev)} source ${d.source} has no prefix: read as a block device`
  },
)

export const diskExtraFields = diskRule(
  {
    id: 'DISK-EXTRA-FIELDS',
    title: '4th/5th disk field',
    ...ruleSeverity('DISK-EXTRA-FIELDS'),
    detects: 'xm disk spec with more than 3 comma fields (`backend`, `protocol`)',
    remediation: 'Backend domains need `backend=` (xl) / `<backenddomain>`; the protocol field is obsolete. libvirt glues the fields to the mode and loses read-only.',
  },
  (d, ctx) => (isXl(ctx) || d.sxpHead !== undefined || d.positional <= 3 ? undefined : `disk ${vdevBase(d.vdev)} has ${d.positional} fields; xend read the 4th as backend domain, the 5th as protocol`),
)

export const diskBootable = diskRule(
  {
    id: 'DISK-BOOTABLE',
    title: 'Boot disk not first',
    ...ruleSeverity('DISK-BOOTABLE'),
    detects: 'SXP `(bootable 1)` on a vbd that is not the first',
    remediation: 'libvirt orders disks as listed; verify the boot order after conversion.',
  },
  (d, _ctx, i) => (d.bootable === true && i > 0 ? `disk ${vdevBase(d.vdev)} is marked bootable but is disk #${i + 1}` : undefined),
)

export const diskHvmIoemu = diskRule(
  {
    id: 'DISK-HVM-IOEMU',
    title: '`ioemu:` target prefix',
    ...ruleSeverity('DISK-HVM-IOEMU'),
    detects: 'vdev starting with `ioemu:`',
    remediation: 'Nothing to do: the prefix is stripped.',
  },
  (d) => (d.vdev.startsWith('ioemu:') ? `disk ${vdevBase(d.vdev)} has the obsolete ioemu: prefix` : undefined),
)

export const diskPvHd = diskRule(
  {
    id: 'DISK-PV-HD',
    title: 'PV domain with `hd*`/`sd*` names',
    ...ruleSeverity('DISK-PV-HD'),
    detects: 'PV domain with vdev `hda`, `sda1`, …',
    remediation: 'Check the guest fstab and root= (pvops Linux maps hda→xvda); partition names like sda1 work for PV only.',
  },
  (d, ctx) => (!isHvm(ctx) && /^(hd|sd)[a-z]/.test(vdevBase(d.vdev)) ? `PV disk named ${vdevBase(d.vdev)}: the guest may see it as xvd*` : undefined),
)

export const diskPartitionVdev = diskRule(
  {
    id: 'DISK-PARTITION-VDEV',
    title: 'Partition as vdev',
    ...ruleSeverity('DISK-PARTITION-VDEV'),
    detects: 'vdev with a trailing digit (`xvda1`, `sda2`)',
    remediation: 'Supported for PV only; pygrub cannot boot a partition-only disk without `root=`.',
  },
  (d) => (/^[a-z]+\d+$/.test(vdevBase(d.vdev)) ? `disk ${vdevBase(d.vdev)} is a partition, not a whole disk` : undefined),
)

export const diskCdromEmpty = diskRule(
  {
    id: 'DISK-CDROM-EMPTY',
    title: 'Empty CD-ROM',
    ...ruleSeverity('DISK-CDROM-EMPTY'),
    detects: 'disk spec with an empty source and `:cdrom`',
    remediation: "Nothing to do: converted to an empty `<disk device='cdrom'>`.",
  },
  (d) => (d.vdev.endsWith(':cdrom') && d.path === '' ? `CD-ROM ${vdevBase(d.vdev)} has no medium` : undefined),
)

export const diskRules: readonly DomainRule[] = [
  diskShared,
  diskScript,
  diskBlktap,
  diskTapUnknown,
  diskFormatQcow1,
  diskNoPrefix,
  diskExtraFields,
  diskBootable,
  diskHvmIoemu,
  diskPvHd,
  diskPartitionVdev,
  diskCdromEmpty,
]
