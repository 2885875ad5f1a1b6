// Regenerate docs/rules.md from the rule definitions: npx tsx scripts/gen-rules-doc.ts
import {writeFileSync} from 'node:fs'
import {renderRulesDoc} from '../src/checks/rules-doc.js'

writeFileSync(new URL('../docs/rules.md', import.meta.url), renderRulesDoc())
