/**
 * `npm run bench`: every speed figure, each printed with its target. Sections (bench/section.ts)
 * run in order; the output is one JSON document with each section's figures under its name,
 * then the human-readable lines. Timing lives here, never in tests. Exit code 0 always: the
 * numbers are the result.
 *
 * To add a section: write bench/<name>.ts exporting a BenchSection and add it to SECTIONS.
 * BENCH_ONLY=core,commands runs only those sections. BENCH_DIST: another build's directory
 * (e.g. `tsc --outDir /tmp/a`) to compare builds on one machine.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {commandsSection} from './commands.js'
import {coreSection} from './core.js'
import {remoteSection} from './remote.js'
import type {BenchContext, BenchSection} from './section.js'
import {upgradeSection} from './upgrade.js'

const SECTIONS: readonly BenchSection[] = [coreSection, commandsSection, upgradeSection, remoteSection]

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const dist = process.env.BENCH_DIST !== undefined ? pathToFileURL(`${process.env.BENCH_DIST}/`) : new URL('../dist/', import.meta.url)
const report: Record<string, unknown> = {node: process.version}
const lines: string[] = []
for (const section of SECTIONS) {
  if (only !== undefined && !only.includes(section.name)) continue
  const tmp = mkdtempSync(join(tmpdir(), `xenlift-bench-${section.name}-`))
  const ctx: BenchContext = {dist, repoRoot, tmp}
  try {
    const r = await section.run(ctx)
    report[section.name] = r.data
    lines.push(...r.lines)
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n${lines.join('\n')}\n`)
