import {hasXendDefault, isXendDefault} from '../../formats/xen-common/xend-defaults.js'
import {asStrings, isOn, setting} from '../config-view.js'
import {diskSpecs} from '../disk-specs.js'
import type {DomainRule, RuleHit} from '../rule.js'
import {vifSpecs} from '../vif-specs.js'
import {settingRule} from './setting-rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** Environment, identity and "xm-only" rows of checklist §F. */

export const dmPath = settingRule(
  {
    id: 'DM-PATH',
    title: 'Device model path',
    ...ruleSeverity('DM-PATH'),
    detects: '`device_model` = `…/qemu-dm` (qemu-traditional)',
    remediation:
      "The target runs upstream qemu (qemu-system-i386): drop `<emulator>` or set the target path. Windows guests with old PV drivers may need `device_model_version='qemu-xen-traditional'`.",
  },
  ['device_model'],
  {
    // xend writes device_model into every SXP; a PV domain only runs it for a vfb.
    when: (s, ctx) => /qemu-dm/.test(asStrings(s).join('') || s.text) && (ctx.domain.os.kind === 'hvm' || ctx.domain.devices.graphics.length > 0),
    message: () => 'device model is qemu-traditional (qemu-dm), which the target does not ship',
  },
)

export const stubdom = settingRule(
  {
    id: 'STUBDOM',
    title: 'Stub domain device model',
    ...ruleSeverity('STUBDOM'),
    detects: "`device_model = '…/stubdom-dm'`, a non-zero `target` (the domid a stub domain serves), `device_model_stubdomain_override = 1`; xend's `(target 0)` is no finding",
    remediation: 'libvirt-libxl cannot run a stub-domain device model: switch to a dom0 device model or keep the domain on xl.',
  },
  ['device_model', 'target', 'device_model_stubdomain_override'],
  {
    // xend writes `(target 0)` into every config.sxp it manages (XendConfig's default); only a
    // non-zero target, the domid of the guest a stub domain serves, makes this a stub domain.
    when: (s) => (s.key === 'device_model' ? /stubdom-dm/.test(asStrings(s).join('') || s.text) : isOn(s)),
    message: (s) =>
      s.key === 'target'
        ? `this is a stub domain serving domain ${asStrings(s).join('')} (target), which libvirt-libxl does not support`
        : 'device model runs in a stub domain, which libvirt-libxl does not support',
  },
)

export const driverDomain: DomainRule = {
  id: 'DRIVER-DOMAIN',
  title: 'Backend driver domains',
  ...ruleSeverity('DRIVER-DOMAIN'),
  scope: 'domain',
  detects: 'disk/vif `backend=` other than 0/dom0, `blkif`, `netif`',
  remediation: 'Needs libvirt `<backenddomain>` (disks only) or xl: check each device after conversion.',
  check(ctx) {
    const hits: RuleHit[] = []
    const nonDom0 = (b: string | undefined): boolean => b !== undefined && b !== '' && b !== '0' && b !== 'Domain-0'
    for (const d of diskSpecs(ctx)) if (nonDom0(d.backend)) hits.push({message: `disk ${d.vdev} is served by backend domain ${d.backend}`, evidence: d.text, ...(d.loc ? {loc: d.loc} : {})})
    for (const v of vifSpecs(ctx)) if (nonDom0(v.keys.backend)) hits.push({message: `NIC is served by backend domain ${v.keys.backend}`, evidence: v.text, ...(v.loc ? {loc: v.loc} : {})})
    for (const key of ['blkif', 'netif']) {
      const s = setting(ctx, key)
      if (s !== undefined && asStrings(s).join('') !== '0') hits.push({message: `this domain is a ${key === 'blkif' ? 'block' : 'network'} backend (${key})`, evidence: s.text, ...(s.loc ? {loc: s.loc} : {})})
    }
    return hits
  },
}

export const acmXsm = settingRule(
  {
    id: 'ACM-XSM',
    title: 'Security labels',
    ...ruleSeverity('ACM-XSM'),
    detects: '`access_control`, SXP `security_label`',
    remediation: "xend's ACM is gone: set an XSM/FLASK `<seclabel>` by hand if the policy is still needed.",
  },
  ['access_control', 'security_label'],
  {message: (s) => `${s.key} (xend ACM) is lost in conversion`},
)

