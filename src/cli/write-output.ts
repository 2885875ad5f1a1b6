import {rmSync} from 'node:fs'
import {rename, writeFile} from 'node:fs/promises'

/**
 * Write a command's output file whole or not at all: the text goes to `<file>.tmp-<pid>` beside
 * it and is renamed onto `file` (rename(2): a reader, or a later run, sees the old file or the
 * new one, never half of it). Node writes a large string in 512 KiB chunks with the event loop
 * running between them, so Ctrl-C (`signal`, whose listeners run before the process exits 130)
 * can land mid-write: the temp file is removed then, and `file` is untouched.
 */
export async function writeOutputFile(file: string, text: string, opts: {signal?: AbortSignal; mode?: number} = {}): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`
  const drop = (): void => rmSync(tmp, {force: true})
  opts.signal?.addEventListener('abort', drop, {once: true})
  try {
    await writeFile(tmp, text, opts.mode !== undefined ? {mode: opts.mode} : {})
    if (opts.signal?.aborted) throw new Error(`${file}: not written (interrupted)`)
    await rename(tmp, file)
  } catch (error) {
    drop()
    throw error
  } finally {
    opts.signal?.removeEventListener('abort', drop)
  }
}
