import type {SxpAtom, SxpNode} from '../../formats/sxp/sxp-node.js'
import type {DomainRule, HostRule, RuleHit} from '../rule.js'
import {sxpHead, sxpText, sxpValue} from '../sxp-query.js'
import {ruleSeverity} from '../rule-severity.js'

/** SXP-VM-ROOT: `xm create -n/-F` prints `(vm …)`, which libvirt's SXP lookups (`domain/…`) miss. */
export const sxpVmRoot: DomainRule = {
  id: 'SXP-VM-ROOT',
  title: 'SXP created by `xm create -n/-F`',
  ...ruleSeverity('SXP-VM-ROOT'),
  scope: 'domain',
  detects: 'SXP whose root is `(vm …)` instead of `(domain …)`',
  remediation: 'xenlift treats it as `(domain …)`; xl has no `-F`: define the domain through libvirt instead.',
  check(ctx) {
    if (ctx.sxp === undefined || sxpHead(ctx.sxp) !== 'vm') return []
    return [{message: 'root is (vm …), a dry-run dump of xm create, not a stored domain', evidence: '(vm', loc: {...ctx.sxp.loc, path: 'vm'}}]
  },
}

function atoms(node: SxpNode, out: SxpAtom[] = []): SxpAtom[] {
  if (node.kind === 'atom') out.push(node)
  else for (const it of node.items) atoms(it, out)
  return out
}

/** SXP-QUOTING: libvirt's `_string2sexpr` knows neither `"…"` nor backslash escapes the way xend's parser did. */
export const sxpQuoting: DomainRule = {
  id: 'SXP-QUOTING',
  title: "Value libvirt's SXP reader mis-reads",
  ...ruleSeverity('SXP-QUOTING'),
  scope: 'domain',
  detects: 'SXP: a double-quoted string or a backslash escape in a value',
  remediation: "Informational: `virsh domxml-from-native xen-sxpr` would read this value differently; xenlift uses xend's reader.",
  check(ctx) {
    if (ctx.sxp === undefined) return []
    const odd = atoms(ctx.sxp).filter((a) => a.quote === 'double' || a.escaped)
    const first = odd[0]
    if (first === undefined) return []
    return [
      {
        message: `${odd.length} value(s) use double quotes or backslash escapes, e.g. ${sxpText(first)}`,
        evidence: sxpText(first),
        loc: first.loc,
      },
    ]
  },
}

const RUNTIME_KEYS = ['domid', 'state', 'store_mfn', 'console_mfn', 'start_time', 'cpu_time'] as const

/** SXP-RUNTIME: an `xm list -l` dump, not a stored config.sxp. */
export const sxpRuntime: DomainRule = {
  id: 'SXP-RUNTIME',
  title: 'Runtime dump, not a stored config',
  ...ruleSeverity('SXP-RUNTIME'),
  scope: 'domain',
  detects: 'SXP with `domid`, `state` or `store_mfn` (an `xm list -l` dump)',
  remediation: 'Converted as an inactive definition; runtime keys are dropped. The Domain-0 entry is skipped.',
  check(ctx) {
    if (ctx.sxp === undefined) return []
    const found = RUNTIME_KEYS.filter((k) => sxpValue(ctx.sxp as never, k) !== undefined)
    if (found.length === 0) return []
    const at = sxpValue(ctx.sxp, found[0] as string)
    return [{message: `runtime keys present (${found.join(', ')}): this is a dump of a running domain`, evidence: found.map((k) => `(${k} ${sxpValue(ctx.sxp as never, k)?.value})`).join(' '), ...(at ? {loc: {...at.loc, path: `domain/${found[0]}`}} : {})}]
  },
}

/**
 * MIG-LIVE: xend and libxl cannot live-migrate to each other (SUSE guide). A runtime dump whose
 * state shows r(unning) or b(locked) means the domain was up when dumped.
 */
export const migLive: DomainRule = {
  id: 'MIG-LIVE',
  title: 'No live move between xend and libxl',
  ...ruleSeverity('MIG-LIVE'),
  scope: 'domain',
  detects: 'SXP runtime dump of a domain whose `state` shows it running (`r`) or blocked (`b`); host: the live toolstack lists it (`xm list`, with --host)',
  remediation: 'Plan downtime: shut the domain down, dump its config, upgrade, define it in libvirt, start it.',
  check(ctx) {
    if (ctx.sxp === undefined) return []
    const state = sxpValue(ctx.sxp, 'state')
    const domid = sxpValue(ctx.sxp, 'domid')
    if (state === undefined || domid === undefined) return []
    if (!/[rb]/.test(state.value.replace(/-/g, ''))) return []
    const hit: RuleHit = {message: `domain is running (domid ${domid.value}, state ${state.value}); it cannot be moved live to libxl`, evidence: `(state ${state.value})`, loc: {...state.loc, path: 'domain/state'}}
    return [hit]
  },
}

/** MIG-LIVE (host part): the live toolstack lists the domain as running right now. */
export const migLiveHost: HostRule = {
  ...migLive,
  scope: 'host',
  detects: 'host: the domain runs now (`xm list` on the live host)',
  check(ctx) {
    const running = new Set(ctx.inventory.running ?? [])
    return ctx.domains
      .filter((c) => running.has(c.domain.name))
      .map((c) => ({message: `${c.domain.name} is running now under xend; it cannot be moved live to libxl`, domain: c.domain.name, file: c.file.path, evidence: 'xm list'}))
  },
}

/**
 * RUNNING-UNKNOWN (xenlift rule, beyond checklist.md): the live host could not say which domains
 * run (a non-root login without --sudo may not run `xm list`), so MIG-LIVE could not be checked.
 * One finding per domain, so that `check` counts each as blocked and `import` stops each, as
 * MIG-LIVE would have; never read as "none running".
 */
export const runningUnknown: HostRule = {
  id: 'RUNNING-UNKNOWN',
  title: 'Running domains could not be listed',
  ...ruleSeverity('RUNNING-UNKNOWN'),
  scope: 'host',
  detects: 'host (`--host`, `import`): neither `xm list` nor `xl list` answered, so MIG-LIVE could not be checked (xenlift rule, beyond checklist.md)',
  remediation: 'Run again as root or with --sudo (sudo -n must be allowed for xm/xl); waive it only when every domain is known to be shut down.',
  check(ctx) {
    const why = ctx.inventory.runningError
    if (why === undefined) return []
    if (ctx.domains.length === 0) return [{message: `${why}; MIG-LIVE was not checked`}]
    return ctx.domains.map((c) => ({message: `${why}; whether ${c.domain.name} runs now (MIG-LIVE) is unknown`, domain: c.domain.name, file: c.file.path}))
  },
}

export const sxpFormRules: readonly (DomainRule | HostRule)[] = [sxpVmRoot, sxpQuoting, sxpRuntime, migLive, migLiveHost, runningUnknown]
