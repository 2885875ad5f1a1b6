import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {collectLocal} from '../../src/host/collect-local.js'
import {importItemsFrom} from '../../src/host/import-sources.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {checkPath, FIXTURES} from './check-fixture.js'

/**
 * checklist.md names, for these rules, the value xend or xm wrote by default into every
 * config: such a value is no finding. fixtures/checks/xend-defaults is a dom0 tree with two
 * managed domains written the way xend 4.x writes them once started (a pygrub PV guest and an
 * HVM guest, `xm create -n` image defaults included): none of these rules may speak about them,
 * in any command.
 */
const DEFAULT_RULES = [
  'STUBDOM',
  'TIME-TSC',
  'CPU-WEIGHT',
  'CPU-PIN',
  'MEM-SHADOW',
  'TIME-LOCALTIME',
  'BOOT-HVM-DIRECT',
  'PCI-PASSTHROUGH',
  'PCI-OPTS',
  'VIF-UNKNOWN-KEY',
  'XEND-VIFSCRIPT',
  'GRAPHICS-EXTRA',
  'FLOPPY',
  'SOUND',
  'USB-HOST',
  'CPU-CPUID',
] as const

const ROOT = path.join(FIXTURES, 'checks/xend-defaults')
const DOMAINS = path.join(ROOT, 'var/lib/xend/domains')
const CONFIGS = ['4b2d8f1e-7c3a-4e59-a1d6-0f8e2b7c9d31', '9e7a1c4f-2b6d-4f80-b3a5-6d1c8e0f2a74'].map((u) => path.join(DOMAINS, u, 'config.sxp'))

describe("xend's own defaults are no finding", () => {
  it('check: neither domain gets a finding of those rules, and nothing blocks', async () => {
    const report = await checkPath(ROOT)
    expect(report.hosts[0]?.domains.map((d) => d.name).sort()).toEqual(['mx01', 'win2k3'])
    const noisy = report.findings.filter((f) => (DEFAULT_RULES as readonly string[]).includes(f.rule))
    expect(noisy.map((f) => `${f.domain}: ${f.rule} (${f.origin}) ${f.message}`)).toEqual([])
    expect(report.summary.blocker).toBe(0)
  })

  it('convert: no diagnostic of those rules', () => {
    for (const file of CONFIGS) {
      const r = convertText(readFileSync(file, 'utf8'), {file})
      expect(r.domains).toHaveLength(1)
      const ds = [...r.diagnostics, ...(r.domains[0]?.diagnostics ?? [])]
      expect(ds.filter((d) => (DEFAULT_RULES as readonly string[]).includes(d.code)).map((d) => `${d.code}: ${d.message}`)).toEqual([])
    }
  })

  it('import: neither domain is refused (the tree as import reads it)', async () => {
    const c = await collectLocal({paths: [], root: ROOT})
    const inv = c.inventories[0]
    if (inv === undefined) throw new Error('no inventory')
    const sources = inv.files.filter((f) => f.role === 'managed-sxp').map((f) => ({path: f.path, text: f.text, role: 'managed-sxp' as const}))
    expect(sources).toHaveLength(2)
    const {items} = importItemsFrom(sources, targetFor('9.0.0'), inv)
    expect(items.map((i) => [i.name, (i.blockers ?? []).map((b) => b.code)])).toEqual([
      ['mx01', []],
      ['win2k3', []],
    ])
  })
})
