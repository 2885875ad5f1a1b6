import {appendFile, mkdir} from 'node:fs/promises'
import * as path from 'node:path'
import {redactSecrets} from '../model/redact.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from '../transport/transport.js'

/**
 * A Transport that logs every remote command to a per-host file on the controller: start time,
 * argv, exit code (or the error), duration, and the tail of stderr, secrets masked (VNC
 * passwords, URL credentials). stdin is never logged (the define XML goes there). File writes
 * are logged by path and size only.
 */
export class LoggingTransport implements Transport {
  readonly label: string
  private readonly inner: Transport
  private readonly file: string
  private chain: Promise<void> = Promise.resolve()

  constructor(inner: Transport, file: string) {
    this.inner = inner
    this.file = file
    this.label = inner.label
  }

  async exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const t0 = Date.now()
    try {
      const r = await this.inner.exec(argv, opts)
      const err = r.exitCode !== 0 ? ` stderr: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''
      this.log(`$ ${argv.join(' ')}${opts?.input !== undefined ? ' <stdin>' : ''} -> exit ${r.exitCode ?? r.signal ?? '?'} (${Date.now() - t0} ms)${err}`)
      return r
    } catch (error) {
      this.log(`$ ${argv.join(' ')} -> ${(error as {code?: string}).code ?? 'error'}: ${(error as Error).message} (${Date.now() - t0} ms)`)
      throw error
    }
  }

  readFile(p: string): Promise<Buffer> {
    return this.inner.readFile(p)
  }

  async writeFileAtomic(p: string, data: string | Buffer, opts?: {mode?: number}): Promise<void> {
    const t0 = Date.now()
    await this.inner.writeFileAtomic(p, data, opts)
    this.log(`write ${p} (${Buffer.byteLength(data)} bytes, mode ${(opts?.mode ?? 0o644).toString(8)}) (${Date.now() - t0} ms)`)
  }

  readdir(p: string): Promise<DirEntry[]> {
    return this.inner.readdir(p)
  }

  stat(p: string): Promise<FileStat | undefined> {
    return this.inner.stat(p)
  }

  realpath(p: string): Promise<string> {
    return this.inner.realpath(p)
  }

  async close(): Promise<void> {
    await this.inner.close()
    await this.chain
  }

  /** Wait for pending log lines. */
  flush(): Promise<void> {
    return this.chain
  }

  private log(line: string): void {
    const text = `${new Date().toISOString()} ${redactSecrets(line)}\n`
    this.chain = this.chain.then(async () => {
      await mkdir(path.dirname(this.file), {recursive: true, mode: 0o700})
      await appendFile(this.file, text, {mode: 0o600})
    }).catch(() => undefined)
  }
}
