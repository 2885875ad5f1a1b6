import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeOutputFile} from '../../src/cli/write-output.js'

describe('writeOutputFile: whole or not at all', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-write-output-'))
  })
  afterAll(async () => rm(dir, {recursive: true, force: true}))

  it('writes the text under the name, with the mode, and leaves no temp file', async () => {
    const file = path.join(dir, 'plan.json')
    await writeOutputFile(file, '{"a":1}\n', {mode: 0o640})
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n')
    expect((await stat(file)).mode & 0o777).toBe(0o640)
    expect(await readdir(dir)).toEqual(['plan.json'])
  })

  it('aborted mid-write (Ctrl-C): the earlier file is untouched and the temp file is gone', async () => {
    const file = path.join(dir, 'report.html')
    await writeFile(file, 'the earlier report\n')
    const controller = new AbortController()
    // 64 MiB: Node writes it in 512 KiB chunks, so the abort lands while it is being written.
    const writing = writeOutputFile(file, 'x'.repeat(64 * 1024 * 1024), {signal: controller.signal})
    await new Promise((r) => setImmediate(r))
    expect((await readdir(dir)).some((n) => n.startsWith('report.html.tmp-'))).toBe(true)
    controller.abort()
    await expect(writing).rejects.toThrow()
    expect(await readFile(file, 'utf8')).toBe('the earlier report\n')
    expect((await readdir(dir)).sort()).toEqual(['plan.json', 'report.html'])
  })
})
