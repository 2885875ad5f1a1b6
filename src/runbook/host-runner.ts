import {redactSecrets} from '../model/redact.js'
import type {Transport} from '../transport/transport.js'
import type {EventSink, HostOutcome} from './events.js'
import {HOST_STATE_DIR, onHost} from './host-paths.js'
import {releaseLock} from './steps/preflight.js'
import {Journal, type JournalEntry, journalPath, journalState, latestRun, readJournal, saveHostPlan} from './journal.js'
import type {HostPlan, PlanDocument, StepId} from './plan-document.js'
import {type ApplyOptions, type StepContext, StepError} from './step.js'
import {STEPS} from './steps/index.js'
import type {ProvidedStrategy} from './strategy.js'

/** An opened host for a run: `exec` runs commands (logged), `files` reads the dom0 tree. */
export interface RunHost {
  readonly exec: Transport
  readonly files: Transport
  close(): Promise<void>
}

export interface HostRunDeps {
  /** Connect to a host of the plan (tests wrap the transport here to inject faults). */
  open(host: HostPlan, logFile: string): Promise<RunHost>
  readonly strategies: readonly ProvidedStrategy[]
  readonly emit: EventSink
  readonly signal: AbortSignal
}

export interface HostRunOptions extends ApplyOptions {
  /** Controller state dir: journals and logs. */
  readonly stateDir: string
  /** Continue the host's latest run after its last completed step. */
  readonly resume: boolean
}

/** `<state-dir>/<planId>/<host>/<runId>.log`: the per-host command log. */
export function logPathFor(journalFile: string): string {
  return journalFile.replace(/\.jsonl$/, '.log')
}

/**
 * Run one host's steps in order (house-style §2.1): each step's start and end are journaled
 * (fsynced) before the next begins, with a copy on the host; a failed step stops the host (and
 * only it); with `resume`, the last completed step's postcondition is re-checked on the host
 * before the run continues after it (if it no longer holds, that step is redone). Ctrl-C (the
 * AbortSignal) stops at the next safe point: between steps, or between domains inside one.
 */
