import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {expect} from 'vitest'

/** The one switch that (re)writes golden files: `XENLIFT_UPDATE_GOLDEN=1 npx vitest run <test>`. */
export const UPDATE_GOLDEN = process.env.XENLIFT_UPDATE_GOLDEN === '1'

/**
 * Compare `actual` with the reviewed golden file. A missing golden fails the test (it is never
 * written behind the reviewer's back); only with XENLIFT_UPDATE_GOLDEN=1 is it (re)written, and
 * the diff must then be reviewed by hand before it is committed.
 */
export function expectGolden(file: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, actual)
  }
  if (!existsSync(file)) {
    expect.fail(`golden file ${file} is missing: run this test with XENLIFT_UPDATE_GOLDEN=1, then review the new file before committing it`)
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}
