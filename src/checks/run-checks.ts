import type {LibvirtTarget} from '../formats/libvirt/target.js'
import {readConfig} from '../convert/convert.js'
import {detectionBaseName} from '../formats/detect.js'
import {ASSUMED_TARGET_PROFILE} from '../formats/target-profile.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {ReadResult, SourceFormat} from '../model/read-result.js'
import {lastEntry} from '../model/native-config.js'
import type {SxpList} from '../formats/sxp/sxp-node.js'
import {countSeverities, type CheckReport, type DomainSummary, type HostSummary} from './check-report.js'
import {SEVERITY_RANK, type Finding, type FindingSeverity} from './finding.js'
import type {HostInventory, InventoryFile} from './host-inventory.js'
import {waiverFor, type Policy} from './policy.js'
import {redactSecrets} from '../model/redact.js'
import {allRules, ruleCatalog} from './registry.js'
import type {CheckTarget, DomainContext, FileContext, HostContext, ReadFile, Rule, RuleHit} from './rule.js'

export interface CheckOptions {
  /** Replaces the rule set (default: built-in + registered rules). */
  readonly rules?: readonly Rule[]
  /** Added to the rule set (plugins that do not use `registerRule`). */
  readonly extraRules?: readonly Rule[]
  /** Rule ids waived with `--ignore`. */
  readonly ignore?: readonly string[]
  readonly policy?: Policy
  readonly target?: CheckTarget
}

/**
 * Check every host: read each config (pure `readConfig`), run file, domain and host rules, turn
 * the readers' diagnostics into findings (conversion losses never vanish), apply waivers, sort.
 * Pure: the inventories carry the file contents.
 */
export function runChecks(inventories: readonly HostInventory[], opts: CheckOptions = {}): CheckReport {
  const rules = [...(opts.rules ?? allRules()), ...(opts.extraRules ?? [])]
  const target = opts.target ?? 'libvirt'
  const hosts: HostSummary[] = []
  const findings: Finding[] = []
  for (const inv of [...inventories].sort((a, b) => a.host.localeCompare(b.host))) {
    const r = checkHost(inv, rules, target)
    const waived = r.findings.map((f) => {
      const w = waiverFor(f, opts.ignore ?? [], opts.policy)
      return w ? {...f, waived: w} : f
    })
    findings.push(...waived)
    hosts.push(summariseHost(inv.host, r.ctx, waived))
  }
  findings.sort(compareFindings)
  const c = countSeverities(findings)
  return {
    schemaVersion: 1,
    target,
    summary: {
      hosts: hosts.length,
      files: hosts.reduce((n, h) => n + h.files.length, 0),
      domains: hosts.reduce((n, h) => n + h.domains.length, 0),
      ...c,
      blockedDomains: hosts.reduce((n, h) => n + h.domains.filter((d) => d.blocker > 0).length, 0),
    },
    hosts,
    findings,
  }
}

/** The base name format detection may skip by (`detectionBaseName`: explicit Xen examples are read by content). */
export function detectionName(file: InventoryFile): {baseName?: string} {
  const baseName = detectionBaseName(file.path, file.explicit === true)
  return baseName !== undefined ? {baseName} : {}
}

/** Each file of an inventory read once (pure), to share between `runChecks` (`HostInventory.reads`) and its caller. */
export function readInventory(files: readonly InventoryFile[], target?: LibvirtTarget): Map<InventoryFile, ReadFile> {
  return new Map(files.map((f) => [f, readInventoryFile(f, target)]))
}

/** One inventory file as `check` reads it: detected format, its reader; a crash is a located INTERNAL diagnostic. */
export function readInventoryFile(file: InventoryFile, target?: LibvirtTarget): ReadFile {
  if (file.role === 'xend-config') return {file, skip: 'xend daemon configuration'}
  try {
    const r = readConfig(file.text, {file: file.path, ...detectionName(file), ...(target !== undefined ? {target} : {})})
    return 'skip' in r ? {file, skip: r.skip} : {file, read: r, ...(target !== undefined ? {profile: target.profile} : {})}
  } catch (error) {
    // A reader bug must not stop the other files: the file becomes one INTERNAL finding.
    return {
      file,
      read: {format: 'xm', file: file.path, domains: [], skipped: [], diagnostics: [{code: 'INTERNAL', severity: 'error', message: `reader crashed: ${(error as Error).message}`, file: file.path}]},
    }
  }
}

