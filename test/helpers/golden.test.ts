import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {expectGolden, UPDATE_GOLDEN} from './golden.js'

describe.skipIf(UPDATE_GOLDEN)('golden files', () => {
  it('a missing golden fails and is not written', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'xenlift-golden-')), 'missing.txt')
    expect(() => expectGolden(file, 'text')).toThrow(/missing: run this test with XENLIFT_UPDATE_GOLDEN=1/)
    expect(() => readFileSync(file)).toThrow(/ENOENT/)
  })
})
