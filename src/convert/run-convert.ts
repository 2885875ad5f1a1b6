import {closeSync, fstatSync, openSync, readFileSync, readSync} from 'node:fs'
import {detectionBaseName} from '../formats/detect.js'
import {diag, type Diagnostic} from '../model/diagnostic.js'
import type {SourceFormat} from '../model/read-result.js'
import type {LibvirtTarget} from '../formats/libvirt/target.js'
import {convertText, type TargetFormat} from './convert.js'
import {collectInputs, ioMessage, MAX_CONFIG_BYTES} from './inputs.js'
import {BACKGROUND_WRITE_MIN_FILES, OutputBatch} from './output-batch.js'
import type {XmlValidator} from './validate.js'

export interface RunConvertOptions {
  readonly paths: readonly string[]
  readonly recursive: boolean
  readonly from: 'auto' | SourceFormat
  readonly to: TargetFormat
  readonly target: LibvirtTarget
  /** Write one file per domain here instead of printing. */
  readonly outputDir?: string
  readonly force: boolean
  /** Treat warnings (settings lost or changed in conversion) as failures. */
  readonly strict: boolean
  readonly validator?: XmlValidator
  /** Write VNC/SPICE passwords; files holding one are created mode 0600. */
  readonly securityInfo?: boolean
  /** Aborted (Ctrl-C): convert nothing more, remove what was staged, commit nothing. */
  readonly signal?: AbortSignal
}

/** One converted (or failed, or skipped) domain: the `--json` contract of `convert`. */
export interface ConvertRecord {
  readonly source: string
  readonly format?: SourceFormat
  readonly name?: string
  readonly uuid?: string
  /** The libvirt XML (absent on failure or when converting to a native format). */
  readonly xml?: string
  /** The xl/xm config text (native targets). */
  readonly cfg?: string
  /** Where the output was written (`-o`). */
  readonly written?: string
  /** The output holds a VNC/SPICE password (`--security-info`): written mode 0600 with -o. */
  readonly secret?: boolean
  /** Why this input was passed over (Domain-0, not a config). */
  readonly skipped?: string
  readonly diagnostics: Diagnostic[]
  readonly ok: boolean
}

export interface RunConvertResult {
  readonly records: ConvertRecord[]
  /** Inputs or domains that failed. */
  readonly failed: number
  /** Paths passed over during a directory walk. */
  readonly walkSkipped: {readonly path: string; readonly reason: string}[]
}

/** `xenlift convert`: collect inputs, convert each (one bad file never stops the others), write/validate. */
export async function runConvert(opts: RunConvertOptions): Promise<RunConvertResult> {
  const collected = await collectInputs(opts.paths, opts.recursive)
  const records: ConvertRecord[] = collected.errors.map((e) => ({
    source: e.path,
    diagnostics: [diag('IO', 'error', `cannot read: ${e.message}`, {file: e.path})],
    ok: false,
  }))
  const batch = opts.outputDir !== undefined ? new OutputBatch(opts.outputDir, {force: opts.force, background: collected.files.length >= BACKGROUND_WRITE_MIN_FILES}) : undefined
  // The listener runs inside the SIGINT handler, before the process exits 130.
  opts.signal?.addEventListener('abort', () => batch?.discard(), {once: true})
  for (const [i, input] of collected.files.entries()) {
    // Reading and converting never wait on the event loop, so a SIGINT would only be seen after
    // the run: let it in every 32 files (a setImmediate costs microseconds).
    if (opts.signal !== undefined && i % 32 === 31) await new Promise<void>((resolve) => setImmediate(resolve))
    if (opts.signal?.aborted) break
    for (const rec of await convertFile(input.path, input.explicit, opts)) {
      records.push(batch !== undefined && rec.ok ? stageOutput(rec, opts.to, batch) : rec)
    }
  }
  const final = batch !== undefined && !opts.signal?.aborted ? applyCommit(records, await batch.commit()) : records
  return {records: final, failed: final.filter((r) => !r.ok).length, walkSkipped: collected.skipped}
}

/** Where inputs are read: one buffer for the run, as a config is a few KiB (copied out per file). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024)

/**
 * Read one input. Synchronous on purpose: open, read until end of file, close, with no
 * thread-pool round trip between them; a local config is a few KiB and the run reads one file
 * at a time anyway. No fstat up front: the size only matters past the first 64 KiB (then the
 * limit applies), and reading to end of file serves pipes, whose size says nothing.
 */
