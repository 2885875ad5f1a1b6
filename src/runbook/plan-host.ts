import {randomBytes} from 'node:crypto'
import type {Finding} from '../checks/finding.js'
import type {PathProbe} from '../checks/host-inventory.js'
import type {Policy} from '../checks/policy.js'
import {diskSourcesToProbe} from '../checks/probe-paths.js'
import {readInventory, runChecks} from '../checks/run-checks.js'
import {inventoryFromDiscovery} from '../host/check-inventory.js'
import {discoverConfigs} from '../host/discover.js'
import {prefetch} from '../host/gather.js'
import {collectFacts, type HostFacts} from '../host/facts.js'
import {importItemsFrom, type ImportSource} from '../host/import-sources.js'
import {targetFor} from '../formats/libvirt/target.js'
import {targetProfileFromFacts} from '../host/platform-facts.js'
import {redactSecrets} from '../model/redact.js'
import {SnapshotView} from '../transport/snapshot-view.js'
import type {Transport} from '../transport/transport.js'
import {recordOfXml} from './domain-record.js'
import {sha256} from './fingerprint.js'
import {collectFingerprint, fingerprintReads} from './fingerprint.js'
import type {FactsSummary, HostPlan, PlanBlocker, PlanConnection, PlanDomain, ResolvedBlocker} from './plan-document.js'
import {answersAmendment, isQuestionRule, type PolicyAnswer, questionsFor} from './questions.js'
import {STEPS} from './steps/index.js'
import {pickStrategy, type ProvidedStrategy} from './strategy.js'

export interface PlanHostOptions {
  readonly strategies: readonly ProvidedStrategy[]
  readonly policy?: Policy
  readonly answers?: readonly PolicyAnswer[]
  readonly ignore?: readonly string[]
  readonly planId: string
  readonly timeoutMs?: number
  readonly sudo?: boolean
}

/** A random plan id: names backup files, so two plans of one host never share them. */
export function newPlanId(): string {
  return `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`
}

/**
 * Plan one reachable host (read-only): facts, discovery, `check` with the policy, every domain
 * converted for the libvirt the strategy installs (passwords masked), the fingerprint, the
 * questions, and every step's actions.
 */
