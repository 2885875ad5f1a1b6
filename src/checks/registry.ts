import type {Rule} from './rule.js'
import {bootRules} from './rules/boot.js'
import {configSyntaxRules} from './rules/config-syntax.js'
import {cpuMemoryRules} from './rules/cpu-memory.js'
import {defineRefusalRules} from './rules/define-refusals.js'
import {deviceRules} from './rules/devices.js'
import {diskRules} from './rules/disks.js'
import {drbdRules} from './rules/drbd.js'
import {environmentRules} from './rules/environment.js'
import {hostIdentityRules} from './rules/host-identity.js'
import {hostStateRules} from './rules/host-state.js'
import {managedRules} from './rules/managed.js'
import {nicRules} from './rules/nics.js'
import {pythonRules} from './rules/python-code.js'
import {sxpFormRules} from './rules/sxp-form.js'

/**
 * The built-in rules, in checklist.md order of sections. One rule id may have several
 * implementations (MGD-AUTOSTART has a per-domain SXP part and a host part).
 */
export const BUILTIN_RULES: readonly Rule[] = [
  ...pythonRules,
  ...configSyntaxRules,
  ...sxpFormRules,
  ...managedRules,
  ...hostStateRules,
  ...hostIdentityRules,
  ...diskRules,
  ...drbdRules,
  ...deviceRules,
  ...nicRules,
  ...bootRules,
  ...cpuMemoryRules,
  ...defineRefusalRules,
  ...environmentRules,
]

/**
 * Rules of the checklist that are not implemented, with why; listed in the generated rules doc
 * so the gap is visible.
 */
export const NOT_IMPLEMENTED: readonly {readonly id: string; readonly title: string; readonly why: string}[] = []

/** Rules added by plugins (`registerRule`) for this process. */
const registered: Rule[] = []

/** Add a rule (a plugin's hook calls this); its id must not clash with a built-in one. */
export function registerRule(rule: Rule): void {
  if (BUILTIN_RULES.some((r) => r.id === rule.id && r.scope === rule.scope) || registered.some((r) => r.id === rule.id && r.scope === rule.scope)) {
    throw new Error(`rule ${rule.id} (${rule.scope}) is already registered`)
  }
  registered.push(rule)
}

/** Built-in plus registered rules. */
export function allRules(): readonly Rule[] {
  return [...BUILTIN_RULES, ...registered]
}

/** One entry per rule id (first implementation's metadata), for docs and remediation lookup. */
export function ruleCatalog(rules: readonly Rule[] = allRules()): Map<string, Rule> {
  const m = new Map<string, Rule>()
  for (const r of rules) if (!m.has(r.id)) m.set(r.id, r)
  return m
}
