import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest'
import {runChecks} from '../../src/checks/run-checks.js'
import {collectHostInventory} from '../../src/host/check-inventory.js'
import {gatherHost} from '../../src/host/gather.js'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {scanHost} from '../../src/host/scan.js'
import {planHost} from '../../src/runbook/plan-host.js'
import {LocalTransport} from '../../src/transport/local.js'
import type {SnapshotRequest} from '../../src/transport/snapshot.js'
import {SnapshotView} from '../../src/transport/snapshot-view.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'
import {planSimHost, repoStrategies} from './strategies.js'
import {cleanXendHost} from './upgrade-hosts.js'

/** Every reader call, by the file it read (`-` for a text without one: the plan's XML parsed back for its record). */
const reads = vi.hoisted(() => new Map<string, number>())
function counted<T extends (text: string, opts?: {file?: string}) => unknown>(reader: T): T {
  return ((text: string, opts?: {file?: string}) => {
    const key = opts?.file ?? '-'
    reads.set(key, (reads.get(key) ?? 0) + 1)
    return reader(text, opts)
  }) as T
}
vi.mock('../../src/formats/xm/read.js', async (load) => {
  const m = await load<typeof import('../../src/formats/xm/read.js')>()
  return {...m, readXm: counted(m.readXm)}
})
vi.mock('../../src/formats/xl/read.js', async (load) => {
  const m = await load<typeof import('../../src/formats/xl/read.js')>()
  return {...m, readXl: counted(m.readXl)}
})
vi.mock('../../src/formats/sxp/read.js', async (load) => {
  const m = await load<typeof import('../../src/formats/sxp/read.js')>()
  return {...m, readSxp: counted(m.readSxp)}
})
vi.mock('../../src/formats/libvirt/read.js', async (load) => {
  const m = await load<typeof import('../../src/formats/libvirt/read.js')>()
  return {...m, readLibvirtXml: counted(m.readLibvirtXml)}
})

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-plan-reads-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))
beforeEach(() => reads.clear())

const plan = (h: {name: string; root: string; env: Record<string, string>}) => planSimHost(h)

describe('planHost parses each config once', () => {
  it('a clean xend host: disk paths, checks and conversion share one read per config', async () => {
    const h = await cleanXendHost(dir, 'deb-reads', {dbRunning: true})
    const p = await plan(h)
    expect(p.domains.map((d) => d.source).sort()).toEqual(['/etc/xen/db01', expect.stringMatching(/^\/var\/lib\/xend\/domains\/.*\/config\.sxp$/)])
    expect(p.domains.every((d) => d.record.memoryKiB > 0 && d.record.vcpus > 0)).toBe(true)
    // Besides: each domain's converted XML, parsed back once for its record.
    expect([...reads.entries()].sort()).toEqual([...p.domains.map((d) => [d.source, 1]), ['-', p.domains.length]].sort())
  }, 120_000)

  it('a host with many kinds of configs (blocked, duplicates, a runtime-only domain): still one read each', async () => {
    const sles = await createSimHost({dir, name: 'sles-reads', profile: 'sles11-xend', tree: DEMO})
    const p = await plan(sles)
    expect(p.domains.length).toBeGreaterThan(3)
    for (const [file, n] of reads) if (file !== '-') expect([file, n]).toEqual([file, 1])
    for (const d of p.domains) expect(reads.get(d.source)).toBe(1)
  }, 120_000)
})

describe('check of a host tree parses each config once', () => {
  it('the disk paths to probe and the checks share one read per config', async () => {
    const t = new LocalTransport({root: DEMO})
    const inv = await collectHostInventory('demo', t)
    const report = runChecks([inv])
    expect(report.summary.domains).toBeGreaterThan(3)
    const configs = inv.files.filter((f) => f.role !== 'xend-config').map((f) => f.path)
    expect(configs.length).toBeGreaterThan(3)
    expect([...reads.entries()].sort()).toEqual(configs.map((c) => [c, 1]).sort())
  })
})

describe('planHost of a gathered host asks it twice', () => {
  it('the gather, then the disk images and the fingerprint (packages, libvirt domains, toolstack setting) in one snapshot: nothing else, and the same plan as file by file', async () => {
    const h = await cleanXendHost(dir, 'deb-trips', {dbRunning: true})
    const exec = new LocalTransport({env: h.env})
    const rooted = new RootedTransport(exec, h.root)
    const requests: SnapshotRequest[] = []
    const snapshot = rooted.snapshot.bind(rooted)
    rooted.snapshot = (r: SnapshotRequest) => {
      requests.push(r)
      return snapshot(r)
    }
    const view = await gatherHost(rooted, {timeoutMs: 20_000})
    expect(view).toBeInstanceOf(SnapshotView)
    const gathered = await planHost(h.name, {kind: 'local', root: h.root}, exec, view, {strategies: await repoStrategies(), planId: 'p1', timeoutMs: 20_000})
    expect(requests).toHaveLength(2)
    expect(requests[1]?.probes.map((p) => p.argv[0])).toEqual(['dpkg-query', 'virsh'])
    expect(requests[1]?.trees.map((t) => t.path)).toContain('/etc/default/xen')
    expect((view as SnapshotView).misses).toEqual([])
    const fileByFile = await planSimHost(h, {timeoutMs: 20_000})
    expect(gathered).toEqual(fileByFile)
    expect(gathered.fingerprint?.inputs.packages['xen-utils-common']).toBe('4.1.4-3+deb7u9')
  }, 120_000)
})

describe('scanHost parses each config once', () => {
  it('the domain list and the check counts share one read per config', async () => {
    const sles = await createSimHost({dir, name: 'sles-scan-reads', profile: 'sles11-xend', tree: DEMO})
    const exec = new LocalTransport({env: sles.env})
    const s = await scanHost(new RootedTransport(exec, sles.root))
    expect(s.domains.length).toBeGreaterThan(3)
    expect(s.domains.some((d) => d.findings.blocker > 0)).toBe(true)
    for (const d of s.domains) expect([d.source, reads.get(d.source)]).toEqual([d.source, 1])
    for (const [file, n] of reads) expect([file, n]).toEqual([file, 1])
  }, 120_000)
})
