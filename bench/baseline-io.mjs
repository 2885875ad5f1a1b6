#!/usr/bin/env node
// The plain-Node baseline of the end-to-end bench: the same reads and writes as
// `xenlift convert -r IN -o OUT` (and `--json`), with no conversion. Deliberately naive and
// synchronous, as a quick script would be.
//   node bench/baseline-io.mjs IN OUT   read every file below IN, write OUT/<name>.xml per input,
//                                       then flush once (`sync -f OUT`: the durability convert gives)
//   node bench/baseline-io.mjs IN       read every file below IN, print one JSON array on stdout
//   BASELINE_NO_SYNC=1                  skip the flush (shows what durability costs)
import {spawnSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {basename, join} from 'node:path'

const [inDir, outDir] = process.argv.slice(2)

function walk(dir, out) {
  const entries = readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (e.isFile()) out.push(p)
  }
  return out
}

const files = walk(inDir, [])
if (outDir !== undefined) {
  mkdirSync(outDir, {recursive: true})
  for (const f of files) writeFileSync(join(outDir, `${basename(f)}.xml`), readFileSync(f, 'utf8'))
  if (!process.env.BASELINE_NO_SYNC) spawnSync('sync', ['-f', outDir], {stdio: 'ignore'})
} else {
  const records = files.map((f) => ({source: f, text: readFileSync(f, 'utf8')}))
  process.stdout.write(`${JSON.stringify(records, null, 2)}\n`)
}
