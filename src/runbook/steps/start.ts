import {LIBXL_URI} from '../../host/import-domains.js'
import type {PlanDomain} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {checkAbort, exec, lastLine, run, sleep} from './common.js'

/** The domains that ran before, in their old order. */
export function startOrder(domains: readonly PlanDomain[]): PlanDomain[] {
  return domains.filter((d) => d.startOrder !== undefined && d.skip === undefined).sort((a, b) => (a.startOrder ?? 0) - (b.startOrder ?? 0))
}

async function state(ctx: StepContext, name: string): Promise<string> {
  const r = await run(ctx, ['virsh', '-c', LIBXL_URI, 'domstate', name])
  return r.exitCode === 0 ? r.stdout.trim() : `unknown (${lastLine(r)})`
}

/** start (only with --start): the domains that ran before, in their old order, each until it runs. */
export const start: Step = {
  id: 'start',
  title: 'start: the domains that ran before, in their old order',
  onlyWith: '--start',
  describe(ctx) {
    return startOrder(ctx.host.domains).flatMap((d) => [exec(['virsh', '-c', LIBXL_URI, 'start', d.name], {when: 'not running'}), exec(['virsh', '-c', LIBXL_URI, 'domstate', d.name], {note: 'until it says running'})])
  },
  async apply(ctx) {
    if (!ctx.options.start) return {status: 'skipped', message: 'not started (no --start)'}
    const started: string[] = []
    for (const d of startOrder(ctx.host.domains)) {
      checkAbort(ctx)
      if ((await state(ctx, d.name)) === 'running') continue
      const r = await run(ctx, ['virsh', '-c', LIBXL_URI, 'start', d.name])
      if (r.exitCode !== 0) throw new StepError(`virsh start ${d.name}: ${lastLine(r)}`, {started})
      const deadline = Date.now() + ctx.options.shutdownTimeoutSec * 1000
      let s = await state(ctx, d.name)
      while (s !== 'running' && Date.now() < deadline && !ctx.signal.aborted) {
        await sleep(1000, ctx.signal)
        s = await state(ctx, d.name)
      }
      if (s !== 'running') throw new StepError(`${d.name} is ${s}, not running, after virsh start`, {started})
      started.push(d.name)
    }
    return {status: started.length ? 'changed' : 'ok', message: started.length ? `started ${started.join(', ')}` : 'nothing to start', data: {started}}
  },
  async verify(ctx) {
    if (!ctx.options.start) return undefined
    for (const d of startOrder(ctx.host.domains)) if ((await state(ctx, d.name)) !== 'running') return `${d.name} is not running`
    return undefined
  },
}
