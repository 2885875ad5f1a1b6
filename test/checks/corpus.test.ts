import {existsSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {runChecks} from '../../src/checks/run-checks.js'
import {collectLocal} from '../../src/host/collect-local.js'
import {renderReport} from '../../src/report/render.js'

/**
 * The shared corpus (libvirt's vectors, real-world configs, Xen's examples; ../shared relative to
 * the repo): every file is checked without a crash, and the report names exactly the configs that
 * hold Python code. Skipped when the corpus is absent.
 */
const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url))

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n)
      return statSync(p).isDirectory() ? walk(p) : [p]
    })
}

/** The describe bodies run even when skipped: without the corpus they see no files. */
const HAVE = existsSync(CORPUS)
const corpusFiles = (): string[] => (HAVE ? walk(CORPUS) : [])

const PY_CODE = new Set(['PY-IMPORT', 'PY-CONTROL', 'PY-CMDLINE-VAR'])

describe.skipIf(!HAVE)('corpus', async () => {
  // Named one by one, so Xen's xmexample* files are read by content instead of skipped by name.
  const files = corpusFiles()
  const collected = await collectLocal({paths: files})
  const report = runChecks(collected.inventories)

  it('checks every file without a crash', () => {
    expect(collected.errors).toEqual([])
    expect(report.findings.filter((f) => f.rule === 'INTERNAL')).toEqual([])
    expect(report.hosts[0]?.files.length).toBe(files.length)
    for (const format of ['text', 'json', 'markdown', 'html'] as const) expect(renderReport(report, format).length).toBeGreaterThan(1000)
  })

  it('names the configs with Python code among the real-world xm files and the Xen examples', () => {
    const named = new Set(
      report.findings
        .filter((f) => PY_CODE.has(f.rule) && f.severity === 'blocker' && /\/(wild\/xm|xen-examples)\//.test(f.file ?? ''))
        .map((f) => path.relative(CORPUS, f.file ?? '')),
    )
    expect([...named].sort()).toEqual([
      'wild/xm/22-t-iisserver.cfg',
      'wild/xm/23-t-isaserver.cfg',
      'wild/xm/26-t-sun2centos.cfg',
      'wild/xm/27-t-terminal.cfg',
      'xen-examples/xmexample.vti',
      'xen-examples/xmexample2',
      'xen-examples/xmexample3',
    ])
    const text = renderReport(report, 'text')
    for (const f of named) expect(text).toContain(f)
  })

  it('masks every password the corpus holds, in every format', () => {
    expect(report.findings.some((f) => f.rule === 'VNC-PASSWORD')).toBe(true)
    const secrets = new Set<string>()
    for (const f of collected.inventories[0]?.files ?? []) {
      for (const m of f.text.matchAll(/passwd\s*=\s*['"]([^'"]+)['"]|\(vncpasswd\s+'?([^)'\s]+)/g)) secrets.add(m[1] ?? m[2] ?? '')
    }
    secrets.delete('')
    expect(secrets.size).toBeGreaterThan(0)
    for (const format of ['text', 'json', 'markdown', 'html'] as const) {
      const out = renderReport(report, format)
      for (const s of secrets) if (s !== 'REDACTED') expect(out, `${format} leaks ${s}`).not.toContain(s)
    }
  })
}, 120_000)

describe.skipIf(!HAVE)('conversion losses never vanish', async () => {
  const {readConfig} = await import('../../src/convert/convert.js')
  const files = corpusFiles()
  const collected = await collectLocal({paths: files})
  const report = runChecks(collected.inventories)

  it('every reader diagnostic of every corpus file shows up as a finding of that file with its id', () => {
    const missing: string[] = []
    for (const file of collected.inventories[0]?.files ?? []) {
      const r = readConfig(file.text, {file: file.path})
      if ('skip' in r) continue
      const ids = new Set(report.findings.filter((f) => f.file === file.path).map((f) => f.rule))
      const codes = [...r.diagnostics, ...r.domains.flatMap((d) => d.diagnostics)].map((d) => d.code)
      for (const code of codes) if (!ids.has(code)) missing.push(`${path.relative(CORPUS, file.path)}: ${code}`)
    }
    expect(missing).toEqual([])
  })
})