const HELPERS = ['hostname', 'ip', 'netmask', 'gateway', 'dhcp', 'interface', 'nfs_server', 'nfs_root'] as const

export const vmHelpers: DomainRule = {
  id: 'VM-HELPERS',
  title: 'xm cmdline helpers',
  ...ruleSeverity('VM-HELPERS'),
  scope: 'domain',
  detects: HELPERS.map((h) => `\`${h}\``).join(', '),
  remediation: 'xm folded them into the kernel command line (ip=…:…); check the converted `<cmdline>` carries them.',
  check(ctx) {
    if (!ctx.native) return []
    const hits: RuleHit[] = []
    for (const key of HELPERS) {
      const s = setting(ctx, key)
      if (s !== undefined) hits.push({message: `${key} was folded into the kernel command line by xm`, evidence: s.text, ...(s.loc ? {loc: s.loc} : {})})
    }
    return hits
  },
}

export const nameChars: DomainRule = {
  id: 'NAME-CHARS',
  title: 'Name not valid for libvirt/xl',
  ...ruleSeverity('NAME-CHARS'),
  scope: 'domain',
  detects: 'name with `/`, a leading `-`, or longer than 64 characters',
  remediation: 'Rename the domain (and update anything that refers to it by name).',
  check(ctx) {
    const n = ctx.domain.name
    const why = n.includes('/') ? 'contains /' : n.startsWith('-') ? 'starts with -' : n.length > 64 ? `is ${n.length} characters long (max 64)` : undefined
    if (why === undefined) return []
    const s = setting(ctx, 'name')
    return [{message: `domain name ${why}`, evidence: s?.text ?? n, ...(s?.loc ? {loc: s.loc} : {})}]
  },
}

export const uuidMissing: DomainRule = {
  id: 'UUID-MISSING',
  title: 'No UUID',
  ...ruleSeverity('UUID-MISSING'),
  scope: 'domain',
  detects: 'xm/xl config without `uuid`',
  remediation: 'xenlift assigns a deterministic UUID (libvirt would make a random one per conversion); add it to the config to pin it.',
  check(ctx) {
    if (!ctx.native || setting(ctx, 'uuid') !== undefined) return []
    return [{message: 'no uuid: the converted domain gets a generated one', loc: {line: 1, column: 1}}]
  },
}

/**
 * XM-DROPPED-KEY (xenlift, beyond checklist.md): xm keys that libxl/libvirt drop and that no
 * other rule names (xen-formats §6.5), so no setting vanishes without a finding.
 */
const DROPPED = ['monitor', 'nomigrate', 'timer_mode', 'vpt_align', 'machine_address_size', 'superpages', 'memory_sharing', 's3_integrity', 'oos', 'vhpt', 'bootentry', 'xen_platform_pci', 'device_model_version', 'device_model_stubdomain_override'] as const

export const xmDroppedKey: DomainRule = {
  id: 'XM-DROPPED-KEY',
  title: 'xm option that libxl/libvirt drop',
  ...ruleSeverity('XM-DROPPED-KEY'),
  scope: 'domain',
  detects: `${DROPPED.map((k) => `\`${k}\``).join(', ')} (xenlift rule, beyond checklist.md)`,
  remediation: 'The setting is lost in conversion: re-apply it in xl.cfg if the target keeps xl, or confirm the guest does not need it.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const key of DROPPED) {
      const s = setting(ctx, key)
      // A setting at its default loses nothing: xend writes `(superpages 0)`, xm `(timer_mode 1)`
      // into every HVM image (xend-defaults.ts); a key without a known default matters when on.
      if (s === undefined || isXendDefault(key, s.value) || (!hasXendDefault(key) && !isOn(s))) continue
      hits.push({message: `${key} is not converted (libvirt-libxl has no equivalent)`, evidence: s.text, ...(s.loc ? {loc: s.loc} : {})})
    }
    return hits
  },
}

export const environmentRules: readonly DomainRule[] = [dmPath, stubdom, driverDomain, acmXsm, vmHelpers, nameChars, uuidMissing, xmDroppedKey]
