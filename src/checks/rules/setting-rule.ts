import {isXendDefault} from '../../formats/xen-common/xend-defaults.js'
import {isOn, setting, type Setting} from '../config-view.js'
import type {DomainContext, DomainRule, RuleHit} from '../rule.js'

type Meta = Omit<DomainRule, 'scope' | 'check'>

/**
 * A rule that fires when one of the given settings is present (and on): most checklist rows are
 * "key X says something libvirt-libxl cannot express". `keys` are xm/xl names; SXP uses the same
 * name at the top level, in `image/<kind>` or in `platform` (xend wrote them there).
 */
export function settingRule(
  meta: Meta,
  keys: readonly string[],
  opts: {
    /** Default: the setting is "on" (non-empty, non-zero). A value xend/xm wrote by default never fires. */
    readonly when?: (s: Setting, ctx: DomainContext) => boolean
    readonly message: (s: Setting, ctx: DomainContext) => string
    /** Extra hits from elsewhere (SXP device blocks). */
    readonly more?: (ctx: DomainContext) => RuleHit[]
  },
): DomainRule {
  return {
    ...meta,
    scope: 'domain',
    check(ctx) {
      const hits: RuleHit[] = []
      for (const key of keys) {
        const s = setting(ctx, key)
        if (s === undefined || isXendDefault(key, s.value)) continue
        if (!(opts.when ?? isOn)(s, ctx)) continue
        hits.push({message: opts.message(s, ctx), evidence: s.text, ...(s.loc !== undefined ? {loc: s.loc} : {})})
      }
      if (opts.more) hits.push(...opts.more(ctx))
      return hits
    },
  }
}
