import {tierUpLaterForBatch} from '../cli/batch-tiering.js'
import {formatDiagnostic} from '../model/diagnostic.js'
import {parseVersion, targetFor} from '../formats/libvirt/target.js'
import type {SourceFormat} from '../model/read-result.js'
import type {TargetFormat} from './convert.js'
import {defaultLibvirtVersion} from './libvirt-version.js'
import {type ConvertRecord, runConvert} from './run-convert.js'
import {findVirtXmlValidate, virtXmlValidator} from './validate.js'

/** The flags of `xenlift convert`, parsed: shared by the oclif command and the fast start-up path. */
export interface ConvertFlags {
  readonly from: 'auto' | SourceFormat
  readonly to: TargetFormat
  readonly 'libvirt-version'?: string
  readonly recursive: boolean
  readonly output?: string
  readonly force: boolean
  readonly validate: boolean
  readonly strict: boolean
  readonly 'security-info': boolean
}

export interface ConvertIo {
  readonly json: boolean
  /** Ctrl-C: stop converting and leave no staged output behind. */
  readonly signal?: AbortSignal
  stdout(text: string): void
  stderr(text: string): void
}

export interface ConvertOutcome {
  readonly records: ConvertRecord[]
  /** 0 all converted, 1 some failed. */
  readonly exitCode: 0 | 1
  /** Set when the run found a usage problem late (one input that held several domains). */
  readonly usage?: string
}

/** Usage checks that need no I/O; undefined when the call is fine. */
export function convertUsageProblem(paths: readonly string[], flags: ConvertFlags, json: boolean): string | undefined {
  if (paths.length === 0) return 'missing PATH: give a config file, or a directory with -r'
  const v = flags['libvirt-version']
  if (v !== undefined && !parseVersion(v)) return `--libvirt-version: '${v}' is not a version like 9.0.0`
  if (paths.length > 1 && flags.output === undefined && !json) return 'several inputs need -o/--output DIR or --json (stdout holds one result only)'
  return undefined
}

/** What `--validate` says when libvirt's validator is not on PATH: which package brings it. */
export const VALIDATOR_MISSING =
  '--validate needs virt-xml-validate, which is not installed: install libvirt-clients (Debian, Ubuntu) or libvirt-client (SUSE, RHEL), or run without --validate'

/**
 * Everything `xenlift convert` does after its flags are parsed and checked. Both the oclif
 * command and the start-up fast path (src/cli/fast-convert.ts) come here, so the batch's V8
 * tiering is set here, once per run and before anything is converted.
 */
export async function executeConvert(paths: readonly string[], flags: ConvertFlags, io: ConvertIo): Promise<ConvertOutcome> {
  tierUpLaterForBatch()
  let validator
  if (flags.validate) {
    const bin = await findVirtXmlValidate()
    // Asked to validate and cannot: an error before anything is written, never a silent exit 0.
    if (!bin) {
      io.stderr(`Error: ${VALIDATOR_MISSING}\n`)
      return {records: [], exitCode: 1}
    }
    validator = virtXmlValidator(bin)
  }
  const version = flags['libvirt-version'] ?? (await defaultLibvirtVersion()).version
  const result = await runConvert({
    paths,
    recursive: flags.recursive,
    from: flags.from,
    to: flags.to,
    target: targetFor(version),
    ...(flags.output !== undefined ? {outputDir: flags.output} : {}),
    force: flags.force,
    strict: flags.strict,
    securityInfo: flags['security-info'],
    ...(validator ? {validator} : {}),
    ...(io.signal ? {signal: io.signal} : {}),
  })
  // What a walk passed over is said, never silent (Xen's examples: name the file to convert it).
  // Gathered and written at once: one write per line was thousands of system calls per run.
  const report: string[] = []
  for (const s of result.walkSkipped) report.push(`${s.path}: skipped: ${s.reason}\n`)
  for (const rec of result.records) {
    for (const d of rec.diagnostics) report.push(`${formatDiagnostic(d, rec.source)}\n`)
    if (rec.skipped !== undefined && rec.ok) report.push(`${rec.source}: skipped${rec.name ? ` ${rec.name}` : ''}: ${rec.skipped}\n`)
  }
  if (report.length > 0) io.stderr(report.join(''))
  const converted = result.records.filter((r) => r.ok && r.skipped === undefined)
  let usage: string | undefined
  if (!io.json) {
    if (flags.output === undefined) {
      if (converted.length > 1) usage = `${paths[0]} holds ${converted.length} domains: use -o/--output DIR or --json`
      const out = converted[0]?.xml ?? converted[0]?.cfg
      if (out !== undefined && usage === undefined) io.stdout(out)
    } else {
      const wrote: string[] = []
      for (const r of converted) if (r.written) wrote.push(`wrote ${r.written}\n`)
      if (wrote.length > 0) io.stderr(wrote.join(''))
    }
    const skipped = result.records.filter((r) => r.skipped !== undefined).length + result.walkSkipped.length
    io.stderr(`${converted.length} converted, ${result.failed} failed, ${skipped} skipped\n`)
  }
  let exitCode: 0 | 1 = result.failed > 0 ? 1 : 0
  if (converted.length === 0 && exitCode === 0) {
    io.stderr('nothing to convert\n')
    exitCode = 1
  }
  return {records: result.records, exitCode, ...(usage !== undefined ? {usage} : {})}
}
