import {diag, type Diagnostic} from '../model/diagnostic.js'
import type {Domain} from '../model/domain.js'
import type {NativeConfig} from '../model/native-config.js'
import type {ReadResult, SourceFormat} from '../model/read-result.js'
import {detectFormat} from '../formats/detect.js'
import {readLibvirtXml} from '../formats/libvirt/read.js'
import {applyLibvirtDefaults} from '../formats/libvirt/defaults.js'
import {writeLibvirtXml} from '../formats/libvirt/write.js'
import {libvirtXmlLosses} from '../formats/libvirt/xml-losses.js'
import {targetAssumptions} from '../formats/target-assumptions.js'
import {defineRefusals, LIFECYCLE_COREDUMP_FIX, VIF_BRIDGE_NOSOURCE_FIX} from '../formats/libvirt/define-refusals.js'
import {targetFor, type LibvirtTarget} from '../formats/libvirt/target.js'
import {readSxp} from '../formats/sxp/read.js'
import {readXl} from '../formats/xl/read.js'
import {writeXl} from '../formats/xl/write.js'
import {readXm} from '../formats/xm/read.js'
import {writeXm} from '../formats/xm/write.js'
import {withRuleSeverities} from '../checks/rule-severity.js'

export type TargetFormat = 'libvirt' | 'xl' | 'xm'

export interface ConvertOptions {
  /** Shown in diagnostics. */
  readonly file?: string
  /** Base name used by format detection to skip non-configs (xend-config.sxp, xl.conf…). */
  readonly baseName?: string
  readonly from?: 'auto' | SourceFormat
  readonly to?: TargetFormat
  readonly target?: LibvirtTarget
  /** Write VNC/SPICE passwords (`convert --security-info`; `import` always does). */
  readonly securityInfo?: boolean
  /**
   * A change of the read model before libvirt's defaults and the writer (the upgrade's answered
   * questions: drop `<shareable/>`, pygrub for domUloader). Pure; returns the domain to write.
   */
  readonly amend?: (domain: Domain) => Domain
}

export interface ConvertedDomain {
  readonly name: string
  readonly uuid?: string
  /** The converted text (XML or native config); absent when this domain failed. */
  readonly output?: string
  readonly domain: Domain
  readonly diagnostics: Diagnostic[]
}

export interface ConvertResult {
  readonly file?: string
  /** Undefined when the input was skipped before any reader ran. */
  readonly format?: SourceFormat
  readonly domains: ConvertedDomain[]
  readonly skipped: {readonly name?: string; readonly reason: string}[]
  /** File-level diagnostics; an error here means nothing could be converted. */
  readonly diagnostics: Diagnostic[]
  /** The reader's full result (raw config, SXP tree) for checks. */
  readonly read?: ReadResult
}

const READERS = {sxp: readSxp, xm: readXm, xl: readXl, libvirt: readLibvirtXml} as const

/** Read a config text in any supported format (detected when `from` is auto). */
export function readConfig(text: string, opts: Pick<ConvertOptions, 'file' | 'baseName' | 'from' | 'target'> = {}): ReadResult | {skip: string} {
  let format: SourceFormat
  if (opts.from === undefined || opts.from === 'auto') {
    const d = detectFormat(text, opts.baseName)
    if ('skip' in d) return {skip: d.skip}
    format = d.format
  } else {
    format = opts.from
  }
  // The target reaches the readers too: xl `nestedhvm = 0` depends on the host CPU vendor.
  const read = READERS[format](text, {...(opts.file !== undefined ? {file: opts.file} : {}), ...(opts.target !== undefined ? {target: opts.target} : {})})
  return withRuleSeveritiesRead(read)
}

/**
 * Every command reads configs here, so this is where a reader diagnostic carrying a checklist id
 * gets its rule's one severity (rule-severity.ts): `convert` prints STUBDOM as a blocker, as
 * `check` and `import` do. Writer diagnostics keep theirs (they are about the output format).
 */
