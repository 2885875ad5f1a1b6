import {Listr, ListrLogger, ProcessOutput} from 'listr2'
import type {HostOutcome, RunEvent} from '../runbook/events.js'
import {STEP_IDS, type StepId} from '../runbook/plan-document.js'
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

interface Gate {
  promise: Promise<void>
  open: () => void
}
function gate(): Gate {
  let open = () => {}
  const promise = new Promise<void>((r) => {
    open = r
  })
  return {promise, open}
}

interface StepState {
  started: Gate
  ended: Gate
  status?: string
  message?: string
}

function listrView(hosts: readonly string[], stream: NodeJS.WriteStream): ApplyView {
  const processOutput = new ProcessOutput(stream, stream)
  const logger = new ListrLogger({processOutput})
  const state = new Map<string, {started: Gate; ended: Gate; outcome?: HostOutcome; steps: Map<StepId, StepState>}>()
  for (const h of hosts) state.set(h, {started: gate(), ended: gate(), steps: new Map(STEP_IDS.map((s) => [s, {started: gate(), ended: gate()}]))})
  type T = {title: string | undefined; skip(m?: string): void; newListr: (...a: never[]) => unknown; output?: string}
  const list = new Listr(
    hosts.map((h) => ({
      title: `${h}: queued`,
      task: async (_ctx: unknown, task: T) => {
        const s = state.get(h) as NonNullable<ReturnType<typeof state.get>>
        await Promise.race([s.started.promise, s.ended.promise])
        if (s.outcome && s.outcome.status !== 'failed') {
          task.title = `${h}: ${describeOutcome(s.outcome)}`
          return
        }
        task.title = h
        return (task.newListr as unknown as (t: unknown[], o: unknown) => unknown)(
          STEP_IDS.map((id) => ({
            title: id,
            task: async (_c: unknown, st: T) => {
              const ss = s.steps.get(id) as StepState
              await Promise.race([ss.started.promise, s.ended.promise])
              if (!s.steps.get(id)?.status && s.outcome) return st.skip(`${id}: not run`)
              await ss.ended.promise
              st.title = `${id}: ${ss.status}: ${ss.message ?? ''}`
              if (ss.status === 'failed' || ss.status === 'interrupted') throw new Error(`${id}: ${ss.message}`)
            },
          })),
          {concurrent: false, exitOnError: true},
        )
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      collectErrors: false,
      renderer: 'default',
      rendererOptions: {processOutput, logger, collapseSubtasks: hosts.length > 10, collapseErrors: false},
      forceTTY: true,
    } as ConstructorParameters<typeof Listr>[1],
  )
  const running = list.run().catch(() => undefined)
  return {
    emit(e) {
      if (e.type === 'host-start') state.get(e.host)?.started.open()
      if (e.type === 'step-start') state.get(e.host)?.steps.get(e.step)?.started.open()
      if (e.type === 'step-end') {
        const ss = state.get(e.host)?.steps.get(e.step)
        if (ss) {
          ss.status = e.status
          ss.message = e.message
          ss.started.open()
          ss.ended.open()
        }
      }
      if (e.type === 'host-end') {
        const s = state.get(e.outcome.host)
        if (s) {
          s.outcome = e.outcome
          s.started.open()
          s.ended.open()
          for (const ss of s.steps.values()) if (!ss.status) ss.ended.open()
        }
      }
    },
    async finish() {
      for (const s of state.values()) {
        s.started.open()
        s.ended.open()
        for (const ss of s.steps.values()) {
          ss.started.open()
          ss.ended.open()
        }
      }
      await running
    },
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
