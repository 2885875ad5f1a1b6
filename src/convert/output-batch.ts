import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import {closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {BackgroundWriter, writeWhole} from './background-writer.js'
import {localProcessAlive} from '../transport/local-pid.js'
import {ioMessage} from './inputs.js'

/** From this many outputs on, `convert -o` writes them on a background thread (see OutputBatch). */
export const BACKGROUND_WRITE_MIN_FILES = 32

/**
 * Writes the many small files of `convert -o DIR` crash-safely with ONE flush for the whole run
 * instead of one fsync per file (which made `convert -r -o` wait on the disk ~3,000 times):
 *
 * 1. `stage()`: each output goes to `<name>.xml.tmp-<pid>` beside its final name (same
 *    filesystem, so the rename is atomic). A small batch writes synchronously. A batch of
 *    {@link BACKGROUND_WRITE_MIN_FILES} or more (`background`) hands each write to one writer
 *    thread, so creating thousands of files (about 0.35 ms of kernel time each here) overlaps
 *    the conversion instead of following it; the checks that decide whether a name may be
 *    written stay here and still fail `stage()` at once.
 * 2. `commit()`: one flush of every staged byte (`sync -f DIR`, i.e. syncfs(2); else an fsync of
 *    each staged file), then each temp file is renamed onto its name, then the directory is
 *    fsynced so the renames survive too.
 *
 * So a crash or a SIGKILL at any moment leaves each `<name>.xml` either absent or complete:
 * a name only ever points at data that is already on disk. What a killed run leaves behind
 * is `*.tmp-<pid>` files, never a half-written output.
 */
export class OutputBatch {
  readonly #dir: string
  readonly #force: boolean
  readonly #used = new Set<string>()
  readonly #staged: {readonly tmp: string; readonly file: string; readonly text: string; readonly secret: boolean}[] = []
  readonly #background: boolean
  #writer: BackgroundWriter | undefined
  /**
   * The directory's names, listed once before the run's first write (stale temporary files
   * swept), not an lstat per file: in a large batch those lstats queued behind the writer
   * thread's file creations on the directory's lock (a third of the main thread's time for
   * 3,000 files). A name that appears later is still caught: commit() checks each name again
   * just before its rename.
   */
  #present: Set<string> | undefined
  #writerFailed = false

  constructor(dir: string, opts: {force: boolean; background?: boolean}) {
    this.#dir = dir
    this.#force = opts.force
    this.#background = opts.background ?? false
  }

  /**
   * Reserve `fileName` in the output directory and write `text` to its temp file.
   * Fails (without writing) on a name another output of this run took, or on an existing file
   * without `force`. `secret`: the text holds a password; the file is created mode 0600.
   */
  stage(fileName: string, text: string, opts: {secret?: boolean} = {}): {file: string} | {error: string} {
    const file = join(this.#dir, fileName)
    if (this.#used.has(file)) return {error: `${file}: another domain of this run has the same name; not overwritten`}
    this.#used.add(file)
    const tmp = `${file}.tmp-${process.pid}`
    try {
      if (this.#present === undefined) {
        mkdirSync(this.#dir, {recursive: true})
        this.#present = listAndSweep(this.#dir)
      }
      if (!this.#force && this.#present.has(fileName)) return {error: `${file} exists; not overwritten (use --force)`}
      const writer = this.#background ? this.#startWriter() : undefined
      if (writer !== undefined) {
        writer.write(tmp, text, opts.secret ?? false)
      } else {
        writeWhole(fs, tmp, text, opts.secret ?? false)
      }
    } catch (error) {
      dropTemp(tmp)
      return {error: `cannot write ${file}: ${ioMessage(error)}`}
    }
    this.#staged.push({tmp, file, text, secret: opts.secret ?? false})
    return {file}
  }

  /** The writer thread, started on first use; none (write here) where a thread cannot start. */
  #startWriter(): BackgroundWriter | undefined {
    if (this.#writer === undefined && !this.#writerFailed) {
      try {
        this.#writer = new BackgroundWriter()
      } catch {
        // ERR_WORKER_INIT_FAILED and the like (thread or memory limits): slower, not wrong.
        this.#writerFailed = true
      }
    }
    return this.#writer
  }

  /**
   * Drop everything staged (Ctrl-C): stop the writer thread between two files, remove the temp
   * files, name nothing. Synchronous, as it runs in the SIGINT handler just before exit.
   */
  discard(): void {
    this.#writer?.stopNow()
    this.#writer = undefined
    for (const s of this.#staged) dropTemp(s.tmp)
    this.#staged.length = 0
  }

  /** Wait for the writer thread; what it could not write fails like a failed flush of that file. */
  async #written(failed: Map<string, string>): Promise<void> {
    const writer = this.#writer
    if (writer === undefined) return
    this.#writer = undefined
    const outcome = await writer.drain()
    if ('lost' in outcome) {
      // The thread died (it should not): write here what it may not have, as a small batch does.
      for (const s of this.#staged) {
        try {
          writeWhole(fs, s.tmp, s.text, s.secret)
        } catch (error) {
          failed.set(s.file, `cannot write ${s.file}: ${ioMessage(error)}`)
        }
      }
    } else {
      for (const s of this.#staged) {
        const why = outcome.failures.get(s.tmp)
        if (why !== undefined) failed.set(s.file, `cannot write ${s.file}: ${ioMessage(why)}`)
      }
    }
    const kept = this.#staged.filter((s) => {
      if (!failed.has(s.file)) return true
      dropTemp(s.tmp)
      return false
    })
    this.#staged.splice(0, this.#staged.length, ...kept)
  }

  /**
   * Make every staged file durable and give it its name. Returns the files that could not be
   * committed, with why (their temp files are removed). Call once, at the end of the run.
   */
  async commit(): Promise<Map<string, string>> {
    const failed = new Map<string, string>()
    await this.#written(failed)
    if (this.#staged.length === 0) return failed
    const flushError = flush(this.#dir, this.#staged.map((s) => s.tmp))
    for (const s of this.#staged) {
      if (flushError !== undefined) {
        failed.set(s.file, `cannot write ${s.file}: ${flushError}`)
        dropTemp(s.tmp)
        continue
      }
      try {
        // Checked again here: a file that appeared since stage() is not replaced either.
        if (!this.#force && lstatSync(s.file, {throwIfNoEntry: false}) !== undefined) throw Object.assign(new Error('exists'), {code: 'EEXIST'})
        renameSync(s.tmp, s.file)
      } catch (error) {
        dropTemp(s.tmp)
        const e = error as NodeJS.ErrnoException
        failed.set(s.file, e.code === 'EEXIST' ? `${s.file} exists; not overwritten (use --force)` : `cannot write ${s.file}: ${ioMessage(error)}`)
      }
    }
    if (flushError === undefined) syncDirectory(this.#dir)
    this.#staged.length = 0
    return failed
  }
}

/** A staged output's temporary name: `<name>.xml|.cfg|.xm.tmp-<pid>`. */
const TEMP_NAME = /\.(?:xml|cfg|xm)\.tmp-(\d+)$/

/**
 * The names in `dir`, after removing the temporary files a killed earlier run left there (its
 * process is gone; with --security-info they hold passwords). A live run's are left alone.
 */
function listAndSweep(dir: string): Set<string> {
  const names = new Set(readdirSync(dir))
  for (const n of names) {
    const m = TEMP_NAME.exec(n)
    if (m === null || localProcessAlive(Number(m[1]))) continue
    dropTemp(join(dir, n))
    names.delete(n)
  }
  return names
}

/**
 * Remove a temp file of this run, if it is one. Never throws: what stands in the way under that
 * name and is not a file (a directory someone made) is left alone, and the error that made us
 * drop it is the one reported.
 */
function dropTemp(path: string): void {
  try {
    rmSync(path, {force: true})
  } catch {
    // EISDIR, EACCES: not ours to remove.
  }
}

/**
 * Flush the staged files to disk; undefined when done, else why not. syncfs(2) (`sync -f`,
 * coreutils >= 8.24, busybox) is one call whatever the number of files; where it is missing
 * (not Linux, old coreutils), fall back to fsync per file, which is slower but as safe.
 */
function flush(dir: string, files: readonly string[]): string | undefined {
  if (process.platform === 'linux') {
    const r = spawnSync('sync', ['-f', dir], {stdio: 'ignore'})
    if (r.error === undefined && r.status === 0) return undefined
  }
  try {
    for (const f of files) {
      const fd = openSync(f, 'r')
      try {
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
    }
    return undefined
  } catch (error) {
    return ioMessage(error)
  }
}

/** fsync a directory so the renames in it are durable; not every platform can (then it is a no-op). */
function syncDirectory(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // EISDIR/EPERM/EINVAL: the platform cannot fsync directories; the data itself is flushed.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
