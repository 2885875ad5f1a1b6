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
  /** Wait for the view to settle (every host done or failed). */
  finish(): Promise<void>
}

interface HostState {
  /** The listr2 task wrapper; only its title is touched. */
  task?: {title: string | undefined}
  title: string
  started: Deferred
  ended: Deferred
  error?: string
  summary?: string
}

/**
 * A listr2 (v9) view of per-host work: one task per host whose promise settles when the engine
 * says the host is done. listr2 only renders: the engine (p-limit) bounds concurrency, so the
 * list itself runs all tasks "concurrently" but each waits for its host to start.
 * `registerSignalListeners: false` (listr2 9 would exit(127) on SIGINT with no cleanup); all
 * output goes to stderr through one ProcessOutput, so stdout carries only results.
 */
export function createHostProgress(hosts: readonly string[], mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): HostProgress {
  const states = new Map<string, HostState>()
  for (const h of hosts) states.set(h, {title: `${h}: queued`, started: deferred(), ended: deferred()})
  if (mode === 'silent') return silentProgress(states)
  const processOutput = new ProcessOutput(stream, stream)
  const logger = new ListrLogger({processOutput})
  const list = new Listr(
    hosts.map((h) => ({
      title: `${h}: queued`,
      task: async (_ctx: unknown, task: {title: string | undefined}) => {
        const s = states.get(h) as HostState
        s.task = task
        await s.started.promise
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
      rendererOptions: {processOutput, logger, ...(mode === 'plain' ? {logTitleChange: true} : {collapseErrors: false})},
      fallbackRendererOptions: {processOutput, logger, logTitleChange: true},
      ...(mode === 'default' ? {forceTTY: true} : {fallbackRendererCondition: true}),
    } as ConstructorParameters<typeof Listr>[1],
  )
  const running = list.run().catch(() => {
    // Failures are the engine's results; the view has nothing to add.
  })
  const state = (h: string) => {
    const s = states.get(h) ?? {title: h, started: deferred(), ended: deferred()}
    states.set(h, s)
    return s
  }
  return {
    start(h, title = 'working') {
      const s = state(h)
      s.title = `${h}: ${title}`
      if (s.task) s.task.title = s.title
      s.started.resolve()
    },
    update(h, title) {
      const s = state(h)
      s.title = `${h}: ${title}`
      if (s.task) s.task.title = s.title
    },
    done(h, summary) {
      const s = state(h)
      if (summary !== undefined) s.summary = summary
      s.started.resolve()
      s.ended.resolve()
    },
    fail(h, message) {
      const s = state(h)
      s.error = message
      s.started.resolve()
      s.ended.resolve()
    },
    async finish() {
      for (const s of states.values()) {
        s.started.resolve()
        s.ended.resolve()
      }
      await running
    },
  }
}

function silentProgress(states: Map<string, HostState>): HostProgress {
  return {start() {}, update() {}, done() {}, fail() {}, finish: async () => void states}
}

interface Deferred {
  promise: Promise<void>
  resolve: () => void
}

function deferred(): Deferred {
  let resolve = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return {promise, resolve}
}
