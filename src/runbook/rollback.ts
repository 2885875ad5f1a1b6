import {readFile} from 'node:fs/promises'
import {LIBXL_URI} from '../host/import-domains.js'
import {redactSecrets} from '../model/redact.js'
import type {ExecResult} from '../transport/transport.js'
import type {EventSink} from './events.js'
import {sha256} from './fingerprint.js'
import {onHost} from './host-paths.js'
import type {RunHost} from './host-runner.js'
import {Journal, type JournalEntry, type JournalState, journalState, type RecordedRun} from './journal.js'
import type {HostPlan} from './plan-document.js'
import {pastPointOfNoReturn} from './status.js'
import {planPaths} from './steps/common.js'
import {parseUnitsOn, type UnitCall, type UnitState, unitsOnArgv} from './steps/services.js'
import {type LockInfo, readLock, releaseLock} from './steps/preflight.js'
import {startOrder} from './steps/start.js'
import type {ProvidedStrategy} from './strategy.js'

export interface RollbackDeps {
  open(host: HostPlan, logFile: string): Promise<RunHost>
  readonly strategies: readonly ProvidedStrategy[]
  readonly emit: EventSink
}

export interface RollbackOptions {
  readonly controller: string
  readonly commandTimeoutMs: number
  readonly sudo?: boolean
}

export interface RollbackOutcome {
  readonly host: string
  readonly status: 'done' | 'refused' | 'failed'
  readonly message: string
  /** What was done, in order. */
  readonly actions: readonly string[]
}

/**
 * Bring a host back to xend from its backup (the journal of its newest run says what was done):
 * undefine the domains this run defined (those libvirt did not know before), stop libvirtd if
 * it was not there before, restore the xend trees and the toolstack setting from the backup
 * tarball (its sha256 checked; the controller's copy uploaded if the host's is gone), put xend's
 * services back as preflight recorded them (enabled only if they were, started only if they ran;
 * a journal older than that record: all enabled and xend started, and the outcome says so),
 * start the domains that ran before in their old order, release the lock if this run holds it.
 * Refused, with the reason, past the plan's point of no return or while another run's lock
 * (named in the message) is on the host: then nothing is done and that lock is not touched.
 */
