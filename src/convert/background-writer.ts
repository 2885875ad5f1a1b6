import type * as fs from 'node:fs'
import {Worker} from 'node:worker_threads'

/**
 * Write one staged file whole. It runs here (small batches, and the fallback) AND, as its own
 * source text, on the writer thread (WRITER_SOURCE): so it uses nothing but its arguments and
 * globals, and holds no nested function (tsx's keepNames would add a helper call to it).
 */
export function writeWhole(io: typeof fs, path: string, text: string, secret: boolean): void {
  // A password is never readable by others, not even for a moment: its file is created 0600
  // (the umask only takes bits away), never a stale temp file reused with a wider mode.
  const c = io.constants
  if (secret) io.rmSync(path, {force: true})
  const fd = io.openSync(path, secret ? c.O_WRONLY | c.O_CREAT | c.O_EXCL : c.O_WRONLY | c.O_CREAT | c.O_TRUNC, secret ? 0o600 : 0o644)
  try {
    const buf = Buffer.from(text, 'utf8')
    let off = 0
    while (off < buf.length) off += io.writeSync(fd, buf, off, buf.length - off)
  } finally {
    io.closeSync(fd)
  }
}

/**
 * The writer thread: writes each file it is sent, in order, and on `drain` answers with what it
 * could not write. Evaluated source (CommonJS, built-in modules only) rather than a module file,
 * so it runs the same from dist/, under tsx and inside the single executable.
 *
 * `state` (shared): [0] stop, set by the main thread; [1] busy, set while a file is written.
 * Busy is raised BEFORE stop is read, and the main thread reads busy AFTER raising stop, so
 * once stopNow() returns no file is being, or will be, created (sequentially consistent atomics).
 */
const WRITER_SOURCE = `'use strict'
const {parentPort, workerData} = require('node:worker_threads')
const fs = require('node:fs')
const state = workerData.state
const writeWhole = (${writeWhole.toString()})
const failures = []
parentPort.on('message', (m) => {
  for (const f of m.files) {
    Atomics.store(state, 1, 1)
    try {
      if (Atomics.load(state, 0) === 0) writeWhole(fs, f.tmp, f.text, f.secret)
    } catch (error) {
      // Its temp file is removed by the main thread (OutputBatch), with every failed file's.
      failures.push([f.tmp, {code: error.code, message: String(error.message)}])
    } finally {
      Atomics.store(state, 1, 0)
      Atomics.notify(state, 1)
    }
  }
  if (m.drain) parentPort.postMessage({failures: failures.splice(0)})
})
`

/** Files per message to the writer thread: fewer, larger messages cost the converting thread less. */
const WRITER_BATCH = 16

/** One writer thread for a batch: see WRITER_SOURCE. */
export class BackgroundWriter {
  readonly #state = new Int32Array(new SharedArrayBuffer(8))
  readonly #worker: Worker
  readonly #ended: Promise<{lost: string}>

  constructor() {
    this.#worker = new Worker(WRITER_SOURCE, {eval: true, workerData: {state: this.#state}})
    // Never the reason the process stays up; an error or an early exit is seen by drain().
    this.#worker.unref()
    this.#ended = new Promise((resolve) => {
      this.#worker.once('error', (e) => resolve({lost: String(e)}))
      this.#worker.once('exit', (code) => resolve({lost: `writer thread exited ${code}`}))
    })
  }

  /** Files not yet sent: they go WRITER_BATCH at a time (one message each, not one per file). */
  #pending: {tmp: string; text: string; secret: boolean}[] = []

  write(tmp: string, text: string, secret: boolean): void {
    this.#pending.push({tmp, text, secret})
    if (this.#pending.length >= WRITER_BATCH) this.#send(false)
  }

  #send(drain: boolean): void {
    this.#worker.postMessage({files: this.#pending, drain})
    this.#pending = []
  }

  /** Every file sent so far written (or failed, with why), then the thread ends. */
  async drain(): Promise<{failures: Map<string, {code?: string; message: string}>} | {lost: string}> {
    const answered = new Promise<{failures: Map<string, {code?: string; message: string}>}>((resolve) => {
      this.#worker.once('message', (m: {failures: [string, {code?: string; message: string}][]}) => resolve({failures: new Map(m.failures)}))
    })
    this.#worker.ref()
    this.#send(true)
    const outcome = await Promise.race([answered, this.#ended])
    void this.#worker.terminate()
    return outcome
  }

  /** Stop between two files and return once no file is being written (bounded: 5 s). */
  stopNow(): void {
    Atomics.store(this.#state, 0, 1)
    const until = Date.now() + 5000
    while (Atomics.load(this.#state, 1) === 1 && Date.now() < until) Atomics.wait(this.#state, 1, 1, 50)
    void this.#worker.terminate()
  }
}
