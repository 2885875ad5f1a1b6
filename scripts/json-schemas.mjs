#!/usr/bin/env node
// The --json contract: schemas/<command>.json, one JSON Schema per command's --json result,
// generated from the TypeScript types named in src/cli/json-contract.ts (never hand-written, so
// it cannot drift from the code). `npm run contract:update` rewrites them;
// test/contract/json-schemas.test.ts fails when a committed schema differs from what the types
// give now, or when a real --json output does not validate. Explicit on purpose: a changed
// result is a changed public interface, reviewed in the diff.
import {mkdir, readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {createGenerator} from 'ts-json-schema-generator'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SCHEMA_DIR = join(ROOT, 'schemas')
const CONTRACT = join(ROOT, 'src/cli/json-contract.ts')

/** `upgrade plan` → `upgrade-plan.json`. @param {string} commandId */
export function schemaFileName(commandId) {
  return `${commandId.replaceAll(' ', '-')}.json`
}

/**
 * Command id → type name (and whether its --json is NDJSON), read from JSON_CONTRACT without running TypeScript.
 * @returns {Promise<{id: string, type: string, ndjson: boolean}[]>}
 */
export async function contractEntries() {
  const text = await readFile(CONTRACT, 'utf8')
  const block = text.slice(text.indexOf('export const JSON_CONTRACT'))
  const body = block.slice(block.indexOf('{') + 1, block.indexOf('} as const'))
  const entries = [...body.matchAll(/^\s*'?([a-z -]+?)'?:\s*\{type:\s*'(\w+)'(,\s*ndjson:\s*true)?\}/gm)].map((m) => ({id: String(m[1]), type: String(m[2]), ndjson: m[3] !== undefined}))
  if (entries.length === 0) throw new Error(`no JSON_CONTRACT entries found in ${CONTRACT}`)
  return entries
}

/** File name → schema text, as `contract:update` writes them. @returns {Promise<Record<string, string>>} */
export async function liveSchemas() {
  const generator = createGenerator({path: CONTRACT, tsconfig: join(ROOT, 'tsconfig.json'), type: '*', skipTypeCheck: true, expose: 'export', topRef: true, jsDoc: 'extended', sortProps: true, additionalProperties: false})
  /** @type {Record<string, string>} */
  const out = {}
  for (const {id, type, ndjson} of await contractEntries()) {
    const schema = generator.createSchema(type)
    const described = {
      $schema: schema.$schema,
      title: `xenlift ${id} --json${ndjson ? ' (one NDJSON line)' : ''}`,
      ...schema,
    }
    out[schemaFileName(id)] = `${JSON.stringify(described, null, 2)}\n`
  }
  return out
}

/** File name → committed schema text (every .json in schemas/). @returns {Promise<Record<string, string>>} */
export async function committedSchemas() {
  /** @type {Record<string, string>} */
  const out = {}
  const names = await readdir(SCHEMA_DIR).catch((e) => (e.code === 'ENOENT' ? [] : Promise.reject(e)))
  for (const n of names.filter((n) => n.endsWith('.json')).sort()) out[n] = await readFile(join(SCHEMA_DIR, n), 'utf8')
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--write')) {
    process.stderr.write('usage: node scripts/json-schemas.mjs --write   (npm run contract:update)\n')
    process.exit(2)
  }
  await mkdir(SCHEMA_DIR, {recursive: true})
  const live = await liveSchemas()
  for (const [name, text] of Object.entries(live)) await writeFile(join(SCHEMA_DIR, name), text)
  process.stdout.write(`wrote ${Object.keys(live).length} schemas to ${SCHEMA_DIR}\n`)
}
