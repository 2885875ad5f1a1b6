import type {ExecResult} from '../../transport/transport.js'
import {HOST_STATE_DIR, onHost} from '../host-paths.js'
import type {PlanAction} from '../plan-document.js'
import {type StepContext, StepError} from '../step.js'

/** Host paths of one plan's files (plain: for the rooted file transport). */
export function planPaths(planId: string) {
  return {
    stateDir: HOST_STATE_DIR,
    lock: `${HOST_STATE_DIR}/lock`,
    journal: `${HOST_STATE_DIR}/journal.jsonl`,
    staging: `${HOST_STATE_DIR}/backup-${planId}`,
    tarball: `${HOST_STATE_DIR}/backup-${planId}.tar.gz`,
  }
}

/** Run a command; a non-zero exit is returned, not thrown. */
export function run(ctx: StepContext, argv: readonly string[], opts: {timeoutMs?: number; input?: string} = {}): Promise<ExecResult> {
  return ctx.exec.exec(argv, {
    env: {LC_ALL: 'C'},
    timeoutMs: opts.timeoutMs ?? ctx.options.commandTimeoutMs,
    ...(opts.input !== undefined ? {input: opts.input} : {}),
    ...(ctx.options.sudo ? {sudo: true} : {}),
  })
}

/** Run a command that must succeed. */
export async function must(ctx: StepContext, argv: readonly string[], opts: {timeoutMs?: number; input?: string} = {}): Promise<ExecResult> {
  const r = await run(ctx, argv, opts)
  if (r.exitCode !== 0) throw new StepError(`\`${argv.join(' ')}\` failed: ${lastLine(r)}`)
  return r
}

/** The line that says why a command failed: stderr's last, else stdout's. */
export function lastLine(r: ExecResult): string {
  const clean = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean)
  const lines = clean(r.stderr).length ? clean(r.stderr) : clean(r.stdout)
  return lines.at(-1)?.replace(/^error:\s*/, '') ?? `exit ${r.exitCode ?? r.signal ?? '?'}`
}

export function exec(argv: readonly string[], extra: Omit<Extract<PlanAction, {kind: 'exec'}>, 'kind' | 'argv'> = {}): PlanAction {
  return {kind: 'exec', argv, ...extra}
}

/** Host path for argv (below the plan's root). */
export function hp(ctx: {root?: string}, p: string): string {
  return onHost(ctx.root, p)
}

/** Stop starting new remote work once Ctrl-C was pressed (the step in flight ends at this point). */
export function checkAbort(ctx: StepContext): void {
  if (ctx.signal.aborted) throw new StepError('interrupted (Ctrl-C) at a safe point; resume with --resume')
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(t)
      resolve()
    }, {once: true})
  })
}
