import type {Rule} from './rule.js'

/**
 * Rules contributed by oclif plugins through the `xenlift:check-rules` hook (a plugin's
 * package.json: `"oclif": {"hooks": {"xenlift:check-rules": "./dist/hooks/rules.js"}}`, whose
 * default export returns `Rule[]`). Results are plugin code, so they are checked before use.
 */
export function rulesFromHookResults(results: readonly {readonly result: unknown; readonly plugin: {readonly name: string}}[]): {rules: Rule[]; warnings: string[]} {
  const rules: Rule[] = []
  const warnings: string[] = []
  for (const {result, plugin} of results) {
    if (result === undefined) continue
    if (!Array.isArray(result)) {
      warnings.push(`plugin ${plugin.name}: xenlift:check-rules hook did not return a list of rules`)
      continue
    }
    for (const r of result as unknown[]) {
      const why = invalid(r)
      if (why) warnings.push(`plugin ${plugin.name}: rule skipped: ${why}`)
      else rules.push(r as Rule)
    }
  }
  return {rules, warnings}
}

function invalid(r: unknown): string | undefined {
  const o = r as Partial<Rule> | null
  if (o === null || typeof o !== 'object') return 'not an object'
  if (typeof o.id !== 'string' || !/^[A-Z][A-Z0-9-]*$/.test(o.id)) return `bad id ${JSON.stringify(o.id)} (upper-case letters, digits, -)`
  if (o.scope !== 'file' && o.scope !== 'domain' && o.scope !== 'host') return `${o.id}: scope must be file, domain or host`
  if (o.severity !== 'blocker' && o.severity !== 'warning' && o.severity !== 'info') return `${o.id}: severity must be blocker, warning or info`
  if (typeof o.check !== 'function') return `${o.id}: check is not a function`
  if (typeof o.title !== 'string' || typeof o.remediation !== 'string') return `${o.id}: title and remediation are required`
  return undefined
}