function withRuleSeveritiesRead(read: ReadResult): ReadResult {
  const diagnostics = withRuleSeverities(read.diagnostics)
  let domains = read.domains
  for (let i = 0; i < domains.length; i++) {
    const entry = domains[i] as ReadResult['domains'][number]
    const ds = withRuleSeverities(entry.diagnostics)
    if (ds === entry.diagnostics) continue
    if (domains === read.domains) domains = domains.slice()
    domains[i] = {...entry, diagnostics: ds}
  }
  return diagnostics === read.diagnostics && domains === read.domains ? read : {...read, diagnostics, domains}
}

/** Convert one config text: read → model → (libvirt defaults) → write. Pure: no I/O. */
export function convertText(text: string, opts: ConvertOptions = {}): ConvertResult {
  return convertRead(readConfig(text, opts), opts)
}

/**
 * `convertText` after its read: for a caller that already read the config (`readConfig` with
 * the same options) and must not parse it again. Pure.
 */
export function convertRead(read: ReadResult | {skip: string}, opts: ConvertOptions = {}): ConvertResult {
  const file = opts.file
  if ('skip' in read) return {...(file !== undefined ? {file} : {}), domains: [], skipped: [{reason: read.skip}], diagnostics: []}
  const to = opts.to ?? 'libvirt'
  const target = opts.target ?? targetFor('9.0.0')
  const domains: ConvertedDomain[] = read.domains.map(({domain: readDomain, diagnostics}) => {
    const domain = opts.amend ? opts.amend(readDomain) : readDomain
    const ds = [...diagnostics]
    const wo = {securityInfo: opts.securityInfo ?? false}
    let output: string | undefined
    try {
      if (to === 'libvirt') {
        const full = applyLibvirtDefaults(domain, target)
        output = writeLibvirtXml(full, target, wo)
        ds.push(...libvirtXmlLosses(domain, file), ...targetAssumptions(full, target, file), ...refusalWarnings(domain, file, read.native))
      } else {
        const w = to === 'xl' ? writeXl(domain, wo) : writeXm(domain, wo)
        ds.push(...w.diagnostics)
        if (!w.diagnostics.some((d) => d.severity === 'error')) output = w.text
      }
    } catch (error) {
      // A writer bug must not take the other files down: report it located at the file.
      ds.push(diag('INTERNAL', 'error', `could not write ${to}: ${(error as Error).message}`, file !== undefined ? {file} : undefined))
    }
    return {
      name: domain.name,
      ...(domain.uuid !== undefined ? {uuid: domain.uuid} : {}),
      ...(output !== undefined ? {output: flatString(output)} : {}),
      domain,
      diagnostics: ds,
    }
  })
  return {
    ...(file !== undefined ? {file} : {}),
    format: read.format,
    domains,
    skipped: read.skipped,
    diagnostics: read.diagnostics,
    read,
  }
}

/**
 * What libvirt would convert but refuse at define time, as warnings of the conversion (the XML
 * stays libvirt's own); `check` blocks on the same (rules/define-refusals.ts).
 */
function refusalWarnings(domain: Domain, file: string | undefined, native: NativeConfig | undefined): Diagnostic[] {
  const refusals = defineRefusals(domain)
  if (refusals.length === 0) return []
  return refusals.map((r) => {
    // The key as written (xm/xl: the last assignment wins), else the device or the domain.
    const entry = native?.entries.findLast((e) => e.key === r.key)
    const loc = r.iface?.loc ?? entry?.loc ?? domain.loc
    const at = {...loc, ...(file !== undefined ? {file} : {}), path: r.iface?.loc?.path ?? r.key}
    return diag(r.code, 'warning', r.message, at, r.code === 'LIFECYCLE-COREDUMP' ? LIFECYCLE_COREDUMP_FIX : VIF_BRIDGE_NOSOURCE_FIX)
  })
}

/**
 * The writers append to one string (cheap in V8: a rope of pieces), but a rope kept in memory
 * costs ~8x its text and every scavenge copies its pieces: `convert -r --json` of 3,000 configs
 * kept ~38 MB of ropes for ~9 MB of XML and spent a fifth of its time in GC. Reading a character
 * makes V8 flatten the rope into one sequential string in place (what the `flatstr` package
 * does with `s | 0`); the outputs are kept until the run ends, so flatten each once, here.
 */
function flatString(s: string): string {
  s.charCodeAt(0)
  return s
}
