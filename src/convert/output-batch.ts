import {spawnSync} from 'node:child_process'
import {closeSync, constants as fsc, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {ioMessage} from './inputs.js'

/**
 * Writes the many small files of `convert -o DIR` crash-safely with ONE flush for the whole run
 * instead of one fsync per file (which made `convert -r -o` wait on the disk ~3,000 times):
 *
 * 1. `stage()`: each output goes to `<name>.xml.tmp-<pid>` beside its final name (same
 *    filesystem, so the rename is atomic). Plain synchronous writes: on a local disk they cost
 *    less than the thread-pool round trips of async ones, and the run has nothing else to do.
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
  readonly #staged: {readonly tmp: string; readonly file: string}[] = []
  #dirReady = false

  constructor(dir: string, opts: {force: boolean}) {
    this.#dir = dir
    this.#force = opts.force
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
      if (!this.#dirReady) {
        mkdirSync(this.#dir, {recursive: true})
        this.#dirReady = true
      }
      if (!this.#force && lstatSync(file, {throwIfNoEntry: false}) !== undefined) return {error: `${file} exists; not overwritten (use --force)`}
      writeWhole(tmp, text, opts.secret ?? false)
    } catch (error) {
      rmSync(tmp, {force: true})
      return {error: `cannot write ${file}: ${ioMessage(error)}`}
    }
    this.#staged.push({tmp, file})
    return {file}
  }

  /** Drop everything staged (Ctrl-C): remove the temp files, name nothing. */
  discard(): void {
    for (const s of this.#staged) rmSync(s.tmp, {force: true})
    this.#staged.length = 0
  }

  /**
   * Make every staged file durable and give it its name. Returns the files that could not be
   * committed, with why (their temp files are removed). Call once, at the end of the run.
   */
  commit(): Map<string, string> {
    const failed = new Map<string, string>()
    if (this.#staged.length === 0) return failed
    const flushError = flush(this.#dir, this.#staged.map((s) => s.tmp))
    for (const s of this.#staged) {
      if (flushError !== undefined) {
        failed.set(s.file, `cannot write ${s.file}: ${flushError}`)
        rmSync(s.tmp, {force: true})
        continue
      }
      try {
        // Checked again here: a file that appeared since stage() is not replaced either.
        if (!this.#force && lstatSync(s.file, {throwIfNoEntry: false}) !== undefined) throw Object.assign(new Error('exists'), {code: 'EEXIST'})
        renameSync(s.tmp, s.file)
      } catch (error) {
        rmSync(s.tmp, {force: true})
        const e = error as NodeJS.ErrnoException
        failed.set(s.file, e.code === 'EEXIST' ? `${s.file} exists; not overwritten (use --force)` : `cannot write ${s.file}: ${ioMessage(error)}`)
      }
    }
    if (flushError === undefined) syncDirectory(this.#dir)
    this.#staged.length = 0
    return failed
  }
}

function writeWhole(path: string, text: string, secret: boolean): void {
  // A password is never readable by others, not even for a moment: its file is created 0600
  // (the umask only takes bits away), never a stale temp file reused with a wider mode.
  if (secret) rmSync(path, {force: true})
  const fd = openSync(path, secret ? fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL : fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC, secret ? 0o600 : 0o644)
  try {
    const buf = Buffer.from(text, 'utf8')
    let off = 0
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off)
  } finally {
    closeSync(fd)
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
