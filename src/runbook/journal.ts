import {mkdir, open, readdir, readFile, rename, stat, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import type {HostPlan, StepId} from './plan-document.js'
import {parsePlanDocument} from './read-plan.js'

/** One line of a host's journal. Never holds a secret (step data is masked at the source). */
export interface JournalEntry {
  readonly v: 1
  /** ISO 8601. */
  readonly ts: string
  readonly planId: string
  readonly runId: string
  readonly host: string
  readonly controller: string
  /**
   * `run-start` / `run-resume`: a run (re)starts on the host; `step-start` / `step-end`: a step;
   * `postcondition`: --resume re-checked the last completed step on the host; `rollback-*`:
   * `upgrade rollback`; `run-end`: the host is done (or stopped, with why).
   */
  readonly type: 'run-start' | 'run-resume' | 'step-start' | 'step-end' | 'postcondition' | 'run-end' | 'rollback-start' | 'rollback-end'
  readonly step?: StepId
  /** step-end: `changed`/`ok`/`skipped` = completed; `failed` / `interrupted` = to redo. */
  readonly status?: 'changed' | 'ok' | 'skipped' | 'failed' | 'interrupted' | 'done' | 'refused'
  readonly message?: string
  readonly data?: unknown
  readonly durationMs?: number
}

/** What a host's journal says. */
export interface JournalState {
  readonly runId?: string
  /** Completed steps, in order, with the data they recorded. */
  readonly completed: ReadonlyMap<StepId, JournalEntry>
  /** The last step-end that did not complete (failed or interrupted). */
  readonly lastFailure?: JournalEntry
  readonly lastEntry?: JournalEntry
  readonly done: boolean
  readonly rolledBack: boolean
}

/** `<state-dir>/<planId>/<host>/<runId>.jsonl`: one append-only file per host and run. */
export function journalPath(stateDir: string, planId: string, host: string, runId: string): string {
  return path.join(stateDir, safe(planId), safe(host), `${safe(runId)}.jsonl`)
}

/**
 * Append-only JSONL journal on the controller: each entry is written and fsynced before the
 * caller goes on, so a crash leaves at most a complete prefix of the run (a torn last line from
 * a power cut is skipped on read). One writer per host and run.
 */
export class Journal {
  readonly file: string
  private chain: Promise<void> = Promise.resolve()

  constructor(file: string) {
    this.file = file
  }

  append(entry: JournalEntry): Promise<void> {
    const next = this.chain.then(async () => {
      await mkdir(path.dirname(this.file), {recursive: true, mode: 0o700})
      const fh = await open(this.file, 'a', 0o600)
      try {
        await fh.write(`${JSON.stringify(entry)}\n`)
        await fh.sync()
      } finally {
        await fh.close()
      }
    })
    this.chain = next.catch(() => undefined)
    return next
  }
}

/** Read a journal file's entries (a torn last line is ignored). */
export async function readJournal(file: string): Promise<JournalEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '')
  const out: JournalEntry[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      out.push(JSON.parse(line) as JournalEntry)
    } catch {
      // A partial line from a crash mid-write: everything before it is intact.
    }
  }
  return out
}

/** The newest run's journal of a host for a plan (by file mtime), or undefined. */
export async function latestRun(stateDir: string, planId: string, host: string): Promise<{runId: string; file: string} | undefined> {
  const dir = path.join(stateDir, safe(planId), safe(host))
  const names = await readdir(dir).catch(() => [] as string[])
  let best: {runId: string; file: string; mtime: number} | undefined
  for (const n of names.filter((x) => x.endsWith('.jsonl'))) {
    const file = path.join(dir, n)
    const m = (await stat(file)).mtimeMs
    if (!best || m > best.mtime) best = {runId: n.slice(0, -6), file, mtime: m}
  }
  return best ? {runId: best.runId, file: best.file} : undefined
}

