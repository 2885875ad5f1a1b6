import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {hasInterruptBudgetFlag} from '../../src/cli/batch-tiering.js'

describe('batch tiering: the V8 flag is set only where V8 has it', () => {
  it('V8 11 (Node 20) has --interrupt-budget; V8 12 and 13 (Node 22, 24) do not', () => {
    expect(hasInterruptBudgetFlag('11.3.244.8-node.19')).toBe(true)
    expect(hasInterruptBudgetFlag('12.4.254.21-node.33')).toBe(false)
    expect(hasInterruptBudgetFlag('13.6.233.10-node.18')).toBe(false)
  })

  it('this Node accepts what is set: convert prints no V8 flag error', () => {
    const r = spawnSync(process.execPath, ['bin/run.js', 'convert', '--json', 'fixtures/demo-host/etc/xen/mail01'], {encoding: 'utf8'})
    expect(r.stderr).not.toMatch(/unrecognized flag/)
    expect(r.status).toBe(0)
  })
})