export async function planHost(name: string, connection: PlanConnection, exec: Transport, files: Transport, opts: PlanHostOptions): Promise<HostPlan> {
  const probeOpts = {...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
  // A gathered host answers the commands prefetched below and sends the rest to the host, as `exec` would.
  const run = files instanceof SnapshotView ? files : exec
  const facts = await collectFacts(files, probeOpts)
  const found = await discoverConfigs(files)
  const base = inventoryFromDiscovery(name, found)
  const provided = pickStrategy(opts.strategies, facts)
  const strategy = provided?.strategy
  const targetLibvirtVersion = strategy?.targetLibvirtVersion(facts) ?? facts.libvirt?.version ?? '9.0.0'
  // The XML names the host's own hvmloader folder, CPU vendor and DRBD release (its facts, as
  // import does): the switch installs libvirt, not Xen, so they hold after the upgrade too.
  const target = targetFor(targetLibvirtVersion, {profile: targetProfileFromFacts(facts, name)})
  // Each config parsed once, for that target: the disk paths, the checks and the conversion share these reads.
  const reads = readInventory(base.files, target)
  // The disk images and what the fingerprint asks (package versions, libvirt's domains, the
  // toolstack setting) in one round trip on a gathered host; the calls below are answered from it.
  const paths = diskSourcesToProbe(base.files, reads)
  await prefetch(files, {paths, ...fingerprintReads(strategy)}, probeOpts)
  const probes: PathProbe[] = []
  for (const p of paths) probes.push({path: p, exists: (await files.stat(p).catch(() => undefined)) !== undefined})
  const running = facts.running.map((r) => r.name)
  const inventory = {...base, probes, running, reads}
  const report = runChecks([inventory], {...(opts.policy ? {policy: opts.policy} : {}), ...(opts.ignore ? {ignore: opts.ignore} : {})})

  const blockerFindings = report.findings.filter((f) => f.severity === 'blocker')
  const questions = questionsFor(name, report.findings, opts.answers ?? [], opts.policy?.source)
  const resolvedBlockers: ResolvedBlocker[] = []
  const blockers: PlanBlocker[] = []
  for (const f of blockerFindings) {
    if (f.rule === 'MIG-LIVE' && !f.waived) {
      if (!resolvedBlockers.some((r) => r.domain === f.domain)) {
        resolvedBlockers.push({rule: f.rule, ...(f.domain !== undefined ? {domain: f.domain} : {}), message: f.message, resolvedBy: 'shutdown', how: '`xm shutdown -w` before the switch (downtime until it is defined and, with --start, started again under libvirt)'})
      }
      continue
    }
    if (isQuestionRule(f.rule) && !f.waived) continue
    blockers.push(toBlocker(f))
  }
  for (const q of questions) {
    if (q.answer !== undefined) resolvedBlockers.push({rule: q.rule, domain: q.domain, message: q.question, resolvedBy: 'define', how: `answered "${q.answer}" (${q.answeredBy})`})
  }
  if (!provided) blockers.push({rule: 'NO-STRATEGY', message: `no upgrade strategy claims this host (${facts.os?.prettyName ?? 'unknown OS'}); install a strategy plugin with \`xenlift plugins install\``})
  if (facts.toolstack?.inUse === 'none' && !facts.xen) blockers.push({rule: 'NOT-XEN', message: 'neither xm nor xl answers: this does not look like a running Xen dom0'})

  // Runtime-only domains (running under xend, no config on disk) come from xend's own dump.
  const sources: ImportSource[] = found.configs.map((c) => ({path: c.path, text: c.text, role: c.role, ...(c.autostartLinks.length ? {autostart: true} : {})}))
  // The answers change the model before the writer: the plan's XML is the decided domain's.
  const amend = answersAmendment(questions)
  const convert = amend ? {amend} : {}
  const {items} = importItemsFrom(sources, target, inventory, {...convert, reads, findings: report.findings})
  if (facts.toolstack?.xm) {
    const known = new Set(items.map((i) => i.name))
    const extra: ImportSource[] = []
    const orphans = running.filter((n) => !known.has(n))
    // In one round trip on a gathered host, as scan does.
    await prefetch(files, {commands: orphans.map((r) => ['xm', 'list', '-l', r])}, probeOpts)
    for (const r of orphans) {
      const dump = await run.exec(['xm', 'list', '-l', r], {env: {LC_ALL: 'C'}, ...probeOpts})
      if (dump.exitCode === 0) extra.push({path: `xm list -l ${r}`, text: dump.stdout})
    }
    if (extra.length) items.push(...importItemsFrom(extra, target, undefined, convert).items)
  }
  const autoOrder = found.autoLinks.map((l) => l.target).filter((t): t is string => t !== undefined)
  const autoRank = (source: string) => {
    const i = autoOrder.indexOf(source)
    return i < 0 ? Number.MAX_SAFE_INTEGER : i
  }
  const ordered = items
    .filter((i) => i.skip === undefined && running.includes(i.name))
    .sort((a, b) => autoRank(a.source) - autoRank(b.source) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((i) => i.name)
  const domains: PlanDomain[] = items.map((i) => {
    const full = i.skip === undefined ? i.xml : undefined
    const masked = full !== undefined ? redactSecrets(full) : undefined
    const record = (i.xml !== undefined ? recordOfXml(i.xml) : undefined) ?? {name: i.name, ...(i.uuid !== undefined ? {uuid: i.uuid} : {}), memoryKiB: 0, vcpus: 0, disks: [], nics: []}
    const order = ordered.indexOf(i.name)
    const cfg = found.configs.find((c) => c.path === i.source)
    return {
      name: i.name,
      ...(i.uuid !== undefined ? {uuid: i.uuid} : {}),
      source: i.source,
      sourceFormat: cfg?.format ?? 'sxp',
      kind: /<type[^>]*>hvm</.test(i.xml ?? '') ? 'hvm' : 'pv',
      running: running.includes(i.name),
      autostart: i.autostart === true,
      ...(order >= 0 && i.skip === undefined ? {shutdownOrder: order, startOrder: order} : {}),
      ...(i.skip !== undefined ? {skip: i.skip} : i.xml === undefined ? {skip: 'not converted'} : {}),
      ...(masked !== undefined ? {xml: masked, xmlSha256: sha256(masked)} : {}),
      // Masking changed the text: apply must re-derive the real XML rather than use the plan's.
      hasSecrets: full !== undefined && masked !== full,
      record,
    }
  })
  for (const d of domains.filter((x) => x.skip === 'not converted')) blockers.push({rule: 'NOT-CONVERTED', domain: d.name, file: d.source, message: `${d.name} could not be converted`})

  const fingerprint = await collectFingerprint(run, files, strategy, probeOpts)
  const unanswered = questions.filter((q) => q.answer === undefined)
  const status = blockers.some((b) => !b.waived) || unanswered.length > 0 ? 'blocked' : 'ready'
  const partial: Omit<HostPlan, 'steps'> = {
    host: name,
    connection,
    status,
    facts: summariseFacts(facts),
    fingerprint,
    targetLibvirtVersion,
    ...(provided && strategy
      ? {
          strategy: {
            id: strategy.id,
            plugin: provided.plugin,
            description: strategy.description,
            packages: [...strategy.packages],
            ...(strategy.toolstackSetting ? {toolstackSetting: {path: strategy.toolstackSetting.path, line: `${strategy.toolstackSetting.key}=${strategy.toolstackSetting.value}`}} : {}),
          },
        }
      : {}),
    blockers,
    resolvedBlockers,
    questions,
    ...(strategy?.removesXend ? {pointOfNoReturn: {step: 'switch' as const, reason: strategy.removesXend}} : {}),
    domains,
  }
  const steps = strategy
    ? STEPS.map((s) => ({id: s.id, title: s.title, actions: s.describe({host: partial, strategy, planId: opts.planId, ...(connection.root !== undefined ? {root: connection.root} : {})}), ...(s.onlyWith ? {onlyWith: s.onlyWith} : {})}))
    : []
  return {...partial, steps}
}

function toBlocker(f: Finding): PlanBlocker {
  return {
    rule: f.rule,
    message: f.message,
    ...(f.domain !== undefined ? {domain: f.domain} : {}),
    ...(f.file !== undefined ? {file: f.file} : {}),
    ...(f.line !== undefined ? {line: f.line} : {}),
    ...(f.column !== undefined ? {column: f.column} : {}),
    remediation: f.remediation,
    ...(f.waived ? {waived: {reason: f.waived.reason, by: f.waived.by}} : {}),
  }
}

function summariseFacts(f: HostFacts): FactsSummary {
  return {
    ...(f.os ? {os: {id: f.os.id, ...(f.os.versionId !== undefined ? {versionId: f.os.versionId} : {}), prettyName: f.os.prettyName}} : {}),
    ...(f.xen ? {xenVersion: f.xen.version} : {}),
    toolstack: f.toolstack?.inUse ?? 'none',
    xendRunning: f.toolstack?.xendRunning ?? false,
    ...(f.libvirt ? {libvirt: {version: f.libvirt.version, libxl: f.libvirt.libxl}} : {}),
    running: f.running.map((r) => r.name),
  }
}
