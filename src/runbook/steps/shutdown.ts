import type {PlanAction, PlanDomain} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {checkAbort, exec, lastLine, run} from './common.js'

/** Running domains in shutdown order (/etc/xen/auto first, then by name). */
export function shutdownOrder(domains: readonly PlanDomain[]): PlanDomain[] {
  return domains.filter((d) => d.shutdownOrder !== undefined).sort((a, b) => (a.shutdownOrder ?? 0) - (b.shutdownOrder ?? 0))
}

/** Is the domain still running on the hypervisor? (`xl list` sees every domain, xend or not.) */
export async function isRunning(ctx: StepContext, name: string): Promise<boolean> {
  const r = await run(ctx, ['xl', 'list', name])
  return r.exitCode === 0
}

/**
 * shutdown: `xm shutdown -w` each running domain in order, with a per-domain timeout. On timeout
 * `--on-timeout fail` (default) stops the host there (nothing lost: the domain still runs under
 * xend); `destroy` runs `xm destroy`. Records which domains ran and in which order.
 */
export const shutdown: Step = {
  id: 'shutdown',
  title: 'shutdown: stop the running domains (xend and libxl cannot hand them over live)',
  describe(ctx) {
    const actions: PlanAction[] = []
    for (const d of shutdownOrder(ctx.host.domains)) {
      actions.push(exec(['xm', 'shutdown', '-w', d.name], {note: 'per-domain timeout (--shutdown-timeout)', when: 'it still runs'}))
      actions.push(exec(['xm', 'destroy', d.name], {when: 'the shutdown timed out and --on-timeout destroy'}))
    }
    return actions
  },
  async apply(ctx) {
    const stopped: {name: string; how: 'shutdown' | 'destroy' | 'already'}[] = []
    for (const d of shutdownOrder(ctx.host.domains)) {
      checkAbort(ctx)
      if (!(await isRunning(ctx, d.name))) {
        stopped.push({name: d.name, how: 'already'})
        continue
      }
      ctx.note(`xm shutdown -w ${d.name}`)
      let timedOut = false
      try {
        const r = await run(ctx, ['xm', 'shutdown', '-w', d.name], {timeoutMs: ctx.options.shutdownTimeoutSec * 1000})
        if (r.exitCode !== 0 && (await isRunning(ctx, d.name))) throw new StepError(`xm shutdown ${d.name} failed: ${lastLine(r)}`, {stopped})
      } catch (error) {
        if ((error as {code?: unknown}).code !== 'TIMEOUT') throw error
        timedOut = true
      }
      if (timedOut || (await isRunning(ctx, d.name))) {
        if (ctx.options.onTimeout !== 'destroy') {
          throw new StepError(`${d.name} did not shut down within ${ctx.options.shutdownTimeoutSec}s; the host stops here (it still runs under xend); use --on-timeout destroy to force it off`, {stopped})
        }
        const r = await run(ctx, ['xm', 'destroy', d.name])
        if (r.exitCode !== 0 && (await isRunning(ctx, d.name))) throw new StepError(`xm destroy ${d.name} failed: ${lastLine(r)}`, {stopped})
        stopped.push({name: d.name, how: 'destroy'})
      } else stopped.push({name: d.name, how: 'shutdown'})
    }
    const did = stopped.filter((s) => s.how !== 'already')
    return {
      status: did.length ? 'changed' : 'ok',
      message: stopped.length ? stopped.map((s) => `${s.name} ${s.how === 'already' ? 'already stopped' : s.how === 'destroy' ? 'destroyed' : 'shut down'}`).join(', ') : 'no domain was running',
      data: {order: stopped.map((s) => s.name), stopped},
    }
  },
  async verify(ctx) {
    for (const d of shutdownOrder(ctx.host.domains)) if (await isRunning(ctx, d.name)) return `${d.name} is running`
    return undefined
  },
}
