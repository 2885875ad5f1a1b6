#!/usr/bin/env node
// @ts-nocheck: plain JS over oclif's cached flag union; the test types the result.
// The flags contract: every xenlift command's flags (name → type/char/multiple/options), from the
// built commands (run `npm run build` first). `npm run contract:update` rewrites
// command-snapshot.json; test/contract/command-snapshot.test.ts fails when the live flags differ.
// Explicit on purpose: a changed flag is a changed public interface, reviewed in the diff.
import {readFile, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SNAPSHOT_FILE = fileURLToPath(new URL('../command-snapshot.json', import.meta.url))

/** command id → flags (sorted by name), for this package's commands only (not plugins'). */
export async function liveCommandSnapshot() {
  const config = await Config.load({root: ROOT})
  const out = {}
  const commands = config.commands.filter((c) => c.pluginName === config.pjson.name).sort((a, b) => a.id.localeCompare(b.id))
  for (const c of commands) {
    const flags = {}
    for (const name of Object.keys(c.flags ?? {}).sort()) {
      const f = c.flags[name]
      flags[name] = {
        type: f.type,
        ...(f.char ? {char: f.char} : {}),
        ...(f.multiple ? {multiple: true} : {}),
        ...(f.options ? {options: [...f.options].sort()} : {}),
      }
    }
    out[c.id] = flags
  }
  return out
}

export async function readCommandSnapshot() {
  return JSON.parse(await readFile(SNAPSHOT_FILE, 'utf8'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--write')) {
    process.stderr.write('usage: node scripts/command-snapshot.mjs --write   (npm run contract:update)\n')
    process.exit(2)
  }
  await writeFile(SNAPSHOT_FILE, `${JSON.stringify(await liveCommandSnapshot(), null, 2)}\n`)
  process.stdout.write(`wrote ${SNAPSHOT_FILE}\n`)
}