/** A config a caller is about to read again: its path and text, and the format it gives the reader (absent: detected). */
export interface ConfigToRead {
  readonly path: string
  readonly text: string
  readonly format?: SourceFormat
}

/**
 * The reads `readInventory` made, looked up for a caller about to read the same configs again
 * (`scan`'s listing, `import`'s conversion), so each config is parsed once. A config's read is
 * found by path and given only where reading it again would give the same: the same text, read
 * the same way (in the format the caller gives its reader, else detected under the same base
 * name), under the same target profile (xm, xl and SXP read only the profile; `target` absent:
 * the assumed one, as `readConfig`), and libvirt XML only when neither read had a target (its
 * reader takes the disk bus rule of the target's version, which a read does not record). Never
 * a reader crash (check's INTERNAL diagnostic): the caller reads that again, where it throws.
 */
export function sharedReads(reads: ReadonlyMap<InventoryFile, ReadFile> | undefined, target?: LibvirtTarget): (config: ConfigToRead) => ReadResult | undefined {
  if (reads === undefined) return () => undefined
  const byPath = new Map<string, ReadFile>()
  for (const rf of reads.values()) byPath.set(rf.file.path, rf)
  return (config) => {
    const rf = byPath.get(config.path)
    const read = rf?.read
    if (rf === undefined || read === undefined || rf.file.text !== config.text) return undefined
    if (config.format !== undefined ? read.format !== config.format : detectionName(rf.file).baseName !== config.path.slice(config.path.lastIndexOf('/') + 1)) return undefined
    if ((rf.profile ?? ASSUMED_TARGET_PROFILE) !== (target?.profile ?? ASSUMED_TARGET_PROFILE)) return undefined
    if (read.format === 'libvirt' && (target !== undefined || rf.profile !== undefined)) return undefined
    if (read.domains.length === 0 && read.diagnostics.some((d) => d.code === 'INTERNAL')) return undefined
    return read
  }
}

function fileDomainName(rf: ReadFile): string {
  const domains = rf.read?.domains ?? []
  if (domains.length === 1 && domains[0]) return domains[0].domain.name
  const name = rf.read?.native ? lastEntry(rf.read.native, 'name')?.value : undefined
  if (typeof name === 'string' && name !== '') return name
  return (rf.file.path.split('/').pop() ?? rf.file.path).replace(/\.(cfg|sxp|xml)$/, '')
}

interface HostRun {
  readonly ctx: HostContext
  readonly findings: Finding[]
}

