import {describe, expect, it} from 'vitest'
import {applyExitCode} from '../../src/cli/apply-exit-code.js'
import {batches, overFailBudget} from '../../src/runbook/fleet.js'
import type {HostPlan} from '../../src/runbook/plan-document.js'

const hosts = (n: number) => Array.from({length: n}, (_, i) => ({host: `h${i + 1}`}) as HostPlan)
const names = (bs: ReturnType<typeof batches>) => bs.map((b) => `${b.canary ? 'canary:' : ''}${b.hosts.map((h) => h.host).join(',')}`)

describe('fleet batches and failure budget', () => {
  it('canary first and alone, then --batch N or N% of the ready hosts', () => {
    expect(names(batches(hosts(5), {}))).toEqual(['h1,h2,h3,h4,h5'])
    expect(names(batches(hosts(5), {canary: 1, batch: {count: 2}}))).toEqual(['canary:h1', 'h2,h3', 'h4,h5'])
    expect(names(batches(hosts(8), {batch: {percent: 25}}))).toEqual(['h1,h2', 'h3,h4', 'h5,h6', 'h7,h8'])
    expect(names(batches(hosts(3), {batch: {percent: 10}}))).toEqual(['h1', 'h2', 'h3'])
    expect(names(batches(hosts(2), {canary: 5}))).toEqual(['canary:h1,h2'])
  })

  it('--max-fail-percent means MORE THAN: exactly P% goes on, one more host stops', () => {
    expect(overFailBudget(1, 2, 50)).toBe(false)
    expect(overFailBudget(2, 3, 50)).toBe(true)
    expect(overFailBudget(1, 10, 10)).toBe(false)
    expect(overFailBudget(2, 10, 10)).toBe(true)
    expect(overFailBudget(1, 1, 0)).toBe(true)
    expect(overFailBudget(0, 4, 0)).toBe(false)
    expect(overFailBudget(5, 5, undefined)).toBe(false)
  })

  it('exit codes: 0 all done, 3 blocked and the rest done, 1 none done, 4 partial, 130 interrupted', () => {
    const o = (status: 'done' | 'failed' | 'blocked' | 'skipped' | 'interrupted') => ({host: status, status})
    expect(applyExitCode([o('done')], false)).toBe(0)
    expect(applyExitCode([o('done'), o('blocked')], false)).toBe(3)
    expect(applyExitCode([o('failed'), o('blocked')], false)).toBe(1)
    expect(applyExitCode([o('done'), o('failed')], false)).toBe(4)
    expect(applyExitCode([o('done'), o('skipped')], false)).toBe(4)
    expect(applyExitCode([o('done'), o('interrupted')], false)).toBe(130)
    expect(applyExitCode([o('done')], true)).toBe(130)
  })
})
