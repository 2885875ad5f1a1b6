/**
 * Property: a VNC/SPICE password placed anywhere in any value of an SXP, xm, xl or libvirt XML
 * config never appears in what any command shows: text, JSON, Markdown or HTML, diagnostics,
 * diffs, error messages, nor the logs of the host's commands. (`--security-info`, and the XML
 * `import` hands to virsh on stdin, are where passwords are meant to go; neither is output.)
 *
 * Two levels: the core pipeline in process over many cases, then the real commands (convert,
 * check in every format, import --dry-run and import, scan, xen2libvirt) over one dom0 tree of
 * generated configs on a simulated libvirt host, a few times: each CLI run costs seconds.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runChecks} from '../../src/checks/run-checks.js'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {importItemsFrom} from '../../src/host/import-sources.js'
import {formatDiagnostic} from '../../src/model/diagnostic.js'
import {REPORT_FORMATS, renderReport} from '../../src/report/render.js'
import {type CliResult, runCli} from '../helpers/cli.js'
import {caseFile, leaks, secretCase} from '../helpers/secret-configs.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'

describe('no password in any output (property)', () => {
  it('the core: converted output without --security-info, diagnostics, check reports in every format', () => {
    fc.assert(
      fc.property(secretCase, (c) => {
        const f = caseFile(c, 1)
        const shown: string[] = []
        for (const to of ['libvirt', 'xl', 'xm'] as const) {
          const r = convertText(f.text, {file: f.path, baseName: path.basename(f.path), to})
          for (const d of r.domains) shown.push(d.output ?? '', JSON.stringify(d.diagnostics), ...d.diagnostics.map((x) => formatDiagnostic(x)))
          shown.push(JSON.stringify(r.diagnostics), ...r.diagnostics.map((x) => formatDiagnostic(x)))
        }
        const report = runChecks([{host: 'h', isHostTree: false, files: [{path: f.path, text: f.text, role: 'loose'}], otherPaths: [], autoLinks: [], networkConfigs: []}])
        for (const format of REPORT_FORMATS) shown.push(renderReport(report, format))
        const {items} = importItemsFrom([{path: f.path, text: f.text}], targetFor('9.0.0'))
        shown.push(JSON.stringify(items.map(({xml: _xml, ...rest}) => rest)))
        expect(leaks(shown.join('\n'), [c.password]), `${c.format} place ${c.place} pad ${c.pad}:\n${f.text}`).toEqual([])
        // …and the password did reach the XML import defines (nothing vacuous about the above).
        // (libvirt's SXP reader drops a PV vfb password; an oversized vfb is not converted at all.)
        if (c.format !== 'sxp' || c.place >= 2) for (const i of items) if (i.xml !== undefined) expect(i.xml, f.text).toContain(c.password)
      }),
      {numRuns: 300},
    )
  })

  it(
    'the real commands over a dom0 tree of such configs, and the host command logs',
    {timeout: 600_000},
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(secretCase, {minLength: 6, maxLength: 6}), async (cases) => {
          const dir = await mkdtemp(path.join(tmpdir(), 'xenlift-secrets-'))
          try {
            const tree = path.join(dir, 'tree')
            for (const [i, c] of cases.entries()) {
              const f = caseFile(c, i)
              await mkdir(path.dirname(path.join(tree, f.path)), {recursive: true})
              await writeFile(path.join(tree, f.path), f.text)
            }
            const host = await createSimHost({dir, name: 'target', profile: 'debian12-libvirt'})
            const env = host.env
            const out = path.join(dir, 'out')
            // Text and JSON of every command; Markdown and HTML of check (the core test covers them all).
            const runs: CliResult[] = await Promise.all([
              runCli(['convert', '-r', tree, '--json']),
              runCli(['convert', '-r', tree, '--to', 'xl', '-o', out]),
              runCli(['check', '-r', tree, '--format', 'html', '--fail-on', 'never']),
              runCli(['scan', '--root', tree, '--json']),
            ])
            // Plan (diff against nothing), define (passwords go to the simulated libvirt), plan again
            // against what libvirt now holds, and SUSE's drop-in that defines too.
            runs.push(await runCli(['import', '-r', tree, '--dry-run'], {env}))
            runs.push(await runCli(['import', '-r', tree, '--force'], {env}))
            runs.push(await runCli(['import', '-r', tree, '--dry-run', '--update', '--json'], {env}))
            runs.push(await runCli(['-v', '-r', path.join(tree, 'etc/xen')], {env, bin: 'bin/xen2libvirt.js'}))
            const passwords = cases.map((c) => c.password)
            const defined = Object.keys(await host.libvirtDomains())
            expect(defined.length, runs[5]?.stderr).toBeGreaterThan(0) // import did define (with passwords)
            for (const [i, r] of runs.entries()) expect(leaks(`${r.stdout}\n${r.stderr}`, passwords), `run ${i}:\n${r.stdout}\n${r.stderr}`).toEqual([])
            expect(leaks((await host.commandLog()).join('\n'), passwords), 'stand-in command log').toEqual([])
            for (const f of await readdir(out, {recursive: true, withFileTypes: true})) {
              if (f.isFile()) expect(leaks(await readFile(path.join(f.parentPath, f.name), 'utf8'), passwords), f.name).toEqual([])
            }
          } finally {
            await rm(dir, {recursive: true, force: true})
          }
        }),
        // Each run is eight CLI invocations (seconds each): one run, no shrinking (the case is printed).
        {numRuns: 1, endOnFailure: true},
      )
    },
  )
})