export async function runHost(plan: PlanDocument, host: HostPlan, deps: HostRunDeps, opts: HostRunOptions): Promise<HostOutcome> {
  if (host.status !== 'ready') return {host: host.host, status: 'blocked', message: host.status === 'unreachable' ? `unreachable when planned: ${host.error ?? ''}` : 'blocked in the plan'}
  const provided = deps.strategies.find((s) => s.strategy.id === host.strategy?.id)
  if (!provided) return {host: host.host, status: 'failed', step: 'preflight', message: `strategy ${host.strategy?.id ?? '?'} (${host.strategy?.plugin ?? '?'}) is not installed`}
  let runId = opts.runId
  let entries: JournalEntry[] = []
  if (opts.resume) {
    const last = await latestRun(opts.stateDir, plan.planId, host.host)
    if (last) {
      runId = last.runId
      entries = await readJournal(last.file)
    }
  }
  const state = journalState(entries)
  const file = journalPath(opts.stateDir, plan.planId, host.host, runId)
  const base = {host: host.host, runId, journal: file, log: logPathFor(file)}
  if (state.done) return {...base, status: 'done', message: 'already done in this run'}
  if (state.rolledBack) return {...base, status: 'skipped', message: 'rolled back; plan again to upgrade it'}
  const journal = new Journal(file)
  // The host's plan beside its journals: status and rollback work from the state dir alone.
  await saveHostPlan(opts.stateDir, plan.planId, host)
  // Boolean(): the CLI passes an unset --resume as undefined, and the event (and schemas/upgrade-apply.json) promise a boolean.
  const resuming = Boolean(opts.resume) && entries.length > 0
  deps.emit({type: 'host-start', host: host.host, runId, resume: resuming})
  let opened: RunHost | undefined
  const results: Partial<Record<StepId, unknown>> = {}
  for (const [id, e] of state.completed) results[id] = e.data
  const entry = (e: Omit<JournalEntry, 'v' | 'ts' | 'planId' | 'runId' | 'host' | 'controller'>): JournalEntry => ({
    v: 1,
    ts: new Date().toISOString(),
    planId: plan.planId,
    runId,
    host: host.host,
    controller: opts.controller,
    ...e,
  })
  const write = async (e: JournalEntry) => {
    await journal.append(e)
    if (opened) await copyToHost(opened, host, e, opts).catch(() => undefined)
  }
  try {
    try {
      opened = await deps.open(host, base.log)
    } catch (error) {
      const message = `cannot connect: ${(error as Error).message}`
      await journal.append(entry({type: 'run-end', status: 'failed', message}))
      return {...base, status: 'failed', step: firstPending(state.completed) ?? 'preflight', message}
    }
    const ctx: StepContext = {
      host,
      strategy: provided.strategy,
      planId: plan.planId,
      ...(host.connection.root !== undefined ? {root: host.connection.root} : {}),
      exec: opened.exec,
      files: opened.files,
      options: {...opts, runId},
      signal: deps.signal,
      results,
      note: (message) => deps.emit({type: 'note', host: host.host, message: redactSecrets(message)}),
    }
    // The host stays as planned until the shutdown step begins: a run that stops before it
    // releases the lock it took (another run may have the host); from there on the host is
    // half-way and the lock stays for --resume or rollback.
    let reached = Math.max(-1, ...[...state.completed.keys()].map((id) => STEPS.findIndex((s) => s.id === id)))
    const endRun = async (status: 'done' | 'failed' | 'interrupted', step: StepId | undefined, message: string, local = false) => {
      let lock: 'released' | 'kept' | undefined
      if (status === 'done' || (reached >= 0 && reached < FIRST_CHANGE)) lock = (await releaseLock(ctx).catch(() => false)) ? 'released' : undefined
      else if (reached >= FIRST_CHANGE) lock = 'kept'
      const e = entry({type: 'run-end', status, ...(step !== undefined ? {step} : {}), message: `${message}${lock === 'released' ? '; lock released' : lock === 'kept' ? '; lock kept (the host is half-way: --resume or rollback)' : ''}`, ...(lock ? {data: {lock}} : {})})
      await (local ? journal.append(e) : write(e))
    }
    let startAt = 0
    if (resuming) {
      await write(entry({type: 'run-resume', message: state.lastFailure ? `after ${state.lastFailure.step} failed: ${state.lastFailure.message ?? ''}` : 'resume'}))
      const lastDone = [...STEPS].reverse().find((s) => state.completed.has(s.id))
      if (lastDone && lockReleased(entries)) {
        // The lock was let go before anything changed: the host may have changed since, so the
        // run starts over from preflight (fingerprint re-checked, lock taken again).
        deps.emit({type: 'note', host: host.host, message: 'the lock was released when this run stopped: starting again from preflight'})
      } else if (lastDone) {
        const why = await lastDone.verify(ctx)
        await write(entry({type: 'postcondition', step: lastDone.id, status: why === undefined ? 'ok' : 'failed', message: why ?? 'holds'}))
        startAt = STEPS.indexOf(lastDone) + (why === undefined ? 1 : 0)
        if (why !== undefined) deps.emit({type: 'note', host: host.host, message: `${lastDone.id} no longer holds (${why}): redoing it`})
      }
    } else {
      await write(entry({type: 'run-start', message: `plan ${plan.planId}`}))
    }
    for (const [index, step] of STEPS.slice(startAt).entries()) {
      if (deps.signal.aborted) {
        await endRun('interrupted', step.id, 'interrupted before this step')
        return {...base, status: 'interrupted', step: step.id, message: 'interrupted (Ctrl-C); finish with --resume'}
      }
      const t0 = Date.now()
      reached = Math.max(reached, startAt + index)
      await write(entry({type: 'step-start', step: step.id}))
      deps.emit({type: 'step-start', host: host.host, step: step.id, title: step.title})
      try {
        const out = await step.apply(ctx)
        results[step.id] = out.data
        const durationMs = Date.now() - t0
        await write(entry({type: 'step-end', step: step.id, status: out.status, message: out.message, ...(out.data !== undefined ? {data: out.data} : {}), durationMs}))
        deps.emit({type: 'step-end', host: host.host, step: step.id, status: out.status, message: out.message, durationMs})
      } catch (error) {
        const interrupted = deps.signal.aborted
        const message = redactSecrets((error as Error).message ?? String(error))
        const data = error instanceof StepError ? error.data : undefined
        const status = interrupted ? 'interrupted' : 'failed'
        const durationMs = Date.now() - t0
        await journal.append(entry({type: 'step-end', step: step.id, status, message, ...(data !== undefined ? {data} : {}), durationMs}))
        if (opened) await copyToHost(opened, host, entry({type: 'step-end', step: step.id, status, message}), opts).catch(() => undefined)
        deps.emit({type: 'step-end', host: host.host, step: step.id, status, message, durationMs})
        await endRun(status, step.id, message, true)
        return {...base, status, step: step.id, message}
      }
    }
    await endRun('done', undefined, 'every step completed')
    return {...base, status: 'done'}
  } finally {
    await opened?.close().catch(() => undefined)
  }
}

/** Index of the first step that changes the host (shutdown): before it, the host is as planned. */
const FIRST_CHANGE = STEPS.findIndex((s) => s.id === 'shutdown')

/** Did the run's last end release the lock (it stopped before the host changed)? */
function lockReleased(entries: readonly JournalEntry[]): boolean {
  const end = entries.findLast((e) => e.type === 'run-end')
  return (end?.data as {lock?: string} | undefined)?.lock === 'released'
}

function firstPending(completed: ReadonlyMap<StepId, unknown>): StepId | undefined {
  return STEPS.find((s) => !completed.has(s.id))?.id
}

/** Append the entry to /var/lib/xenlift/journal.jsonl on the host, so another controller sees a half-done host. */
async function copyToHost(h: RunHost, host: HostPlan, e: JournalEntry, opts: HostRunOptions): Promise<void> {
  const p = onHost(host.connection.root, `${HOST_STATE_DIR}/journal.jsonl`)
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion (dirname of $1), not a JS template
  await h.exec.exec(['sh', '-c', 'mkdir -p -m 0700 "${1%/*}" && cat >> "$1"', 'xenlift-journal', p], {input: `${JSON.stringify(e)}\n`, timeoutMs: opts.commandTimeoutMs, ...(opts.sudo ? {sudo: true} : {})})
}