/** Fold entries into the state --resume, status and rollback read. */
export function journalState(entries: readonly JournalEntry[]): JournalState {
  const completed = new Map<StepId, JournalEntry>()
  let lastFailure: JournalEntry | undefined
  let done = false
  let rolledBack = false
  for (const e of entries) {
    if (e.type === 'step-end' && e.step) {
      if (e.status === 'changed' || e.status === 'ok' || e.status === 'skipped') {
        completed.set(e.step, e)
        if (lastFailure?.step === e.step) lastFailure = undefined
      } else {
        completed.delete(e.step)
        lastFailure = e
      }
    }
    if (e.type === 'run-end') done = e.status === 'done'
    if (e.type === 'rollback-end' && e.status === 'done') rolledBack = true
    if (e.type === 'run-start' || e.type === 'run-resume') done = false
  }
  const last = entries.at(-1)
  return {...(entries[0] ? {runId: entries[0].runId} : {}), completed, ...(lastFailure ? {lastFailure} : {}), ...(last ? {lastEntry: last} : {}), done, rolledBack}
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.@-]/g, '_')
}

/** `<state-dir>/<planId>/<host>/plan.json`: the host's part of the plan (no secrets in it). */
export function hostPlanPath(stateDir: string, planId: string, host: string): string {
  return path.join(stateDir, safe(planId), safe(host), 'plan.json')
}

export async function saveHostPlan(stateDir: string, planId: string, host: HostPlan): Promise<void> {
  const file = hostPlanPath(stateDir, planId, host.host)
  await mkdir(path.dirname(file), {recursive: true, mode: 0o700})
  await writeFile(`${file}.tmp`, `${JSON.stringify(host, null, 2)}\n`, {mode: 0o600})
  await rename(`${file}.tmp`, file)
}

/** One host's newest run under a state dir: its plan, journal file and entries. */
export interface RecordedRun {
  readonly planId: string
  readonly host: HostPlan
  readonly runId: string
  readonly file: string
  readonly entries: JournalEntry[]
}

/**
 * Every host's newest run in a state dir (optionally of one plan, optionally of some hosts),
 * newest first by journal mtime; one entry per host.
 */
export async function recordedRuns(stateDir: string, filter: {planId?: string; hosts?: readonly string[]} = {}): Promise<RecordedRun[]> {
  const plans = filter.planId !== undefined ? [safe(filter.planId)] : await readdir(stateDir).catch(() => [] as string[])
  const found: (RecordedRun & {mtime: number})[] = []
  for (const planId of plans) {
    for (const hostDir of await readdir(path.join(stateDir, planId)).catch(() => [] as string[])) {
      const planFile = path.join(stateDir, planId, hostDir, 'plan.json')
      let host: HostPlan
      try {
        host = JSON.parse(await readFile(planFile, 'utf8')) as HostPlan
      } catch {
        continue
      }
      if (filter.hosts && !filter.hosts.includes(host.host)) continue
      const last = await latestRun(stateDir, planId, host.host)
      if (!last) continue
      found.push({planId, host, runId: last.runId, file: last.file, entries: await readJournal(last.file), mtime: (await stat(last.file)).mtimeMs})
    }
  }
  found.sort((a, b) => b.mtime - a.mtime)
  const seen = new Set<string>()
  const newest: RecordedRun[] = []
  for (const {mtime: _m, ...r} of found) {
    if (seen.has(r.host.host)) continue
    seen.add(r.host.host)
    newest.push(r)
  }
  return newest
}

/**
 * The recorded runs `upgrade status` and `rollback` are about: those of the plan in `planFile`
 * (every plan when absent) below `stateDir`, optionally only some hosts. An unreadable or invalid
 * plan file comes back as a message (a usage error), not thrown.
 */
export async function recordedRunsForPlan(planFile: string | undefined, stateDir: string, hosts?: readonly string[]): Promise<{planId?: string; runs: RecordedRun[]} | {error: string}> {
  let planId: string | undefined
  if (planFile !== undefined) {
    let text: string
    try {
      text = await readFile(planFile, 'utf8')
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      return {error: `${planFile}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`}
    }
    const parsed = parsePlanDocument(text, planFile)
    if ('error' in parsed) return parsed
    planId = parsed.plan.planId
  }
  const runs = await recordedRuns(stateDir, {...(planId !== undefined ? {planId} : {}), ...(hosts ? {hosts} : {})})
  return {...(planId !== undefined ? {planId} : {}), runs}
}
