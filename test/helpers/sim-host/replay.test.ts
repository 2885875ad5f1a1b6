import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {LocalTransport} from '../../../src/transport/local.js'
import {createSimHost} from './create-sim-host.js'
import {freezeReplays, replayStandIns} from './replay.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-replay-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

/** dpkg-query's format, as the facts probe passes it: tab and newline inside one argument. */
const DPKG_FORMAT = ['$', '{Package}\t$', '{Version}\n'].join('')

describe('replayed stand-ins (read-only benchmarks)', () => {
  it('answer each command line once from the stand-in, then replay stdout, stderr and exit code', async () => {
    const h = await createSimHost({dir, name: 'deb', profile: 'debian7-xend'})
    const t = new LocalTransport({env: h.env})
    const live = {list: await t.exec(['xm', 'list']), bad: await t.exec(['xm', 'nosuch']), fmt: await t.exec(['dpkg-query', '-W', '-f', DPKG_FORMAT])}
    await replayStandIns(h)
    await replayStandIns(h) // idempotent: a replayed wrapper is not wrapped again
    const begins = async () => (await h.commandLog()).filter((l) => l.includes(' begin ')).length
    const before = await begins()
    for (let i = 0; i < 2; i++) {
      expect(await t.exec(['xm', 'list'])).toMatchObject({exitCode: 0, stdout: live.list.stdout, stderr: ''})
      expect(await t.exec(['xm', 'nosuch'])).toMatchObject({exitCode: live.bad.exitCode, stdout: live.bad.stdout, stderr: live.bad.stderr})
      expect(await t.exec(['dpkg-query', '-W', '-f', DPKG_FORMAT])).toMatchObject({exitCode: 0, stdout: live.fmt.stdout})
    }
    expect(live.bad.exitCode).not.toBe(0)
    // The first round reached the stand-ins (three command lines), the second was replayed.
    expect((await begins()) - before).toBe(3)
    // Other argument boundaries are another command line: `xm` `list -l` is not `xm list` `-l`.
    const split = await t.exec(['xm', 'list -l'])
    expect(split.stdout).not.toBe(live.list.stdout)
    expect((await begins()) - before).toBe(4)

    // Frozen: the same answers from shell built-ins alone (no cat, no cksum on PATH), the
    // stand-ins not reached; a command line not recorded yet still goes through the recorder.
    await freezeReplays(h)
    await freezeReplays(h)
    const bare = new LocalTransport({env: {...h.env, PATH: h.binDir}})
    const frozenBefore = await begins()
    for (let i = 0; i < 2; i++) {
      expect(await bare.exec(['xm', 'list'])).toEqual({exitCode: 0, stdout: live.list.stdout, stderr: ''})
      expect(await bare.exec(['xm', 'nosuch'])).toEqual({exitCode: live.bad.exitCode, stdout: live.bad.stdout, stderr: live.bad.stderr})
      expect(await bare.exec(['dpkg-query', '-W', '-f', DPKG_FORMAT])).toEqual({exitCode: 0, stdout: live.fmt.stdout, stderr: ''})
      expect((await bare.exec(['xm', 'list -l'])).stdout).toBe(split.stdout)
    }
    expect(await begins()).toBe(frozenBefore)
    expect((await t.exec(['xl', 'info'])).exitCode).toBe(0)
    expect((await begins()) - frozenBefore).toBe(1)
  })
})