function checkHost(inv: HostInventory, rules: readonly Rule[], target: CheckTarget): HostRun {
  // A collector that read the files already (`inv.reads`) shares its reads: each config parsed once.
  const files = inv.files.map((f) => inv.reads?.get(f) ?? readInventoryFile(f))
  const domains: DomainContext[] = []
  for (const rf of files) {
    for (const entry of rf.read?.domains ?? []) {
      const sxp = entry.sxp?.kind === 'list' ? (entry.sxp as SxpList) : undefined
      domains.push({
        host: inv.host,
        target,
        file: rf.file,
        read: rf.read as NonNullable<typeof rf.read>,
        entry,
        domain: entry.domain,
        ...(rf.read?.native ? {native: rf.read.native} : {}),
        ...(sxp ? {sxp} : {}),
      })
    }
  }
  const ctx: HostContext = {inventory: inv, files, domains}
  const catalog = ruleCatalog(rules)
  const out: Finding[] = []
  const make = (rule: Rule, h: RuleHit, domain: string | undefined, file: string | undefined): Finding =>
    toFinding({rule: rule.id, severity: h.severity ?? rule.severity, remediation: rule.remediation, origin: 'rule'}, inv.host, h, domain, file)
  const guard = (rule: Rule, domain: string | undefined, file: string | undefined, run: () => readonly RuleHit[]): void => {
    try {
      for (const h of run()) out.push(make(rule, h, h.domain ?? domain, h.file ?? file))
    } catch (error) {
      out.push(toFinding({rule: 'INTERNAL', severity: 'blocker', remediation: 'Report this xenlift bug; check this domain by hand.', origin: 'rule'}, inv.host, {message: `rule ${rule.id} failed: ${(error as Error).message}`}, domain, file))
    }
  }
  for (const rule of rules) {
    if (rule.scope === 'file') {
      for (const rf of files) {
        if (rf.read === undefined) continue
        const fctx: FileContext = {host: inv.host, target, file: rf.file, read: rf.read, domainName: fileDomainName(rf)}
        guard(rule, fctx.domainName, rf.file.path, () => rule.check(fctx))
      }
    } else if (rule.scope === 'domain') {
      for (const d of domains) guard(rule, d.domain.name, d.file.path, () => rule.check(d))
    } else {
      guard(rule, undefined, undefined, () => rule.check(ctx))
    }
  }
  // Reader diagnostics: conversion losses (checklist ids) and parse problems are findings too.
  for (const rf of files) {
    if (rf.read === undefined) continue
    const name = fileDomainName(rf)
    for (const d of rf.read.diagnostics) out.push(readerFinding(d, inv.host, name, rf.file.path, catalog))
    for (const entry of rf.read.domains) for (const d of entry.diagnostics) out.push(readerFinding(d, inv.host, entry.domain.name, rf.file.path, catalog))
  }
  if (inv.unreachable !== undefined) {
    // A host nobody could look at must not pass a gate.
    out.push(toFinding({rule: 'HOST-UNREACHABLE', severity: 'blocker', remediation: 'Fix the connection (address, SSH key, known_hosts) and run the check again; nothing on this host was checked.', origin: 'reader'}, inv.host, {message: `could not check the host: ${inv.unreachable}`}, undefined, undefined))
  }
  for (const e of inv.readErrors ?? []) {
    if (/dangling/.test(e.message)) continue // MGD-AUTOSTART reports dangling /etc/xen/auto links
    out.push(toFinding({rule: 'IO', severity: 'warning', remediation: READER_REMEDIATION.IO ?? '', origin: 'reader'}, inv.host, {message: `could not read: ${e.message}`}, undefined, e.path))
  }
  return {ctx, findings: dedupe(out)}
}

/** Reader diagnostics already carry their rule's severity (readConfig applies rule-severity.ts); an error is a blocker. */
const READER_SEVERITY: Readonly<Record<Diagnostic['severity'], FindingSeverity>> = {error: 'blocker', blocker: 'blocker', warning: 'warning', info: 'info'}

const READER_REMEDIATION: Readonly<Record<string, string>> = {
  SYNTAX: 'Fix the syntax at this line (or rewrite the file as plain `key = value` lines); nothing in this file can be converted until then.',
  'MISSING-KEY': 'Add the missing setting to the config.',
  'BAD-VALUE': 'Correct the value; the converter could not map it.',
  UNSUPPORTED: 'The conversion drops this setting: re-create it by hand after conversion if the guest needs it.',
  IO: 'Make the file readable and run the check again.',
  'NOT-A-CONFIG': 'Nothing to do if this is not a domain config.',
  INTERNAL: 'Report this xenlift bug; check this domain by hand.',
  'VIF-NO-MAC': 'Write the MAC the guest has bound (udev persistent-net, ifcfg HWADDR) into the vif as mac=00:16:3e:…; xenlift convert generates a deterministic one otherwise.',
}

function readerFinding(d: Diagnostic, host: string, domain: string, file: string, catalog: Map<string, Rule>): Finding {
  const rule = catalog.get(d.code)
  const remediation = [rule?.remediation ?? READER_REMEDIATION[d.code] ?? 'Check this setting by hand after conversion: the converter could not map it.', d.hint].filter((x) => x !== undefined).join(' ')
  return toFinding(
    {rule: d.code, severity: READER_SEVERITY[d.severity], remediation, origin: 'reader'},
    host,
    {message: d.message, loc: {...(d.line !== undefined ? {line: d.line} : {}), ...(d.column !== undefined ? {column: d.column} : {}), ...(d.path !== undefined ? {path: d.path} : {})}},
    domain,
    d.file ?? file,
  )
}