function readInput(path: string): {bytes: Buffer} | {error: string} {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    let n = 0
    while (n < READ_BUFFER.length) {
      const got = readSync(fd, READ_BUFFER, n, READ_BUFFER.length - n, null)
      if (got === 0) return {bytes: Buffer.from(READ_BUFFER.subarray(0, n))}
      n += got
    }
    const size = fstatSync(fd).size
    if (size > MAX_CONFIG_BYTES) return {error: `file is ${size} bytes, larger than any config (${MAX_CONFIG_BYTES})`}
    return {bytes: Buffer.concat([READ_BUFFER, readFileSync(fd)])}
  } catch (error) {
    return {error: `cannot read: ${ioMessage(error)}`}
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

async function convertFile(path: string, explicit: boolean, opts: RunConvertOptions): Promise<ConvertRecord[]> {
  const pre: Diagnostic[] = []
  const input = readInput(path)
  if ('error' in input) return [{source: path, diagnostics: [diag('IO', 'error', input.error, {file: path})], ok: false}]
  const text = decode(input.bytes, path, pre)
  // A file the user named converts whatever its name (Xen's xmexample1 included); a walk skipped those already.
  const baseName = detectionBaseName(path, explicit)
  const result = convertText(text, {file: path, ...(baseName !== undefined ? {baseName} : {}), from: opts.from, to: opts.to, target: opts.target, securityInfo: opts.securityInfo ?? false})
  const fileDiags = [...pre, ...result.diagnostics]
  const records: ConvertRecord[] = []
  for (const s of result.skipped) {
    // A file the user named that is not a config is an error; a walk just passes it over.
    const isFileSkip = s.name === undefined
    const failedSkip = explicit && isFileSkip
    records.push({
      source: path,
      ...(result.format !== undefined ? {format: result.format} : {}),
      ...(s.name !== undefined ? {name: s.name} : {}),
      skipped: s.reason,
      diagnostics: failedSkip ? [diag('NOT-A-CONFIG', 'error', `not a domain config: ${s.reason}`, {file: path})] : [],
      ok: !failedSkip,
    })
  }
  if (result.domains.length === 0 && result.skipped.length === 0) {
    const ds = fileDiags.some((d) => d.severity === 'error') ? fileDiags : [...fileDiags, diag('NO-DOMAIN', 'error', 'no domain found in this file', {file: path})]
    records.push({source: path, ...(result.format !== undefined ? {format: result.format} : {}), diagnostics: ds, ok: false})
    return records
  }
  for (const [i, d] of result.domains.entries()) {
    // File-level diagnostics (Python code, syntax errors that were recovered from) go with the first domain.
    const ds = i === 0 ? [...fileDiags, ...d.diagnostics] : [...d.diagnostics]
    let ok = d.output !== undefined && !ds.some((x) => x.severity === 'error')
    if (ok && opts.to === 'libvirt' && opts.validator && d.output !== undefined) {
      const v = await opts.validator(d.output, path)
      if (v) {
        ds.push(v)
        ok = false
      }
    }
    if (ok && opts.strict && ds.some((x) => x.severity === 'warning' || x.severity === 'blocker')) {
      ds.push(diag('STRICT', 'error', '--strict: a warning above means the conversion lost or changed something', {file: path}))
      ok = false
    }
    records.push({
      source: path,
      ...(result.format !== undefined ? {format: result.format} : {}),
      name: d.name,
      ...(d.uuid !== undefined ? {uuid: d.uuid} : {}),
      ...(d.output !== undefined && ok ? (opts.to === 'libvirt' ? {xml: d.output} : {cfg: d.output}) : {}),
      ...(opts.securityInfo && d.domain.devices.graphics.some((g) => g.passwd !== undefined && g.passwd !== '') ? {secret: true} : {}),
      diagnostics: ds,
      ok,
    })
  }
  return records
}

/** UTF-8 when it is; otherwise Latin-1 (old dom0s were often not UTF-8) with a warning. */
const UTF8 = new TextDecoder('utf-8', {fatal: true})

function decode(bytes: Buffer, path: string, out: Diagnostic[]): string {
  try {
    return UTF8.decode(bytes)
  } catch {
    out.push(diag('ENCODING', 'warning', 'not valid UTF-8; read as Latin-1', {file: path}))
    return bytes.toString('latin1')
  }
}

const EXTENSION: Record<TargetFormat, string> = {libvirt: '.xml', xl: '.cfg', xm: '.xm'}

function outputFailed(rec: ConvertRecord, message: string): ConvertRecord {
  return Object.assign({}, rec, {diagnostics: [...rec.diagnostics, diag('OUTPUT', 'error', message, {file: rec.source})], ok: false})
}

/** Stage a converted domain's output; the record says `written` once the batch commits it. */
function stageOutput(rec: ConvertRecord, to: TargetFormat, batch: OutputBatch): ConvertRecord {
  const text = rec.xml ?? rec.cfg
  if (text === undefined || rec.name === undefined) return rec
  const r = batch.stage(safeFileName(rec.name) + EXTENSION[to], text, {secret: rec.secret ?? false})
  // Object.assign, not a leading spread: see model/location.ts (one per output file).
  return 'error' in r ? outputFailed(rec, r.error) : Object.assign({}, rec, {written: r.file})
}

/** Records whose staged output could not be committed fail, in place (input order is kept). */
function applyCommit(records: ConvertRecord[], failed: ReadonlyMap<string, string>): ConvertRecord[] {
  if (failed.size === 0) return records
  return records.map((r) => {
    const why = r.written !== undefined ? failed.get(r.written) : undefined
    if (why === undefined) return r
    const {written: _written, ...rest} = r
    return outputFailed(rest, why)
  })
}

/** A domain name as a file name: `/` and NUL cannot appear in one; leading dots would hide it. */
export function safeFileName(name: string): string {
  const s = name.replace(/[/\u0000]/g, '_').replace(/^\.+/, '_')
  return s === '' ? '_unnamed' : s
}