export async function rollbackHost(run: RecordedRun, deps: RollbackDeps, opts: RollbackOptions): Promise<RollbackOutcome> {
  const host = run.host
  const journal = new Journal(run.file)
  const st = journalState(run.entries)
  const entry = (e: Omit<JournalEntry, 'v' | 'ts' | 'planId' | 'runId' | 'host' | 'controller'>): JournalEntry => ({v: 1, ts: new Date().toISOString(), planId: run.planId, runId: run.runId, host: host.host, controller: opts.controller, ...e})
  if (st.rolledBack) return {host: host.host, status: 'done', message: 'already rolled back', actions: []}
  if (pastPointOfNoReturn(run)) {
    const why = `refused: ${host.host} is past its point of no return (step ${host.pointOfNoReturn?.step}: ${host.pointOfNoReturn?.reason})`
    await journal.append(entry({type: 'rollback-end', status: 'refused', message: why}))
    return {host: host.host, status: 'refused', message: why, actions: []}
  }
  const provided = deps.strategies.find((s) => s.strategy.id === host.strategy?.id)
  if (!provided) return {host: host.host, status: 'failed', message: `strategy ${host.strategy?.id ?? '?'} is not installed`, actions: []}
  const strategy = provided.strategy
  const backup = st.completed.get('backup')?.data as {tarball?: string; local?: string; sha256?: string} | undefined
  const changed = run.entries.some((e) => e.type === 'step-start' && e.step === 'shutdown')
  const actions: string[] = []
  const root = host.connection.root
  const hp = (p: string) => onHost(root, p)
  let opened: RunHost | undefined
  let legacy: string | undefined
  await journal.append(entry({type: 'rollback-start'}))
  try {
    opened = await deps.open(host, run.file.replace(/\.jsonl$/, '.log'))
    const h = opened
    // The lock says whose host this is: another run's lock means that run may be working on the
    // host right now (or was left by it), so nothing is done and the lock is not touched.
    const lock = await readLock({files: h.files, planId: run.planId})
    if (lock && lock.runId !== run.runId) {
      const message = `refused: the host lock ${planPaths(run.planId).lock} belongs to run ${lock.runId} from ${lock.controller} (since ${lock.since}), not to run ${run.runId} being rolled back; nothing done (if that run is gone, check the host and remove the lock by hand)`
      await journal.append(entry({type: 'rollback-end', status: 'refused', message}))
      return {host: host.host, status: 'refused', message, actions: []}
    }
    const run_ = (argv: string[]): Promise<ExecResult> => h.exec.exec(argv, {env: {LC_ALL: 'C'}, timeoutMs: opts.commandTimeoutMs, ...(opts.sudo ? {sudo: true} : {})})
    const must = async (argv: string[]) => {
      const r = await run_(argv)
      if (r.exitCode !== 0) throw new Error(`\`${argv.join(' ')}\` failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`)
      actions.push(argv.join(' '))
      return r
    }
    const note = (m: string) => {
      actions.push(m)
      deps.emit({type: 'note', host: host.host, message: m})
    }
    if (changed) {
      if (!backup?.sha256) throw new Error('the journal records no verified backup; restore by hand')
      // 1. undefine what this run defined (libvirt's domains that were not there before)
      const before = new Set((host.fingerprint?.inputs.libvirtDomains ?? []).map((l) => l.split(' ')[0]))
      const list = await run_(['virsh', '-c', LIBXL_URI, 'list', '--all', '--name'])
      const now = list.exitCode === 0 ? list.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : []
      const ours = new Set(host.domains.map((d) => d.name))
      for (const name of now.filter((n) => ours.has(n) && !before.has(n))) {
        const state = await run_(['virsh', '-c', LIBXL_URI, 'domstate', name])
        if (state.stdout.trim() === 'running') await must(['virsh', '-c', LIBXL_URI, 'destroy', name])
        await must(['virsh', '-c', LIBXL_URI, 'undefine', name])
      }
      // 2. libvirtd off again where it was not there before
      if (!host.facts?.libvirt) {
        for (const verb of ['stop', 'disable']) await run_(['systemctl', verb, strategy.libvirtService]).then((r) => r.exitCode === 0 && actions.push(`systemctl ${verb} ${strategy.libvirtService}`))
      }
      // 3. the xend trees and the toolstack setting from the backup
      const p = planPaths(run.planId)
      const sum = await run_(['sha256sum', hp(p.tarball)])
      if (sum.exitCode !== 0 || sum.stdout.trim().split(/\s+/)[0] !== backup.sha256) {
        if (!backup.local) throw new Error('the backup is gone from the host and the controller has no copy')
        const data = await readFile(backup.local)
        if (sha256(data) !== backup.sha256) throw new Error(`the controller's backup ${backup.local} does not match its recorded sha256`)
        await h.files.writeFileAtomic(p.tarball, data, {mode: 0o600})
        note(`uploaded the controller's backup to ${p.tarball}`)
      }
      const members = ['var/lib/xend/domains', 'etc/xen', ...strategy.toolstackFiles.filter((f) => f in (host.fingerprint?.inputs.toolstackSetting ?? {})).map((f) => f.replace(/^\//, ''))]
      await must(['tar', '-xzf', hp(p.tarball), '-C', hp('/'), ...members])
      // 4. xend's services as they were before the switch (preflight recorded it): enabled only
      // if they were, started only if they ran; then the domains that ran, in their old order.
      const plan = servicesToRestore(strategy.xendServices, recordedServices(st))
      if (plan.legacy) {
        legacy = plan.legacy
        note(plan.legacy)
      }
      // The enables and xend's start in one remote command (a failed enable passed over, a failed
      // start ends it), reported per unit as the single calls were.
      const xend = strategy.xendServices.at(-1)
      const calls: UnitCall[] = [...plan.enable.map((unit) => ({verb: 'enable' as const, unit})), ...(xend && plan.start.includes(xend) ? [{verb: 'start' as const, unit: xend}] : [])]
      const restored = calls.length > 0 ? parseUnitsOn(await run_(unitsOnArgv(calls)), calls) : []
      for (const c of restored) if (c.call.verb === 'enable' && c.ok) actions.push(`systemctl enable ${c.call.unit}`)
      for (const svc of plan.leftAlone) note(svc)
      for (const c of restored.filter((x) => x.call.verb === 'start')) {
        if (!c.ok) throw new Error(`\`systemctl start ${c.call.unit}\` failed: ${c.why}`)
        actions.push(`systemctl start ${c.call.unit}`)
      }
      const ran = ((st.completed.get('shutdown') ?? run.entries.find((e) => e.type === 'step-end' && e.step === 'shutdown'))?.data as {stopped?: {name: string; how: string}[]} | undefined)?.stopped
      const names = ran ? ran.filter((s) => s.how !== 'already').map((s) => s.name) : []
      for (const d of startOrder(host.domains).filter((x) => names.includes(x.name))) {
        const argv = d.source.startsWith('/var/lib/xend/domains/') ? ['xm', 'start', d.name] : d.source.startsWith('/') ? ['xm', 'create', hp(d.source)] : undefined
        if (!argv) {
          note(`${d.name}: ran from a config no longer on disk; its definition is in the backup (xm-list-l.sxp)`)
          continue
        }
        await must(argv)
      }
      // xendomains last: when it ran before, it runs again (after the domains, so it only finds them running)
      for (const svc of plan.start.filter((x) => x !== xend)) await must(['systemctl', 'start', svc])
    } else {
      note('nothing on the host had changed (the run stopped before the shutdown step)')
    }
    const lockCtx = {exec: h.exec, planId: run.planId, ...(root !== undefined ? {root} : {}), options: {runId: run.runId, commandTimeoutMs: opts.commandTimeoutMs, ...(opts.sudo ? {sudo: true} : {})}}
    if (lock === undefined) actions.push('no lock to release')
    else if (await releaseLock(lockCtx)) actions.push('lock released')
    else throw new Error(`the host lock ${planPaths(run.planId).lock} no longer belongs to run ${run.runId} (${describeLock(await readLock({files: h.files, planId: run.planId}))}); it was left in place`)
    const message = `rolled back: ${actions.length} actions${legacy ? `; ${legacy}` : ''}`
    await journal.append(entry({type: 'rollback-end', status: 'done', message, data: {actions}}))
    return {host: host.host, status: 'done', message, actions}
  } catch (error) {
    const message = redactSecrets((error as Error).message)
    await journal.append(entry({type: 'rollback-end', status: 'failed', message, data: {actions}}))
    return {host: host.host, status: 'failed', message, actions}
  } finally {
    await opened?.close().catch(() => undefined)
  }
}

function describeLock(lock: LockInfo | undefined): string {
  return lock ? `now held by run ${lock.runId} from ${lock.controller}` : 'it is gone'
}

/** xend's services as preflight recorded them before the switch; undefined for a journal that predates the record. */
function recordedServices(st: JournalState): readonly UnitState[] | undefined {
  const services = (st.completed.get('preflight')?.data as {services?: UnitState[]} | undefined)?.services
  return Array.isArray(services) ? services : undefined
}

/**
 * What rollback does with xend's services (listed `xendomains` before `xend`): with a record,
 * enable those that were `enabled` and start those that were `active`, and say which are left
 * disabled or stopped; without one (a journal older than the record), as before the record
 * existed: enable them all, start xend, and say so.
 */
export function servicesToRestore(units: readonly string[], recorded: readonly UnitState[] | undefined): {enable: string[]; start: string[]; leftAlone: string[]; legacy?: string} {
  const xend = units.at(-1)
  if (recorded === undefined) {
    return {
      enable: [...units].reverse(),
      start: xend ? [xend] : [],
      leftAlone: [],
      legacy: `the journal predates the record of xend's services (enabled/running before the upgrade): ${[...units].reverse().join(' and ')} enabled${xend ? `, ${xend} started` : ''}, as rollback always did; check them by hand`,
    }
  }
  const by = new Map(recorded.map((r) => [r.unit, r]))
  const enable: string[] = []
  const start: string[] = []
  const leftAlone: string[] = []
  for (const unit of [...units].reverse()) {
    const r = by.get(unit)
    if (r === undefined || r.enabled === 'not-found') continue
    if (r.enabled === 'enabled') enable.push(unit)
    if (r.active === 'active') start.push(unit)
    const kept = [r.enabled !== 'enabled' ? 'not enabled' : '', r.active !== 'active' ? 'not started' : ''].filter(Boolean)
    if (kept.length) leftAlone.push(`${unit} was ${r.enabled} and ${r.active} before the upgrade: ${kept.join(' and ')}`)
  }
  return {enable, start, leftAlone}
}