function toFinding(
  base: {rule: string; severity: FindingSeverity; remediation: string; origin: Finding['origin']},
  host: string,
  h: RuleHit,
  domain: string | undefined,
  file: string | undefined,
): Finding {
  const loc = h.loc ?? {}
  return {
    rule: base.rule,
    severity: base.severity,
    host,
    ...(domain !== undefined ? {domain} : {}),
    ...(file !== undefined ? {file} : {}),
    ...(loc.line !== undefined ? {line: loc.line} : {}),
    ...(loc.line !== undefined && loc.column !== undefined ? {column: loc.column} : {}),
    ...(loc.path !== undefined && loc.path !== '' ? {path: loc.path} : {}),
    message: redactSecrets(h.message),
    remediation: base.remediation,
    ...(h.evidence !== undefined && h.evidence !== '' ? {evidence: oneLine(redactSecrets(h.evidence))} : {}),
    origin: base.origin,
  }
}

/** Mask first (the caller), then shorten: a cut must never separate a secret from its key. */
function oneLine(s: string): string {
  const t = s.replace(/\s*\n\s*/g, ' ').trim()
  return t.length > 200 ? `${t.slice(0, 197)}...` : t
}

/**
 * One finding per rule, domain, file and line. Where a check rule fired for a domain, it speaks
 * for its id: the reader's diagnostics with the same id on that domain say the same thing from
 * another angle (the SXP list instead of its `uname` atom) and are merged into it. Reader
 * diagnostics with ids no rule fired for are kept, so a conversion loss never vanishes.
 */
function dedupe(fs: Finding[]): Finding[] {
  const key = (f: Finding): string => [f.rule, f.domain ?? '', f.file ?? '', f.line ?? ''].join('\u0000')
  const ruleSeen = new Set(fs.filter((f) => f.origin === 'rule').map((f) => [f.rule, f.domain ?? '', f.file ?? ''].join('\u0000')))
  const seen = new Set<string>()
  const out: Finding[] = []
  for (const f of fs) {
    const k = key(f)
    if (seen.has(k)) continue
    if (f.origin === 'reader' && ruleSeen.has([f.rule, f.domain ?? '', f.file ?? ''].join('\u0000'))) continue
    seen.add(k)
    out.push(f)
  }
  return out
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.host.localeCompare(b.host) ||
    (a.domain === undefined ? 1 : 0) - (b.domain === undefined ? 1 : 0) ||
    (a.domain ?? '').localeCompare(b.domain ?? '') ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  )
}

function summariseHost(host: string, ctx: HostContext, findings: readonly Finding[]): HostSummary {
  const byName = new Map<string, Finding[]>()
  for (const f of findings) {
    if (f.domain === undefined) continue
    const list = byName.get(f.domain)
    if (list) list.push(f)
    else byName.set(f.domain, [f])
  }
  const nameCount = new Map<string, number>()
  for (const d of ctx.domains) nameCount.set(d.domain.name, (nameCount.get(d.domain.name) ?? 0) + 1)
  const domains: DomainSummary[] = ctx.domains.map((d) => {
    // Two domains with one name (DUP-NAME) split that name's findings by file.
    const shared = (nameCount.get(d.domain.name) ?? 0) > 1
    const mine = (byName.get(d.domain.name) ?? []).filter((f) => !shared || f.file === d.file.path || f.file === undefined)
    const c = countSeverities(mine)
    const worst: FindingSeverity | undefined = c.blocker > 0 ? 'blocker' : c.warning > 0 ? 'warning' : c.info > 0 ? 'info' : undefined
    return {name: d.domain.name, ...(d.domain.uuid !== undefined ? {uuid: d.domain.uuid} : {}), file: d.file.path, format: d.read.format, ...c, ...(worst ? {worst} : {})}
  })
  domains.sort((a, b) => SEVERITY_RANK[a.worst ?? 'info'] + (a.worst ? 0 : 1) - (SEVERITY_RANK[b.worst ?? 'info'] + (b.worst ? 0 : 1)) || a.name.localeCompare(b.name) || a.file.localeCompare(b.file))
  return {
    name: host,
    files: ctx.files.map((f) => ({path: f.file.path, ...(f.read ? {format: f.read.format} : {}), ...(f.skip ? {skipped: f.skip} : {}), domains: f.read?.domains.length ?? 0})),
    domains,
    ...countSeverities(findings),
  }
}
