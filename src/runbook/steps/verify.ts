import type {Step} from '../step.js'
import {StepError} from '../step.js'
import {compareDefined} from './define.js'
import {exec, planPaths} from './common.js'
import {LIBXL_URI} from '../../host/import-domains.js'

/**
 * verify: every backed-up domain is defined, with the name, UUID, memory, vCPUs, disks, NICs and
 * MACs of the pre-upgrade record; then the host lock is released.
 */
export const verify: Step = {
  id: 'verify',
  title: 'verify: every domain defined as before',
  describe(ctx) {
    return [
      ...ctx.host.domains.filter((d) => d.skip === undefined).map((d) => exec(['virsh', '-c', LIBXL_URI, 'dumpxml', '--inactive', d.name], {note: 'name, uuid, memory, vcpus, disks, NICs, MACs compared'})),
      {kind: 'remove', path: planPaths(ctx.planId).lock, note: 'release the lock'},
    ]
  },
  async apply(ctx) {
    const problems: string[] = []
    const domains = ctx.host.domains.filter((d) => d.skip === undefined)
    for (const d of domains) {
      const why = await compareDefined(ctx, d)
      if (why !== undefined) problems.push(why)
    }
    if (problems.length) throw new StepError(problems.join('; '), {problems})
    return {status: 'ok', message: `${domains.length} domains defined as before`, data: {verified: domains.map((d) => d.name)}}
  },
  async verify() {
    return undefined
  },
}
