import {setting} from '../config-view.js'
import type {DomainContext, DomainRule, RuleHit} from '../rule.js'
import {vifSpecs, type VifSpec} from '../vif-specs.js'
import {settingRule} from './setting-rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** NIC rows of checklist §B/§D over the vif specs as written (grammar: xen-formats §6.2). */
type Meta = Omit<DomainRule, 'scope' | 'check'>

function vifRule(meta: Meta, test: (v: VifSpec, ctx: DomainContext, index: number) => string | undefined): DomainRule {
  return {
    ...meta,
    scope: 'domain',
    check(ctx) {
      const hits: RuleHit[] = []
      vifSpecs(ctx).forEach((v, i) => {
        const message = test(v, ctx, i)
        if (message !== undefined) hits.push({message, evidence: v.text, ...(v.loc !== undefined ? {loc: v.loc} : {})})
      })
      return hits
    },
  }
}

export const vifEmpty: DomainRule = {
  id: 'VIF-EMPTY',
  title: 'Default vif',
  ...ruleSeverity('VIF-EMPTY'),
  scope: 'domain',
  detects: "`vif = ['']` or `nics = N`",
  remediation: 'Write the NIC explicitly (`bridge=<name>`, a fixed `mac=`); an empty vif gets the zero MAC in libvirt.',
  check(ctx) {
    const hits: RuleHit[] = []
    vifSpecs(ctx).forEach((v, i) => {
      if (ctx.sxp === undefined && v.text.trim() === '') hits.push({message: `vif #${i + 1} is empty: all defaults, no MAC, no bridge`, evidence: "''", ...(v.loc ? {loc: v.loc} : {})})
    })
    const nics = setting(ctx, 'nics')
    if (nics !== undefined) hits.push({message: 'nics = N is ignored by libvirt and xl: NICs come from vif only', evidence: nics.text, ...(nics.loc ? {loc: nics.loc} : {})})
    return hits
  },
}

export const vifIoemu = vifRule(
  {
    id: 'VIF-IOEMU',
    title: 'Emulated NIC type',
    ...ruleSeverity('VIF-IOEMU'),
    detects: 'vif `type=ioemu` or `model=`',
    remediation: 'Nothing to do for HVM (the emulated NIC is kept); a PV guest ignores the model.',
  },
  (v) => (v.keys.type === 'ioemu' || v.keys.model !== undefined ? `emulated NIC${v.keys.model !== undefined ? ` model ${v.keys.model}` : ''}` : undefined),
)

export const vifRate = vifRule(
  {
    id: 'VIF-RATE',
    title: 'Rate limit',
    ...ruleSeverity('VIF-RATE'),
    detects: 'vif `rate=` with an `@interval`',
    remediation: 'The interval is dropped; only the average KB/s is kept. Check the resulting bandwidth.',
  },
  (v) => (v.keys.rate?.includes('@') ? `rate ${v.keys.rate}: the @interval is dropped` : undefined),
)

const KNOWN_VIF_KEYS = new Set(['mac', 'bridge', 'script', 'ip', 'vifname', 'type', 'model', 'rate', 'uuid', 'devid', 'handle', 'protocol'])

export const vifUnknownKey = vifRule(
  {
    id: 'VIF-UNKNOWN-KEY',
    title: 'vif keys ignored',
    ...ruleSeverity('VIF-UNKNOWN-KEY'),
    detects: "vif keys libvirt ignores: `backend=` other than 0, `accel=`, `gatewaydev=`, … (xend's `(backend 0)` and `(uuid …)` in every vif are no finding)",
    remediation: 'A NIC in a backend (driver) domain needs hand-written XML; other keys must be re-applied in the guest or host.',
  },
  (v) => {
    const ignored = Object.keys(v.keys).filter((k) => !KNOWN_VIF_KEYS.has(k) && v.text.trim() !== '' && !(k === 'backend' && v.keys[k] === '0'))
    return ignored.length > 0 ? `vif key(s) ${ignored.join(', ')} are ignored` : undefined
  },
)

export const vif2 = settingRule(
  {
    id: 'VIF2',
    title: 'netchannel2',
    ...ruleSeverity('VIF2'),
    detects: '`vif2 = [...]`',
    remediation: 'netchannel2 is not supported by libxl: rewrite these NICs as `vif` entries.',
  },
  ['vif2'],
  {message: () => 'netchannel2 NICs (vif2) are lost in conversion'},
)

export const xendVifscript = vifRule(
  {
    id: 'XEND-VIFSCRIPT',
    title: 'Non-bridge vif scripts',
    ...ruleSeverity('XEND-VIFSCRIPT'),
    detects: "vif `script=` other than vif-bridge (`vif-route`, `vif-nat`, custom; bare name or path); xend's `(script /etc/xen/scripts/vif-bridge)` is no finding",
    remediation: 'Check the script exists on the target under /etc/xen/scripts; libvirt keeps `<script path>`.',
  },
  (v) => {
    const s = v.keys.script
    if (s === undefined || s === '' || /(^|\/)vif-bridge$/.test(s)) return undefined
    return `vif uses script ${s}; it must exist on the upgraded host`
  },
)

export const nicRules: readonly DomainRule[] = [vifEmpty, vifIoemu, vifRate, vifUnknownKey, vif2, xendVifscript]
