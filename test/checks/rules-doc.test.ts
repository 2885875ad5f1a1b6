import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {ruleCatalog} from '../../src/checks/registry.js'
import {renderRulesDoc} from '../../src/checks/rules-doc.js'

describe('docs/rules.md', () => {
  it('is what the rule definitions generate (run `npx tsx scripts/gen-rules-doc.ts` after changing a rule)', () => {
    const committed = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')
    expect(committed).toBe(renderRulesDoc())
  })

  it('lists every rule id once', () => {
    const doc = renderRulesDoc()
    for (const id of ruleCatalog().keys()) expect(doc.split(`| \`${id}\` |`).length - 1).toBe(1)
  })
})
