/**
 * The host's virsh talking to the lab's libvirtd over the loopback TCP port. Every call is a
 * separate process (50-150 ms each); callers batch them through `limit` so a few run at once,
 * which the 2-core lab handles fine (measured: 4 in flight keep libvirtd busy without timeouts).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pLimit from 'p-limit'

export interface VirshResult {
  readonly ok: boolean
  readonly stdout: string
  /** virsh's error text without the `error: ` prefixes and blank lines, one line per message. */
  readonly error: string
}

export const limit = pLimit(Number(process.env.XENLIFT_LAB_PARALLEL ?? 4))

export function virsh(uri: string, args: readonly string[], timeoutMs = 60_000): Promise<VirshResult> {
  return limit(
    () =>
      new Promise<VirshResult>((resolvePromise) => {
        execFile('virsh', ['-q', '-c', uri, ...args], {timeout: timeoutMs, maxBuffer: 16 << 20}, (err, stdout, stderr) => {
          const error = stderr
            .split('\n')
            .map((l) => l.replace(/^error: /, '').trim())
            .filter((l) => l !== '')
            .join('\n')
          resolvePromise({ok: err === null, stdout, error: err !== null && error === '' ? String(err.message) : error})
        })
      }),
  )
}

/** A scratch dir for the files virsh reads (it reads native configs on the client side). */
export class ScratchDir {
  readonly path: string
  #n = 0
  constructor(prefix = 'xenlift-lab-') {
    this.path = mkdtempSync(join(tmpdir(), prefix))
  }

  /** Write `text` to a fresh file and return its path. */
  file(text: string, suffix = ''): string {
    const p = join(this.path, `${++this.#n}${suffix}`)
    writeFileSync(p, text)
    return p
  }

  remove(): void {
    rmSync(this.path, {recursive: true, force: true})
  }
}
