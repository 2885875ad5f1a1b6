import {asStrings, isHvm, setting, type Setting} from '../config-view.js'
import type {DomainRule, RuleHit} from '../rule.js'
import {sxpImage, sxpValue} from '../sxp-query.js'
import {settingRule} from './setting-rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** Boot rows of checklist §E. */
function str(s: Setting | undefined): string {
  return asStrings(s).join(' ')
}

function locOf(s: Setting): {loc?: RuleHit['loc']} {
  return s.loc !== undefined ? {loc: s.loc} : {}
}

export const bootHvmDirect: DomainRule = {
  id: 'BOOT-HVM-DIRECT',
  title: 'HVM direct kernel boot',
  ...ruleSeverity('BOOT-HVM-DIRECT'),
  scope: 'domain',
  detects: "HVM with `kernel` other than hvmloader (xm), or SXP `image/hvm` with both `loader` and a kernel that is neither empty nor hvmloader (xend's `(kernel '')` is no finding)",
  remediation:
    "libvirt's xm reader takes `kernel` as the firmware; libxl supports HVM direct kernel boot only in newer versions (xl `kernel`/`ramdisk`/`cmdline`): verify on the target, or boot from the disk.",
  check(ctx) {
    if (!isHvm(ctx)) return []
    const kernel = setting(ctx, 'kernel')
    const k = str(kernel)
    if (kernel === undefined || k === '' || /hvmloader$/.test(k)) return []
    if (ctx.sxp) {
      const image = sxpImage(ctx.sxp)
      if (image === undefined || sxpValue(image, 'loader') === undefined) return []
    }
    // xl reads `kernel` of an HVM guest as a direct boot and libvirt's xl reader keeps it; the
    // xm reader (and xend) took it as the firmware: only there is it a blocker.
    const xl = ctx.native?.format === 'xl'
    return [{message: `HVM domain boots kernel ${k} directly${xl ? '; check the target libxl supports HVM direct boot' : ''}`, evidence: kernel.text, ...locOf(kernel), ...(xl ? {severity: 'warning' as const} : {})}]
  },
}

export const bootHvmLoader: DomainRule = {
  id: 'BOOT-HVM-LOADER',
  title: 'HVM firmware path',
  ...ruleSeverity('BOOT-HVM-LOADER'),
  scope: 'domain',
  detects: '`kernel`/`loader` = `…/hvmloader`',
  remediation: "The target's firmware path is used (or the element omitted); nothing to do unless the path was custom.",
  check(ctx) {
    if (!isHvm(ctx)) return []
    for (const key of ['loader', 'kernel']) {
      const s = setting(ctx, key)
      if (s !== undefined && /hvmloader$/.test(str(s))) return [{message: `firmware path ${str(s)} is replaced by the target's hvmloader`, evidence: s.text, ...locOf(s)}]
    }
    return []
  },
}

export const bootDomuloader = settingRule(
  {
    id: 'BOOT-DOMULOADER',
    title: 'SUSE domUloader',
    ...ruleSeverity('BOOT-DOMULOADER'),
    detects: '`bootloader` contains `domUloader`',
    remediation: 'Replaced by `pygrub` (as xen2libvirt does); consider pvgrub or grub2-xen. Check the guest boots.',
  },
  ['bootloader'],
  {when: (s) => /domUloader/.test(str(s)), message: (s) => `SUSE bootloader ${str(s)} does not exist with libxl`},
)

export const bootPygrub = settingRule(
  {
    id: 'BOOT-PYGRUB',
    title: 'pygrub deprecation',
    ...ruleSeverity('BOOT-PYGRUB'),
    detects: '`bootloader` is `pygrub`',
    remediation: 'Works on Xen ≤ 4.17-era hosts; plan a move to grub2-x86_64-xen or PVH.',
  },
  ['bootloader'],
  {when: (s) => /pygrub/.test(str(s)), message: () => 'boots with pygrub, which newer Xen drops'},
)

export const bootPvNokernel: DomainRule = {
  id: 'BOOT-PV-NOKERNEL',
  title: 'PV without kernel/bootloader',
  ...ruleSeverity('BOOT-PV-NOKERNEL'),
  scope: 'domain',
  detects: 'PV domain with neither `kernel` nor `bootloader`',
  remediation: 'Add a bootloader (`pygrub`) or a kernel/ramdisk; the domain cannot start as it is.',
  check(ctx) {
    if (ctx.domain.os.kind !== 'pv') return []
    const kernel = str(setting(ctx, 'kernel')) || ctx.domain.os.kernel || ''
    const bl = str(setting(ctx, 'bootloader')) || ctx.domain.os.bootloader || ''
    if (kernel !== '' || bl !== '') return []
    return [{message: 'PV domain has no kernel and no bootloader: it cannot boot', loc: {line: 1, column: 1}}]
  },
}

export const bootOrderUnknown = settingRule(
  {
    id: 'BOOT-ORDER-UNKNOWN',
    title: 'Unknown boot letters',
    ...ruleSeverity('BOOT-ORDER-UNKNOWN'),
    detects: '`boot` with letters outside `acdn`',
    remediation: 'xm/xl readers map them to hd, the SXP reader drops them: write the intended order with a, c, d, n.',
  },
  ['boot'],
  {when: (s, ctx) => isHvm(ctx) && /[^acdn]/.test(str(s)), message: (s) => `boot order ${str(s)} has letters outside a, c, d, n`},
)

export const bootRules: readonly DomainRule[] = [bootHvmDirect, bootHvmLoader, bootDomuloader, bootPygrub, bootPvNokernel, bootOrderUnknown]
