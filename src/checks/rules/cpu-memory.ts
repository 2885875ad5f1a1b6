import {redactAndShorten} from '../../model/redact.js'
import {asStrings, isHvm, isOn, setting} from '../config-view.js'
import type {DomainRule, RuleHit} from '../rule.js'
import {sxpChild, sxpImage, sxpText, sxpValue} from '../sxp-query.js'
import {settingRule} from './setting-rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** CPU, memory, time and lifecycle rows of checklist §E. */

export const cpuWeight = settingRule(
  {
    id: 'CPU-WEIGHT',
    title: 'Credit scheduler parameters',
    ...ruleSeverity('CPU-WEIGHT'),
    detects: "`cpu_weight` ≠ 256, `cpu_cap` ≠ 0, also in SXP `vcpus_params` (xend's `(cpu_weight 256) (cpu_cap 0)` is no finding)",
    remediation: 'Weight becomes `<cputune><shares>` in xenlift output; the cap has no XML: re-apply with `xl sched-credit` after start.',
  },
  ['cpu_weight', 'cpu_cap', 'vcpus_params'],
  {
    // Only values off the credit scheduler's defaults (weight 256, cap 0) change behaviour.
    when: (s) => {
      if (s.key === 'vcpus_params') return /\(weight\s+(?!256\))\d+\)|\(cap\s+[1-9]/.test(s.text)
      // settingRule already skipped xend's defaults (weight 256, cap 0).
      return true
    },
    message: (s) => `scheduler setting ${s.key} is ${s.key === 'cpu_weight' ? 'kept only as <shares>' : 'dropped by libvirt'}`,
  },
)

