import type {HostOutcome, RunEvent} from '../runbook/events.js'
import {STEP_IDS} from '../runbook/plan-document.js'
import {createHostProgress} from './host-progress.js'
import type {ProgressMode} from './renderer.js'
import {renderTable} from './table.js'

/** A view of the engine's events; it never drives the work. */
export interface ApplyView {
  emit(e: RunEvent): void
  finish(): Promise<void>
}

/**
 * `default` (a TTY): listr2 (v9), a task per host with its steps as subtasks, signal listeners
 * off (the engine owns Ctrl-C); `plain`: one timestamped line per event on stderr; `silent`
 * (--json): nothing.
 */
export function createApplyView(hosts: readonly string[], mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ApplyView {
  if (mode === 'silent') return {emit() {}, finish: async () => {}}
  if (mode === 'plain') return plainView(stream)
  return listrView(hosts, stream)
}

function plainView(stream: NodeJS.WriteStream): ApplyView {
  const w = (line: string) => stream.write(`${new Date().toISOString()} ${line}\n`)
  return {
    emit(e) {
      switch (e.type) {
        case 'batch-start':
          w(`batch ${e.batch}${e.canary ? ' (canary)' : ''}: ${e.hosts.join(', ')}`)
          break
        case 'host-start':
          w(`${e.host}: ${e.resume ? 'resuming' : 'starting'} run ${e.runId}`)
          break
        case 'step-start':
          w(`${e.host}: ${e.step}: start`)
          break
        case 'step-end':
          w(`${e.host}: ${e.step}: ${e.status}: ${e.message} (${(e.durationMs / 1000).toFixed(1)}s)`)
          break
        case 'note':
          w(`${e.host}: ${e.message}`)
          break
        case 'host-end':
          w(`${e.outcome.host}: ${describeOutcome(e.outcome)}`)
          break
        case 'fleet-stop':
          w(`fleet stopped: ${e.reason}`)
          break
      }
    },
    finish: async () => {},
  }
}

/** The live view: the one per-host listr2 view (host-progress.ts) with the steps as subtasks, fed by the events. */
function listrView(hosts: readonly string[], stream: NodeJS.WriteStream): ApplyView {
  const progress = createHostProgress(hosts, 'default', stream, {steps: STEP_IDS})
  return {
    emit(e) {
      if (e.type === 'host-start') progress.start(e.host)
      if (e.type === 'step-start') progress.stepStart(e.host, e.step)
      if (e.type === 'step-end') progress.stepEnd(e.host, e.step, `${e.status}: ${e.message}`, e.status === 'failed' || e.status === 'interrupted')
      if (e.type === 'host-end') {
        const o = e.outcome
        if (o.status === 'failed' || o.status === 'interrupted') progress.fail(o.host, describeOutcome(o))
        else progress.done(o.host, describeOutcome(o))
      }
    },
    finish: () => progress.finish(),
  }
}

/** `done`, `failed at define: why`, `skipped: why`, `blocked: why`. */
export function describeOutcome(o: HostOutcome): string {
  switch (o.status) {
    case 'done':
      return o.message ? `done (${o.message})` : 'done'
    case 'failed':
      return `failed at ${o.step ?? '?'}: ${o.message ?? ''}`
    case 'interrupted':
      return `interrupted at ${o.step ?? '?'}: ${o.message ?? ''}`
    default:
      return `${o.status}: ${o.message ?? ''}`
  }
}

/** The final per-host table (stdout). */
export function renderApplyResult(outcomes: readonly HostOutcome[], stopped?: string): string {
  const table = renderTable(
    ['HOST', 'RESULT', 'STEP', 'DETAIL'],
    outcomes.map((o) => [o.host, o.status, o.step ?? '', o.message ?? '']),
  )
  return `${table}${stopped ? `fleet stopped: ${stopped}\n` : ''}`
}
