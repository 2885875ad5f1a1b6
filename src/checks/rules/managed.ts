import {setting} from '../config-view.js'
import type {DomainRule, RuleHit} from '../rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** `/var/lib/xend/domains/<dir>/config.sxp`: xend's managed-domain store (XendDomain.py). */
export const MANAGED_PATH = /(?:^|\/)var\/lib\/xend\/domains\/([^/]+)\/config\.sxp$/

export const mgdDomain: DomainRule = {
  id: 'MGD-DOMAIN',
  title: 'xend-managed domain',
  ...ruleSeverity('MGD-DOMAIN'),
  scope: 'domain',
  detects: 'host: the domain is stored in `/var/lib/xend/domains/<uuid>/config.sxp`',
  remediation: 'xl has no managed domains: import it into libvirt (`xenlift convert` then `virsh define`); this is the main job of xenlift.',
  check(ctx) {
    if (ctx.file.role !== 'managed-sxp' && !MANAGED_PATH.test(ctx.file.path)) return []
    return [{message: 'managed by xend: it disappears from the toolstack when xend is removed unless defined in libvirt', loc: {line: 1, column: 1}}]
  },
}

/** MGD-AUTOSTART (domain part): xend started it on boot; `/etc/xen/auto` is the host rule's part. */
export const mgdAutostartSxp: DomainRule = {
  id: 'MGD-AUTOSTART',
  title: 'Autostart lost',
  ...ruleSeverity('MGD-AUTOSTART'),
  scope: 'domain',
  detects: 'SXP `on_xend_start start` or `auto_power_on True`; host: a link in `/etc/xen/auto`',
  remediation: 'After define: `virsh autostart <name>` (or keep /etc/xen/auto with xendomains if staying with xl) — not both, or it starts twice.',
  check(ctx) {
    if (ctx.sxp === undefined) return []
    const hits: RuleHit[] = []
    const start = setting(ctx, 'on_xend_start')
    if (start?.value === 'start') hits.push({message: 'xend started this domain at boot (on_xend_start start); libvirt will not unless autostart is set', evidence: start.text, ...(start.loc ? {loc: start.loc} : {})})
    const apo = setting(ctx, 'auto_power_on')
    if (hits.length === 0 && typeof apo?.value === 'string' && /^(true|1)$/i.test(apo.value)) {
      hits.push({message: 'auto_power_on is set; libvirt will not start it at boot unless autostart is set', evidence: apo.text, ...(apo.loc ? {loc: apo.loc} : {})})
    }
    return hits
  },
}

export const mgdAutostop: DomainRule = {
  id: 'MGD-AUTOSTOP',
  title: 'Stop action on host shutdown',
  ...ruleSeverity('MGD-AUTOSTOP'),
  scope: 'domain',
  detects: 'SXP `on_xend_stop shutdown|suspend`',
  remediation: 'Configure `libvirt-guests` (ON_SHUTDOWN=shutdown|suspend) or xendomains to do the same.',
  check(ctx) {
    const s = setting(ctx, 'on_xend_stop')
    if (s === undefined || (s.value !== 'shutdown' && s.value !== 'suspend')) return []
    return [{message: `xend would ${String(s.value)} this domain when the host stopped; libvirt needs libvirt-guests for that`, evidence: s.text, ...(s.loc ? {loc: s.loc} : {})}]
  },
}

export const managedRules: readonly DomainRule[] = [mgdDomain, mgdAutostartSxp, mgdAutostop]
