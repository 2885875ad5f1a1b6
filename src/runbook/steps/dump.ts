import {mkdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import type {PlanAction} from '../plan-document.js'
import type {Step} from '../step.js'
import {exec, run} from './common.js'

/** Names of the domains libvirt knew at planning time (`name uuid` lines). */
function knownToLibvirt(inputs: readonly string[] | undefined): string[] {
  return (inputs ?? []).map((l) => l.split(' ')[0] as string).filter(Boolean)
}

/**
 * dump: `virsh dumpxml` of every domain libvirt already knew (a host that ran libvirt's old xen
 * driver, or a half-migrated one), saved beside the backup on the controller (mode 0600).
 */
export const dump: Step = {
  id: 'dump',
  title: 'dump: save the definitions libvirt already has',
  describe(ctx) {
    const names = knownToLibvirt(ctx.host.fingerprint?.inputs.libvirtDomains)
    const actions: PlanAction[] = names.map((n) => exec(['virsh', '-c', 'xen:///system', 'dumpxml', '--inactive', n], {note: `saved as <backup-dir>/${ctx.host.host}-${ctx.planId}-libvirt/${n}.xml`}))
    return actions
  },
  async apply(ctx) {
    const names = knownToLibvirt(ctx.host.fingerprint?.inputs.libvirtDomains)
    if (names.length === 0) return {status: 'ok', message: 'libvirt had no domains', data: {dumped: []}}
    const dir = path.join(ctx.options.backupDir, `${ctx.host.host.replace(/[^A-Za-z0-9_.-]/g, '_')}-${ctx.planId}-libvirt`)
    await mkdir(dir, {recursive: true, mode: 0o700})
    const dumped: string[] = []
    for (const n of names) {
      const r = await run(ctx, ['virsh', '-c', 'xen:///system', 'dumpxml', '--inactive', n])
      if (r.exitCode !== 0) continue
      await writeFile(path.join(dir, `${n.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml`), r.stdout, {mode: 0o600})
      dumped.push(n)
    }
    return {status: 'changed', message: `${dumped.length} definitions saved in ${dir}`, data: {dir, dumped}}
  },
  async verify() {
    return undefined
  },
}
