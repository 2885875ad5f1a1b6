import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {scanFleet, scanHost} from '../../src/host/scan.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const WEB01 = '/var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp'

let dir: string
let h: SimHost
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-scanhost-'))
  h = await createSimHost({
    dir,
    name: 'sles',
    profile: 'sles11-xend',
    tree: DEMO,
    running: [{name: 'web01', sxp: WEB01.slice(1)}, {name: 'adhoc', memory: 256}],
  })
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('scanHost', () => {
  it('states come from xm list; a running domain with no config is read from xm list -l', async () => {
    const s = await scanHost(new LocalTransport({env: h.env, root: h.root}))
    const by = (src: string) => s.domains.find((d) => d.source === src)
    expect(by(WEB01)).toMatchObject({name: 'web01', state: 'blocked', role: 'managed-sxp'})
    expect(s.domains.find((d) => d.name === 'backup01')?.state).toBe('shut off')
    expect(by('xm list -l adhoc')).toMatchObject({name: 'adhoc', role: 'runtime', state: 'blocked', format: 'sxp', memoryKiB: 262144})
    // check's rules count findings (backup01: PVSCSI and its checkpoint.chk are blockers)
    expect(s.domains.find((d) => d.name === 'backup01')?.findings.blocker).toBeGreaterThanOrEqual(2)
    // the runtime dump is counted by check's rules too: a running domain is MIG-LIVE
    expect(by('xm list -l adhoc')?.findings.blocker).toBeGreaterThanOrEqual(1)
  })

  it('a login that may not run xm list knows no state: never "shut off", and each domain counts RUNNING-UNKNOWN', async () => {
    const user = await createSimHost({dir, name: 'user', profile: 'sles11-xend', tree: DEMO, nonRootLogin: true, running: [{name: 'web01', sxp: WEB01.slice(1)}]})
    const s = await scanHost(new LocalTransport({env: user.env, root: user.root}))
    expect(s.facts?.runningError).toMatch(/could not list the running domains/)
    const web01 = s.domains.find((d) => d.source === WEB01)
    expect(web01?.state).toBeUndefined()
    expect(web01?.findings.blocker).toBeGreaterThanOrEqual(1)
    expect(s.domains.find((d) => d.name === 'mail01')?.findings.blocker).toBe(1)
  })
})

describe('scanFleet', () => {
  it('a host that cannot be opened is a failed result; the others are scanned; results sorted', async () => {
    const results = await scanFleet(
      [
        {name: 'zz-good', open: async () => new LocalTransport({env: h.env, root: h.root})},
        {
          name: 'aa-bad',
          open: async () => {
            throw new Error('connect ECONNREFUSED 127.0.0.9:22')
          },
        },
      ],
      {concurrency: 1},
    )
    expect(results.map((r) => [r.host, r.ok])).toEqual([
      ['aa-bad', false],
      ['zz-good', true],
    ])
    expect(results[0]?.error).toBe('connect ECONNREFUSED 127.0.0.9:22')
  })
})
