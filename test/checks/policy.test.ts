import {describe, expect, it} from 'vitest'
import type {Finding} from '../../src/checks/finding.js'
import {parsePolicy, waiverFor} from '../../src/checks/policy.js'

const finding = (rule: string, domain?: string, host = 'dom0-a'): Finding => ({
  rule,
  severity: 'blocker',
  host,
  ...(domain !== undefined ? {domain} : {}),
  message: 'm',
  remediation: 'r',
  origin: 'rule',
})

describe('policy', () => {
  it('parses waivers with reason and optional domain/host/by', () => {
    const r = parsePolicy('waivers:\n  - rule: DISK-SHARED\n    domain: db*\n    reason: OCFS2, CHG-12\n    by: alice\n  - rule: LIFECYCLE\n    reason: fine\n', 'p.yaml')
    expect(r.errors).toEqual([])
    expect(r.policy?.waivers).toEqual([
      {rule: 'DISK-SHARED', domain: 'db*', reason: 'OCFS2, CHG-12', by: 'alice'},
      {rule: 'LIFECYCLE', reason: 'fine'},
    ])
  })

  it.each([
    ['not: [valid', /not valid YAML/],
    ['other: 1', /top-level "waivers:" list/],
    ['waivers:\n  - domain: x\n    reason: y', /"rule" is required/],
    ['waivers:\n  - rule: PVSCSI', /"reason" is required/],
    ['waivers:\n  - rule: HOST-UNREACHABLE\n    reason: known down', /HOST-UNREACHABLE cannot be waived/],
    ['waivers:\n  - rule: INTERNAL\n    reason: meh', /INTERNAL cannot be waived/],
  ])('rejects %j', (text, msg) => {
    const r = parsePolicy(text, 'p.yaml')
    expect(r.policy).toBeUndefined()
    expect(r.errors.join('\n')).toMatch(msg)
  })

  it('never waives HOST-UNREACHABLE or INTERNAL: not by --ignore, not by a "*" policy entry', () => {
    const {policy} = parsePolicy('waivers:\n  - rule: "*"\n    reason: everything is fine\n', 'p.yaml')
    expect(waiverFor(finding('PVSCSI', 'db01'), [], policy)).toMatchObject({reason: 'everything is fine'})
    for (const rule of ['HOST-UNREACHABLE', 'INTERNAL']) {
      expect(waiverFor(finding(rule), [rule], policy)).toBeUndefined()
      expect(waiverFor(finding(rule, 'db01'), [], policy)).toBeUndefined()
    }
  })

  it('matches rule, domain glob and host; --ignore wins', () => {
    const {policy} = parsePolicy('waivers:\n  - rule: DISK-SHARED\n    domain: db*\n    host: dom0-a\n    reason: cluster fs\n    by: alice\n', 'p.yaml')
    expect(waiverFor(finding('DISK-SHARED', 'db01'), [], policy)).toEqual({reason: 'cluster fs', by: 'alice (p.yaml)'})
    expect(waiverFor(finding('DISK-SHARED', 'web01'), [], policy)).toBeUndefined()
    expect(waiverFor(finding('DISK-SHARED', 'db01', 'dom0-b'), [], policy)).toBeUndefined()
    expect(waiverFor(finding('PVSCSI', 'db01'), [], policy)).toBeUndefined()
    expect(waiverFor(finding('PVSCSI', 'db01'), ['PVSCSI'], policy)?.by).toBe('--ignore')
  })
})
