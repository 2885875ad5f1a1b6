import {describe, expect, it} from 'vitest'
import {rulesFromHookResults} from '../../src/checks/plugin-rules.js'

const good = {id: 'SITE-NAME', title: 't', severity: 'warning', blocker: false, scope: 'domain', detects: 'd', remediation: 'r', check: () => []}

describe('rules from the xenlift:check-rules hook', () => {
  it('keeps valid rules and explains the rest', () => {
    const r = rulesFromHookResults([
      {plugin: {name: 'p1'}, result: [good, {...good, id: 'bad id'}, {...good, id: 'X-1', scope: 'fleet'}, {...good, id: 'X-2', check: 1}]},
      {plugin: {name: 'p2'}, result: 'nope'},
      {plugin: {name: 'p3'}, result: undefined},
    ])
    expect(r.rules.map((x) => x.id)).toEqual(['SITE-NAME'])
    expect(r.warnings).toEqual([
      'plugin p1: rule skipped: bad id "bad id" (upper-case letters, digits, -)',
      'plugin p1: rule skipped: X-1: scope must be file, domain or host',
      'plugin p1: rule skipped: X-2: check is not a function',
      'plugin p2: xenlift:check-rules hook did not return a list of rules',
    ])
  })
})
