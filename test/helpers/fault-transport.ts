import {ConnectError} from '../../src/transport/errors.js'
import type {DirEntry, ExecOptions, ExecResult, FileStat, Transport} from '../../src/transport/transport.js'

/** When a fault fires: the Nth exec (1-based) whose argv (joined by spaces) matches. */
export interface Fault {
  readonly match: RegExp
  readonly nth?: number
  /** `drop`: the connection is lost (CONNECTION_LOST) before the command runs; `after`: after it ran. */
  readonly when?: 'before' | 'after'
}

/**
 * A Transport wrapper that injects connection drops at chosen commands, for faults a real sshd
 * cannot produce on cue (the connection lost at step N). After a drop every further call fails
 * too, as on a dead connection. `fired` tells whether it happened.
 */
export class FaultTransport implements Transport {
  readonly label: string
  fired = false
  private seen = 0
  private readonly inner: Transport
  private readonly fault: Fault

  constructor(inner: Transport, fault: Fault) {
    this.inner = inner
    this.fault = fault
    this.label = inner.label
  }

  private lost(): ConnectError {
    return new ConnectError(this.label, `${this.label}: connection lost (injected fault)`, {code: 'CONNECTION_LOST'})
  }

  private check(): void {
    if (this.fired) throw this.lost()
  }

  async exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.check()
    const hit = this.fault.match.test(argv.join(' ')) && ++this.seen === (this.fault.nth ?? 1)
    if (hit && (this.fault.when ?? 'before') === 'before') {
      this.fired = true
      throw this.lost()
    }
    const r = await this.inner.exec(argv, opts)
    if (hit) {
      this.fired = true
      throw this.lost()
    }
    return r
  }

  readFile(p: string): Promise<Buffer> {
    this.check()
    return this.inner.readFile(p)
  }

  writeFileAtomic(p: string, data: string | Buffer, opts?: {mode?: number}): Promise<void> {
    this.check()
    return this.inner.writeFileAtomic(p, data, opts)
  }

  readdir(p: string): Promise<DirEntry[]> {
    this.check()
    return this.inner.readdir(p)
  }

  stat(p: string): Promise<FileStat | undefined> {
    this.check()
    return this.inner.stat(p)
  }

  realpath(p: string): Promise<string> {
    this.check()
    return this.inner.realpath(p)
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
