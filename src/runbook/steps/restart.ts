import {LIBXL_URI} from '../../host/import-domains.js'
import type {Step, StepContext} from '../step.js'
import {StepError} from '../step.js'
import {exec, lastLine, must, run, sleep} from './common.js'

/**
 * Whether libvirt's libxl driver answers; one try may take until `deadline` (a loaded or emulated
 * dom0 can take longer than any fixed bound to answer its first call), at least 5 s.
 */
async function answers(ctx: StepContext, deadline: number): Promise<string | undefined> {
  const r = await run(ctx, ['virsh', '-c', LIBXL_URI, 'uri'], {timeoutMs: Math.max(5_000, deadline - Date.now())}).catch((e: Error) => ({exitCode: 1, stdout: '', stderr: e.message}))
  return r.exitCode === 0 ? undefined : lastLine(r)
}

/** restart: restart libvirtd and wait (bounded) until `virsh -c xen:///system` answers. */
export const restart: Step = {
  id: 'restart',
  title: 'restart: libvirtd, until its libxl driver answers',
  describe(ctx) {
    return [exec(['systemctl', 'restart', ctx.strategy.libvirtService]), exec(['virsh', '-c', LIBXL_URI, 'uri'], {note: 'repeated each second until it answers (--restart-timeout)'})]
  },
  async apply(ctx) {
    await must(ctx, ['systemctl', 'restart', ctx.strategy.libvirtService])
    const deadline = Date.now() + ctx.options.restartTimeoutSec * 1000
    let why = await answers(ctx, deadline)
    while (why !== undefined && Date.now() < deadline && !ctx.signal.aborted) {
      await sleep(1000, ctx.signal)
      why = await answers(ctx, deadline)
    }
    if (why !== undefined) throw new StepError(`libvirtd did not answer on ${LIBXL_URI} within ${ctx.options.restartTimeoutSec}s: ${why}`)
    const v = await run(ctx, ['virsh', '--version'])
    return {status: 'changed', message: `libvirt ${v.stdout.trim()} answers on ${LIBXL_URI}`, data: {libvirtVersion: v.stdout.trim()}}
  },
  async verify(ctx) {
    return answers(ctx, Date.now() + ctx.options.restartTimeoutSec * 1000)
  },
}
