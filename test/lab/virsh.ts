/**
 * The host's virsh talking to the lab's libvirtd over the loopback TCP port.
 *
 * Opening a libvirt connection is the expensive part under TCG (measured on the 2-core
 * machine: 34 domxml-from-native calls took 28 s as 34 virsh processes and 4.2 s as one
 * virsh running them all), so calls are queued and run in BATCHES: one virsh process per
 * batch, the commands joined with `;` (virsh runs each even when one fails), each followed by
 * `echo MARK` and `echo --err MARK` so that stdout and stderr can be cut back into one result
 * per command. A batch whose output does not contain every marker (virsh died, the daemon
 * dropped the connection) is re-run one command per process, so a crash is attributed to the
 * command that caused it and never to its neighbours.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface VirshResult {
  readonly ok: boolean
  readonly stdout: string
  /** virsh's error text without the `error: ` prefixes and blank lines, one line per message. */
  readonly error: string
}

const MARK = '@@XENLIFT-LAB-MARK@@'
/** virsh processes in flight at once (each runs a whole batch over one connection). */
const WORKERS = Number(process.env.XENLIFT_LAB_PARALLEL ?? 3)
const BATCH = Number(process.env.XENLIFT_LAB_BATCH ?? 25)

interface Job {
  readonly uri: string
  readonly args: readonly string[]
  readonly resolve: (r: VirshResult) => void
}

const queue: Job[] = []
let running = 0

/** Quote one argument for virsh's own command-line parser (double quotes, `\` escapes). */
export function quoteVirshArg(arg: string): string {
  return /^[\w/.:@+,=-]+$/.test(arg) ? arg : `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

function cleanError(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.replace(/^error: /, '').trim())
    .filter((l) => l !== '')
    .join('\n')
}

function exec(argv: readonly string[], timeoutMs: number): Promise<{err: Error | null; stdout: string; stderr: string}> {
  return new Promise((resolvePromise) => {
    execFile('virsh', [...argv], {timeout: timeoutMs, maxBuffer: 64 << 20}, (err, stdout, stderr) => resolvePromise({err, stdout, stderr}))
  })
}

async function runSingle(uri: string, args: readonly string[]): Promise<VirshResult> {
  const {err, stdout, stderr} = await exec(['-q', '-c', uri, ...args], 120_000)
  const error = cleanError(stderr)
  return {ok: err === null, stdout, error: err !== null && error === '' ? String(err.message) : error}
}

/**
 * Run `commands` in order in ONE virsh process (one connection) and return one result per
 * command. Commands of one script run strictly one after the other, so a script may define,
 * read back and undefine a domain. Falls back to one process per command when the output
 * cannot be cut back into per-command results.
 */
export async function virshScript(uri: string, commands: readonly (readonly string[])[]): Promise<VirshResult[]> {
  if (commands.length === 0) return []
  const single = (args: readonly string[]) => runSingle(uri, args)
  if (commands.length === 1) return [await single(commands[0] ?? [])]
  const script = commands.map((c) => `${c.map(quoteVirshArg).join(' ')} ; echo ${MARK} ; echo --err ${MARK}`).join(' ; ')
  const {stdout, stderr} = await exec(['-q', '-c', uri, script], 60_000 + commands.length * 10_000)
  const outs = stdout.split(MARK)
  const errs = stderr.split(`error: ${MARK}`)
  if (outs.length !== commands.length + 1 || errs.length !== commands.length + 1) {
    const results: VirshResult[] = []
    for (const c of commands) results.push(await single(c))
    return results
  }
  return commands.map((_, i) => {
    const error = cleanError(errs[i] ?? '')
    return {ok: error === '', stdout: (outs[i] ?? '').replace(/^\n/, ''), error}
  })
}

async function runBatch(jobs: Job[]): Promise<void> {
  const first = jobs[0]
  if (first === undefined) return
  const results = await virshScript(first.uri, jobs.map((j) => j.args))
  jobs.forEach((j, i) => {
    j.resolve(results[i] ?? {ok: false, stdout: '', error: 'no result'})
  })
}

function pump(): void {
  while (running < WORKERS && queue.length > 0) {
    // One batch talks to one URI; the suite only ever has one, but stay correct anyway.
    const uri = queue[0]?.uri
    const batch: Job[] = []
    for (let i = 0; i < queue.length && batch.length < BATCH; ) {
      if (queue[i]?.uri === uri) batch.push(...queue.splice(i, 1))
      else i++
    }
    running++
    void runBatch(batch).finally(() => {
      running--
      pump()
    })
  }
}

/** Run one virsh command (`['domxml-from-native', 'xen-xl', path]`) against `uri`, batched. */
export function virsh(uri: string, args: readonly string[]): Promise<VirshResult> {
  return new Promise((resolvePromise) => {
    queue.push({uri, args, resolve: resolvePromise})
    // Let the callers of this tick enqueue too, so that the batch fills up.
    setImmediate(pump)
  })
}

/**
 * A scratch dir for the files virsh reads (it reads native configs on the client side).
 * Made on first use, so that a skipped suite leaves nothing behind.
 */
export class ScratchDir {
  readonly #prefix: string
  #path: string | undefined
  #n = 0
  constructor(prefix = 'xenlift-lab-') {
    this.#prefix = prefix
  }

  /** Write `text` to a fresh file and return its path. */
  file(text: string, suffix = ''): string {
    this.#path ??= mkdtempSync(join(tmpdir(), this.#prefix))
    const p = join(this.#path, `${++this.#n}${suffix}`)
    writeFileSync(p, text)
    return p
  }

  remove(): void {
    if (this.#path !== undefined) rmSync(this.#path, {recursive: true, force: true})
  }
}
