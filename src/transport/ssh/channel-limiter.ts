/**
 * A per-connection semaphore for SSH channels. OpenSSH's `MaxSessions` (default 10) caps the
 * channels (exec and sftp alike) open on one connection, and going past it fails with "open
 * failed" (mscdex/ssh2#1190). We default to 4 and, when the server still refuses a channel while
 * others are open, learn its real limit by lowering ours to what is open now and queueing.
 */
export class ChannelLimiter {
  #limit: number
  #reserved = 0
  #active = 0
  readonly #waiters: (() => void)[] = []

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`channel limit must be a positive integer, got ${limit}`)
    this.#limit = limit
  }

  get limit(): number {
    return this.#limit
  }

  get active(): number {
    return this.#active
  }

  /** Channels held long-term (the sftp session) reduce what is left for execs, never below 1. */
  reserve(n: number): void {
    this.#reserved = n
  }

  async acquire(): Promise<void> {
    while (this.#active >= Math.max(1, this.#limit - this.#reserved)) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
    this.#active++
  }

  release(): void {
    this.#active--
    this.#waiters.shift()?.()
  }

  /**
   * Run `fn` holding one channel. If it fails with a channel-open refusal while other channels
   * are open, the server's limit is lower than ours: lower it and retry once a channel frees up.
   */
  async run<T>(fn: () => Promise<T>, isOpenRefusal: (err: unknown) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.acquire()
      let outcome: {ok: true; value: T} | {ok: false; err: unknown}
      try {
        outcome = {ok: true, value: await fn()}
      } catch (err) {
        outcome = {ok: false, err}
      }
      const others = this.#active - 1
      this.release()
      if (outcome.ok) return outcome.value
      if (!isOpenRefusal(outcome.err) || attempt >= 20) throw outcome.err
      if (others >= 1) {
        this.#limit = Math.min(this.#limit, others + this.#reserved)
      } else if (attempt < 3) {
        // Nothing else open on our side: sshd may still be tearing down a session that just
        // closed (it counts it until the child is reaped). Back off briefly, then retry.
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt))
      } else {
        throw outcome.err
      }
    }
  }
}
