import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'
import {OutputBatch} from '../../src/convert/output-batch.js'

// A process that may start no thread (resource limits): Node throws ERR_WORKER_INIT_FAILED.
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>()
  return {
    ...real,
    Worker: class {
      constructor() {
        throw Object.assign(new Error('Worker initialization failure: EMFILE'), {code: 'ERR_WORKER_INIT_FAILED'})
      }
    },
  }
})

describe('OutputBatch, large batch, where no thread can start', () => {
  it('writes every file itself and commits them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xenlift-output-'))
    const b = new OutputBatch(dir, {force: false, background: true})
    for (let i = 0; i < 40; i++) expect(b.stage(`g${i}.xml`, `<g${i}/>`)).toEqual({file: join(dir, `g${i}.xml`)})
    // Written here at once, as a small batch is.
    expect(readdirSync(dir)).toHaveLength(40)
    expect((await b.commit()).size).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(Array.from({length: 40}, (_, i) => `g${i}.xml`).sort())
    expect(readFileSync(join(dir, 'g39.xml'), 'utf8')).toBe('<g39/>')
  })
})
