import {type DefineRefusal, defineRefusals, LIFECYCLE_COREDUMP_FIX, VIF_BRIDGE_NOSOURCE_FIX} from '../../formats/libvirt/define-refusals.js'
import {setting} from '../config-view.js'
import type {DomainContext, DomainRule, RuleHit} from '../rule.js'

/**
 * What libvirt converts but then refuses to define (formats/libvirt/define-refusals.ts): the
 * conversion warns, `check` blocks, so the failure shows before `virsh define`, not at it.
 */
function refusalRule(code: DefineRefusal['code'], meta: Pick<DomainRule, 'title' | 'detects' | 'remediation'>): DomainRule {
  return {
    id: code,
    ...meta,
    severity: 'blocker',
    blocker: true,
    scope: 'domain',
    check(ctx: DomainContext): RuleHit[] {
      // xl itself accepts both (it runs vif-bridge and dumps core as told): libvirt's refusal only.
      if (ctx.target === 'xl') return []
      return defineRefusals(ctx.domain)
        .filter((r) => r.code === code)
        .map((r) => {
          const s = r.iface === undefined ? setting(ctx, r.key) : undefined
          const loc = r.iface?.loc ?? s?.loc
          return {message: r.message, ...(loc !== undefined ? {loc} : {}), ...(s !== undefined ? {evidence: s.text} : {})}
        })
    },
  }
}

export const lifecycleCoredump = refusalRule('LIFECYCLE-COREDUMP', {
  title: 'coredump-* on power-off or reboot',
  detects: '`on_poweroff` / `on_reboot` = `coredump-destroy` or `coredump-restart`',
  remediation: LIFECYCLE_COREDUMP_FIX,
})

export const vifBridgeNoSource = refusalRule('VIF-BRIDGE-NOSOURCE', {
  title: 'Bridged vif without a bridge name',
  detects: 'a vif with `script=vif-bridge` (or `vif-vnic`) and no `bridge=`',
  remediation: VIF_BRIDGE_NOSOURCE_FIX,
})

export const defineRefusalRules: readonly DomainRule[] = [lifecycleCoredump, vifBridgeNoSource]
