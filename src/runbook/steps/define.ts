import {importDomains, LIBXL_URI} from '../../host/import-domains.js'
import {redactSecrets} from '../../model/redact.js'
import {recordDifferences, recordOfXml} from '../domain-record.js'
import type {PlanAction, PlanDomain} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {checkAbort, exec, lastLine, planPaths, run} from './common.js'

export interface DefineResult {
  readonly name: string
  readonly ok: boolean
  readonly message: string
}

function toDefine(domains: readonly PlanDomain[]): PlanDomain[] {
  return domains.filter((d) => d.skip === undefined && d.xml !== undefined)
}

/**
 * define: each domain's XML (with its password, from the backup's staging copy on the host,
 * checked against the plan's masked XML) goes to `virsh define` through import's define logic:
 * on its stdin, never on the command line nor in a file. `virsh dumpxml --inactive` is
 * read back and its name, UUID, memory, vCPUs, disks and NICs compared with the plan (libvirt may
 * only add defaults). One domain's failure is reported and the others go on.
 */
export const define: Step = {
  id: 'define',
  title: 'define: each domain in libvirt, read back and compared',
  describe(ctx) {
    const actions: PlanAction[] = []
    for (const d of toDefine(ctx.host.domains)) {
      actions.push(
        exec(['virsh', '-c', LIBXL_URI, 'dumpxml', '--inactive', '--security-info', d.name], {note: 'is it defined already (same XML: nothing to do)'}),
        exec(['virsh', '-c', LIBXL_URI, 'define', '/dev/stdin'], {note: `${d.name}: the plan's XML${d.hasSecrets ? ' with its password' : ''} on stdin`}),
        ...(d.autostart ? [exec(['virsh', '-c', LIBXL_URI, 'autostart', d.name], {note: 'it started at boot under xend'})] : []),
        exec(['virsh', '-c', LIBXL_URI, 'dumpxml', '--inactive', d.name], {note: 'read back and compared with the plan'}),
      )
    }
    return actions
  },
  async apply(ctx) {
    const results: DefineResult[] = []
    for (const d of toDefine(ctx.host.domains)) {
      checkAbort(ctx)
      try {
        results.push(await defineOne(ctx, d))
      } catch (error) {
        if ((error as {code?: unknown}).code === 'CONNECTION_LOST') throw error
        results.push({name: d.name, ok: false, message: (error as Error).message})
      }
    }
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new StepError(`${failed.length} of ${results.length} domains not defined: ${failed.map((f) => `${f.name} (${f.message})`).join('; ')}`, {results})
    return {status: 'changed', message: `${results.length} domains defined`, data: {results, defined: results.map((r) => r.name)}}
  },
  async verify(ctx) {
    for (const d of toDefine(ctx.host.domains)) {
      const why = await compareDefined(ctx, d)
      if (why !== undefined) return why
    }
    return undefined
  },
}

async function defineOne(ctx: StepContext, d: PlanDomain): Promise<DefineResult> {
  const staged = (await ctx.files.readFile(`${planPaths(ctx.planId).staging}/xml/${d.name}.xml`)).toString('utf8')
  if (redactSecrets(staged) !== d.xml) return {name: d.name, ok: false, message: 'the backed-up XML differs from the plan'}
  const [outcome] = await importDomains(ctx.exec, [{name: d.name, ...(d.uuid !== undefined ? {uuid: d.uuid} : {}), xml: staged, source: d.source, diagnostics: [], blockers: [], ...(d.autostart ? {autostart: true} : {})}], {
    update: true,
    autostart: true,
    timeoutMs: ctx.options.commandTimeoutMs,
    ...(ctx.options.sudo ? {sudo: true} : {}),
  })
  if (!outcome || outcome.status === 'failed' || outcome.status === 'skipped') return {name: d.name, ok: false, message: outcome?.message ?? 'not defined'}
  const why = await compareDefined(ctx, d)
  return why === undefined ? {name: d.name, ok: true, message: outcome.action === 'unchanged' ? 'already defined' : 'defined'} : {name: d.name, ok: false, message: why}
}

/** undefined when libvirt holds the domain as planned; else what differs. */
export async function compareDefined(ctx: StepContext, d: PlanDomain): Promise<string | undefined> {
  const r = await run(ctx, ['virsh', '-c', LIBXL_URI, 'dumpxml', '--inactive', d.name])
  if (r.exitCode !== 0) return `${d.name} is not defined in libvirt: ${lastLine(r)}`
  const got = recordOfXml(r.stdout)
  if (!got) return `${d.name}: libvirt's XML could not be read`
  const diff = recordDifferences(d.record, got)
  return diff.length ? `${d.name} differs from the pre-upgrade record: ${diff.join('; ')}` : undefined
}
