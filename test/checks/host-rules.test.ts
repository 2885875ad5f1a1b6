import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkPath, FIXTURES} from './check-fixture.js'

/** What the host-level rules say, beyond "they fire" (rule-fixtures.test.ts covers that). */
const RULES = path.join(FIXTURES, 'checks/rules')
const check = (p: string) => checkPath(path.join(RULES, p))

describe('host rules', () => {
  it('MGD-AUTOSTART warns of a double start when xend and /etc/xen/auto both start a domain', async () => {
    const r = await check('MGD-AUTOSTART/hit-double-start')
    const link = r.findings.find((f) => f.rule === 'MGD-AUTOSTART' && f.file === '/etc/xen/auto/pv1.cfg')
    expect(link?.message).toMatch(/started twice/)
    expect(link?.domain).toBe('pv1')
  })

  it('DUP-MAC is a blocker when both domains start at boot, a warning otherwise', async () => {
    const both = await check('DUP-MAC/hit-both-autostart')
    expect(both.findings.filter((f) => f.rule === 'DUP-MAC').map((f) => [f.domain, f.severity])).toEqual([
      ['pv1', 'blocker'],
      ['pv2', 'blocker'],
    ])
    const plain = await check('DUP-MAC/hit')
    const f = plain.findings.find((x) => x.rule === 'DUP-MAC' && x.domain === 'pv1')
    expect(f).toMatchObject({severity: 'warning', file: '/etc/xen/pv1.cfg', line: 7})
    expect(f?.message).toBe('MAC 00:16:3e:00:00:01 is also used by pv2')
  })

  it('XL-STATE-001 names the domain that owns the saved image', async () => {
    const managed = await check('XL-STATE-001/hit')
    expect(managed.findings.find((f) => f.rule === 'XL-STATE-001')).toMatchObject({domain: 'sxp1', severity: 'blocker', file: '/var/lib/xend/domains/8d5f1c3a-4b6e-4f70-8c9d-2e3f4a5b6c73/checkpoint.chk'})
    const saved = await check('XL-STATE-001/hit-save')
    expect(saved.findings.find((f) => f.rule === 'XL-STATE-001')).toMatchObject({domain: 'pv1', file: '/var/lib/xen/save/pv1'})
  })

  it('XEND-NET points at the network-script line, and at vif bridges the distro does not create', async () => {
    const xend = await check('XEND-NET/hit')
    expect(xend.findings.find((f) => f.rule === 'XEND-NET')).toMatchObject({file: '/etc/xen/xend-config.sxp', line: 2, column: 1, evidence: '(network-script network-bridge)'})
    const bridge = await check('XEND-NET/hit-bridge')
    expect(bridge.findings.find((f) => f.rule === 'XEND-NET')).toMatchObject({domain: 'pv1', message: "bridge xenbr0 is not created by the host's network configuration"})
  })

  it('DUP-NAME and DUP-SOURCE tell a conflict from the same domain defined twice', async () => {
    const conflict = await check('DUP-NAME/hit')
    expect(conflict.findings.filter((f) => f.rule === 'DUP-NAME')).toHaveLength(2)
    const same = await check('DUP-SOURCE/hit')
    expect(same.findings.filter((f) => f.rule === 'DUP-NAME')).toEqual([])
    expect(same.findings.find((f) => f.rule === 'DUP-SOURCE')?.message).toMatch(/memory 512 MiB vs 2048 MiB/)
  })

  it('SXP-UUID-DIR names both the directory and the UUID', async () => {
    const r = await check('SXP-UUID-DIR/hit')
    expect(r.findings.find((f) => f.rule === 'SXP-UUID-DIR')?.message).toBe(
      'directory 0a1b2c3d-0000-4000-8000-000000000001 holds a domain with UUID 8d5f1c3a-4b6e-4f70-8c9d-2e3f4a5b6c73; xend never ran it from here',
    )
  })
})
