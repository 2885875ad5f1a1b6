import {Listr, ListrLogger, ProcessOutput} from 'listr2'
import type {ProgressMode} from './renderer.js'

/** What a fleet engine reports per host; the view never drives the work. */
export interface HostProgress {
  /** The host's work began (it may have been queued behind the concurrency limit). */
  start(host: string, title?: string): void
  /** A new step title for a running host. */
  update(host: string, title: string): void
  done(host: string, summary?: string): void
  fail(host: string, message: string): void
  /** A step (one of the view's `steps`) began: its subtask runs. */
  stepStart(host: string, step: string): void
  /** A step ended: its subtask reads `step: text`, and fails when `failed`. */
  stepEnd(host: string, step: string, text: string, failed?: boolean): void
  /** Wait for the view to settle (every host done or failed). */
  finish(): Promise<void>
}

export interface HostProgressOptions {
  /** Each host's steps, shown as subtasks in order (upgrade apply); absent: one line per host. */
  readonly steps?: readonly string[]
}

interface StepState {
  started: Deferred
  ended: Deferred
  text?: string
  failed?: boolean
}

interface HostState {
  /** The listr2 task wrapper; only its title is touched. */
  task?: {title: string | undefined}
  title: string
  started: Deferred
  ended: Deferred
  /** Ended before it started (blocked, skipped): no subtasks. */
  endedFirst?: boolean
  error?: string
  summary?: string
  steps: Map<string, StepState>
}

// listr2's task wrapper, as far as this view uses it (its generic newListr is called through a cast).
type ListrTask = {title: string | undefined; skip(message?: string): void; newListr: (...a: never[]) => unknown}

/**
 * A listr2 (v9) view of per-host work: one task per host whose promise settles when the engine
 * says the host is done, with the host's steps as subtasks when `steps` are given. listr2 only
 * renders: the engine (p-limit) bounds concurrency, so the list itself runs all tasks
 * "concurrently" but each waits for its host to start. `registerSignalListeners: false` (listr2 9
 * would exit(127) on SIGINT with no cleanup); all output goes to stderr through one
 * ProcessOutput, so stdout carries only results.
 */
export function createHostProgress(hosts: readonly string[], mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr, opts: HostProgressOptions = {}): HostProgress {
  const steps = opts.steps ?? []
  const newState = (h: string): HostState => ({title: `${h}: queued`, started: deferred(), ended: deferred(), steps: new Map(steps.map((id) => [id, {started: deferred(), ended: deferred()}]))})
  const states = new Map<string, HostState>()
  for (const h of hosts) states.set(h, newState(h))
  if (mode === 'silent') return silentProgress()
  const processOutput = new ProcessOutput(stream, stream)
  const logger = new ListrLogger({processOutput})
  const stepTasks = (s: HostState) =>
    steps.map((id) => ({
      title: id,
      task: async (_ctx: unknown, st: ListrTask) => {
        const ss = s.steps.get(id) as StepState
        await Promise.race([ss.started.promise, s.ended.promise])
        if (ss.text === undefined && !ss.started.resolved) return st.skip(`${id}: not run`)
        await Promise.race([ss.ended.promise, s.ended.promise])
        st.title = `${id}: ${ss.text ?? 'not finished'}`
        if (ss.failed) throw new Error(`${id}: ${ss.text ?? ''}`)
      },
    }))
  const list = new Listr(
    hosts.map((h) => ({
      title: `${h}: queued`,
      task: async (_ctx: unknown, task: ListrTask) => {
        const s = states.get(h) as HostState
        s.task = task
        await s.started.promise
        if (steps.length > 0 && !s.endedFirst) {
          task.title = h
          return (task.newListr as unknown as (tasks: unknown[], options: unknown) => unknown)(stepTasks(s), {concurrent: false, exitOnError: true})
        }
        task.title = s.title
        await s.ended.promise
        if (s.error !== undefined) {
          task.title = `${h}: failed`
          throw new Error(`${h}: ${s.error}`)
        }
        task.title = `${h}: ${s.summary ?? 'done'}`
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      collectErrors: false,
      renderer: mode === 'default' ? 'default' : 'verbose',
      fallbackRenderer: 'verbose',
      rendererOptions: {processOutput, logger, ...(mode === 'plain' ? {logTitleChange: true} : {collapseErrors: false, collapseSubtasks: hosts.length > 10})},
      fallbackRendererOptions: {processOutput, logger, logTitleChange: true},
      ...(mode === 'default' ? {forceTTY: true} : {fallbackRendererCondition: true}),
    } as ConstructorParameters<typeof Listr>[1],
  )
  const running = list.run().catch(() => {
    // Failures are the engine's results; the view has nothing to add.
  })
  const state = (h: string) => {
    const s = states.get(h) ?? newState(h)
    states.set(h, s)
    return s
  }
  const end = (s: HostState) => {
    if (!s.started.resolved) s.endedFirst = true
    s.started.resolve()
    s.ended.resolve()
  }
  return {
    start(h, title = 'working') {
      const s = state(h)
      s.title = `${h}: ${title}`
      if (s.task && steps.length === 0) s.task.title = s.title
      s.started.resolve()
    },
    update(h, title) {
      const s = state(h)
      s.title = `${h}: ${title}`
      if (s.task && steps.length === 0) s.task.title = s.title
    },
    done(h, summary) {
      const s = state(h)
      if (summary !== undefined) s.summary = summary
      end(s)
    },
    fail(h, message) {
      const s = state(h)
      s.error = message
      end(s)
    },
    stepStart(h, step) {
      state(h).steps.get(step)?.started.resolve()
    },
    stepEnd(h, step, text, failed = false) {
      const ss = state(h).steps.get(step)
      if (!ss) return
      ss.text = text
      ss.failed = failed
      ss.started.resolve()
      ss.ended.resolve()
    },
    async finish() {
      for (const s of states.values()) end(s)
      await running
    },
  }
}

function silentProgress(): HostProgress {
  return {start() {}, update() {}, done() {}, fail() {}, stepStart() {}, stepEnd() {}, finish: async () => {}}
}

interface Deferred {
  promise: Promise<void>
  resolve: () => void
  resolved: boolean
}

function deferred(): Deferred {
  const d: Deferred = {promise: Promise.resolve(), resolve: () => {}, resolved: false}
  d.promise = new Promise<void>((r) => {
    d.resolve = () => {
      d.resolved = true
      r()
    }
  })
  return d
}