export const cpuPin: DomainRule = {
  id: 'CPU-PIN',
  title: 'vCPU affinity',
  ...ruleSeverity('CPU-PIN'),
  scope: 'domain',
  detects: "`cpus` naming at least one CPU (string, list, or SXP per-vCPU lists), xm `cpu`; xend's `(cpus (() ()))` (no affinity) is no finding",
  remediation: "libvirt's SXP reader ignores affinity; a string is kept as `cpuset`, per-vCPU lists become `<vcpupin>`: check the result.",
  check(ctx) {
    const hits: RuleHit[] = []
    for (const key of ['cpus', 'cpu']) {
      const s = setting(ctx, key)
      if (s === undefined) continue
      // xend writes `(cpus (() ()))`: one empty affinity list per vCPU = no pinning.
      if (ctx.sxp && !/\d/.test(s.text.replace(/^\(cpus/, ''))) continue
      if (asStrings(s).every((v) => v === '' || v === '()')) continue
      hits.push({message: `vCPU affinity ${key} is set; check it survives conversion`, evidence: s.text, ...(s.loc ? {loc: s.loc} : {})})
    }
    return hits
  },
}

export const cpuPool = settingRule(
  {
    id: 'CPU-POOL',
    title: 'CPU pools',
    ...ruleSeverity('CPU-POOL'),
    detects: '`pool`, SXP `pool_name` other than Pool-0',
    remediation: 'Not in libvirt XML: create the pool with `xl cpupool-create` and move the domain after start.',
  },
  ['pool', 'pool_name'],
  {when: (s) => asStrings(s).some((v) => v !== '' && v !== 'Pool-0'), message: (s) => `CPU pool ${asStrings(s).join('')} is not expressible in libvirt`},
)

export const cpuCpuid = settingRule(
  {
    id: 'CPU-CPUID',
    title: 'xend cpuid syntax',
    ...ruleSeverity('CPU-CPUID'),
    detects: "non-empty `cpuid = ['1:ecx=…']` (xend form) or `cpuid_check`; the empty `(cpuid ()) (cpuid_check ())` of `xm create -n` is no finding",
    remediation: 'libvirt accepts only the libxl `host,feature=…` form: rewrite the masks, or drop them.',
  },
  ['cpuid', 'cpuid_check'],
  {
    // settingRule skips empty lists: `xm create -n` writes `(cpuid ()) (cpuid_check ())`.
    when: (s) => s.key === 'cpuid_check' || !/^host(,|$)/.test(asStrings(s).join(',')),
    message: (s) => `${s.key} uses xend's cpuid syntax, which libxl/libvirt do not read`,
  },
)

export const memShadow = settingRule(
  {
    id: 'MEM-SHADOW',
    title: 'Shadow memory',
    ...ruleSeverity('MEM-SHADOW'),
    detects: 'non-zero `shadow_memory` in xm/xl configs (never from SXP: xend writes the size it computed itself)',
    remediation: 'libxl computes shadow memory itself; the value is dropped.',
  },
  ['shadow_memory'],
  {
    // xend writes `(shadow_memory 0)` into every config.sxp and, once an HVM guest has run, the
    // size it computed itself (`(shadow_memory 9)`): only a value a person wrote is a finding.
    when: (s, ctx) => ctx.sxp === undefined && isOn(s),
    message: (s) => `shadow_memory ${asStrings(s).join('')} is dropped`,
  },
)

export const memBalloon: DomainRule = {
  id: 'MEM-BALLOON',
  title: 'memory < maxmem',
  ...ruleSeverity('MEM-BALLOON'),
  scope: 'domain',
  detects: '`memory` < `maxmem`',
  remediation: 'Kept as current/maximum memory; HVM populate-on-demand needs PV drivers in the guest.',
  check(ctx) {
    const d = ctx.domain
    if (d.currentMemoryKiB <= 0 || d.maxMemoryKiB <= d.currentMemoryKiB) return []
    const s = setting(ctx, 'maxmem')
    return [{message: `memory ${d.currentMemoryKiB / 1024} MiB is below maxmem ${d.maxMemoryKiB / 1024} MiB (ballooning)`, ...(s ? {evidence: s.text, ...(s.loc ? {loc: s.loc} : {})} : {})}]
  },
}

export const memDefault: DomainRule = {
  id: 'MEM-DEFAULT',
  title: 'memory missing',
  ...ruleSeverity('MEM-DEFAULT'),
  scope: 'domain',
  detects: 'xm/xl config without `memory`',
  remediation: 'Set `memory` explicitly: libvirt defaults to 128 MiB, xm did too, a guest may need more.',
  check(ctx) {
    if (!ctx.native || setting(ctx, 'memory') !== undefined) return []
    return [{message: 'no memory setting: the domain gets the 128 MiB default', loc: {line: 1, column: 1}}]
  },
}

export const timeTsc = settingRule(
  {
    id: 'TIME-TSC',
    title: 'tsc_mode numeric',
    ...ruleSeverity('TIME-TSC'),
    detects: "`tsc_mode = 1..3` (0, the default xend writes into every config.sxp, is no finding)",
    remediation: 'Mapped 1→always_emulate, 2→native, 3→native_paravirt.',
  },
  ['tsc_mode'],
  // settingRule skips 0, xend's default (XendConfig writes `(tsc_mode 0)` into every config.sxp).
  {when: (s) => /^[1-9]$/.test(asStrings(s).join('')), message: (s) => `tsc_mode ${asStrings(s).join('')} is numeric`},
)

export const timeLocaltime = settingRule(
  {
    id: 'TIME-LOCALTIME',
    title: 'localtime/rtc offset',
    ...ruleSeverity('TIME-LOCALTIME'),
    detects: "`localtime = 1` or a non-zero `rtc_timeoffset` (xm's `(localtime 0)` and xend's `(rtc_timeoffset 0)` are no finding)",
    remediation: 'Kept; a negative `rtc_timeoffset` is not valid xl syntax as a bare number.',
  },
  ['localtime', 'rtc_timeoffset'],
  {message: (s) => `${s.key} = ${asStrings(s).join('')}`},
)

export const hvmFeatureDefaults: DomainRule = {
  id: 'HVM-FEATURE-DEFAULTS',
  title: 'Feature default differs by reader',
  ...ruleSeverity('HVM-FEATURE-DEFAULTS'),
  scope: 'domain',
  detects: 'HVM SXP without `acpi`/`apic`/`pae` (off for the SXP reader, on for xm/xl)',
  remediation: 'Check the effective value in the converted XML matches what the guest ran with.',
  check(ctx) {
    if (ctx.sxp === undefined || !isHvm(ctx)) return []
    const image = sxpImage(ctx.sxp)
    const platform = sxpChild(ctx.sxp, 'platform')
    const missing = ['acpi', 'apic', 'pae'].filter((k) => (image === undefined || sxpValue(image, k) === undefined) && (platform === undefined || sxpValue(platform, k) === undefined))
    if (missing.length === 0) return []
    return [{message: `HVM SXP does not say ${missing.join(', ')}: the SXP reader turns them off, xm/xl on`, ...(image ? {evidence: redactAndShorten(sxpText(image), 80), loc: {...image.loc, path: 'domain/image/hvm'}} : {})}]
  },
}

export const lifecycle: DomainRule = {
  id: 'LIFECYCLE',
  title: 'on_crash default',
  ...ruleSeverity('LIFECYCLE'),
  scope: 'domain',
  detects: '`on_crash` absent',
  remediation: 'The SXP reader defaults to destroy, xm/xl to restart: xenlift writes it explicitly; check it is what you want.',
  check(ctx) {
    if (setting(ctx, 'on_crash') !== undefined) return []
    return [{message: `on_crash is not set (${ctx.sxp ? 'SXP reader: destroy' : 'xm/xl: restart'})`, loc: {line: 1, column: 1}}]
  },
}

export const lifecycleRename = settingRule(
  {
    id: 'LIFECYCLE-RENAME',
    title: 'rename-restart',
    ...ruleSeverity('LIFECYCLE-RENAME'),
    detects: '`on_*` = `rename-restart`',
    remediation: 'Not supported by libxl: use restart.',
  },
  ['on_poweroff', 'on_reboot', 'on_crash'],
  {when: (s) => asStrings(s).join('') === 'rename-restart', message: (s) => `${s.key} rename-restart is not supported by libxl`},
)

export const cpuMemoryRules: readonly DomainRule[] = [
  cpuWeight,
  cpuPin,
  cpuPool,
  cpuCpuid,
  memShadow,
  memBalloon,
  memDefault,
  timeTsc,
  timeLocaltime,
  hvmFeatureDefaults,
  lifecycle,
  lifecycleRename,
]
