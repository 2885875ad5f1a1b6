import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {sha256} from '../fingerprint.js'
import {ETC_XEN_DIR, XEND_DOMAINS_DIR} from '../host-paths.js'
import {rederiveChecked} from '../derive-xml.js'
import type {PlanAction, PlanDomain} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {exec, hp, must, planPaths, run} from './common.js'

/** Where the controller keeps a host's backup. */
export function controllerBackupPath(backupDir: string, host: string, planId: string): string {
  return path.join(backupDir, `${host.replace(/[^A-Za-z0-9_.-]/g, '_')}-${planId}.tar.gz`)
}

function tarMembers(ctx: {host: {fingerprint?: {inputs: {toolstackSetting: Readonly<Record<string, string>>}}}; planId: string}): string[] {
  const rel = (p: string) => p.replace(/^\//, '')
  return [rel(XEND_DOMAINS_DIR), rel(ETC_XEN_DIR), ...Object.keys(ctx.host.fingerprint?.inputs.toolstackSetting ?? {}).map(rel), rel(planPaths(ctx.planId).staging)]
}

/**
 * backup: before anything changes, a tarball of xend's domain tree, /etc/xen, the toolstack
 * setting, `xm list -l`, the XML to define (with passwords: mode 0600) and the package list,
 * copied to the controller (mode 0600), its sha256 recorded and checked on both sides.
 */
export const backup: Step = {
  id: 'backup',
  title: 'backup: tarball of the xend state, copied to the controller',
  describe(ctx) {
    const p = planPaths(ctx.planId)
    const defined = ctx.host.domains.filter((d) => d.skip === undefined)
    const actions: PlanAction[] = [
      exec(['mkdir', '-p', '-m', '0700', hp(ctx, p.staging), hp(ctx, `${p.staging}/xml`)]),
      exec(['xm', 'list', '-l'], {when: 'xend runs', note: `output written to ${p.staging}/xm-list-l.sxp`}),
      {kind: 'write', path: hp(ctx, `${p.staging}/xm-list-l.sxp`), mode: '0600', when: 'xend runs'},
      ...defined.map((d): PlanAction => ({kind: 'write', path: hp(ctx, `${p.staging}/xml/${d.name}.xml`), mode: '0600', note: `${d.name}: the plan's XML${d.hasSecrets ? ' with its password (re-derived from the config, checked against the plan)' : ''}`})),
      exec([...ctx.strategy.packageQuery], {note: `output written to ${p.staging}/packages.txt`}),
      {kind: 'write', path: hp(ctx, `${p.staging}/packages.txt`), mode: '0600'},
      exec(['tar', '-czf', hp(ctx, p.tarball), '--ignore-failed-read', '-C', hp(ctx, '/'), ...tarMembers(ctx)]),
      exec(['chmod', '0600', hp(ctx, p.tarball)]),
      exec(['sha256sum', hp(ctx, p.tarball)]),
      {kind: 'fetch', path: hp(ctx, p.tarball), to: `<backup-dir>/${ctx.host.host}-${ctx.planId}.tar.gz`, note: 'mode 0600; sha256 compared with the host'},
    ]
    return actions
  },
  async apply(ctx) {
    const p = planPaths(ctx.planId)
    await must(ctx, ['mkdir', '-p', '-m', '0700', hp(ctx, p.staging), hp(ctx, `${p.staging}/xml`)])
    const xm = await run(ctx, ['xm', 'list', '-l'])
    if (xm.exitCode === 0) await ctx.files.writeFileAtomic(`${p.staging}/xm-list-l.sxp`, xm.stdout, {mode: 0o600})
    for (const d of ctx.host.domains.filter((x) => x.skip === undefined)) {
      const xml = await rederive(ctx, d)
      await ctx.files.writeFileAtomic(`${p.staging}/xml/${d.name}.xml`, xml, {mode: 0o600})
    }
    const pk = await run(ctx, [...ctx.strategy.packageQuery])
    await ctx.files.writeFileAtomic(`${p.staging}/packages.txt`, pk.exitCode === 0 ? pk.stdout : '', {mode: 0o600})
    const tar = await run(ctx, ['tar', '-czf', hp(ctx, p.tarball), '--ignore-failed-read', '-C', hp(ctx, '/'), ...tarMembers(ctx)])
    // GNU tar: 1 = "some files differ/changed while read"; the archive is complete.
    if (tar.exitCode !== 0 && tar.exitCode !== 1) throw new StepError(`tar failed on the host: ${tar.stderr.trim().split('\n').at(-1) ?? `exit ${tar.exitCode}`}`)
    await must(ctx, ['chmod', '0600', hp(ctx, p.tarball)])
    const sum = (await must(ctx, ['sha256sum', hp(ctx, p.tarball)])).stdout.trim().split(/\s+/)[0] ?? ''
    const data = await ctx.files.readFile(p.tarball)
    const local = controllerBackupPath(ctx.options.backupDir, ctx.host.host, ctx.planId)
    await mkdir(ctx.options.backupDir, {recursive: true, mode: 0o700})
    await writeFile(local, data, {mode: 0o600})
    await chmod(local, 0o600)
    const copied = sha256(await readFile(local))
    if (copied !== sum) throw new StepError(`backup copy is corrupt: sha256 on the host ${sum}, on the controller ${copied}`)
    return {status: 'changed', message: `backup ${local} (${data.length} bytes, sha256 ${sum.slice(0, 12)}…)`, data: {tarball: p.tarball, local, sha256: sum, bytes: data.length}}
  },
  async verify(ctx) {
    const r = ctx.results.backup as {local?: string; sha256?: string} | undefined
    if (!r?.local || !r.sha256) return 'no backup recorded'
    try {
      return sha256(await readFile(r.local)) === r.sha256 ? undefined : `the backup ${r.local} no longer matches its sha256`
    } catch {
      return `the backup ${r.local} is missing on the controller`
    }
  },
}

/** The domain's XML with its password, re-derived from its config (or xend's dump) on the host. */
async function rederive(ctx: StepContext, d: PlanDomain): Promise<string> {
  let text: string
  if (d.source.startsWith('xm list -l ')) {
    const r = await run(ctx, ['xm', 'list', '-l', d.name])
    if (r.exitCode !== 0) throw new StepError(`${d.name}: \`xm list -l\` failed: ${r.stderr.trim()}`)
    text = r.stdout
  } else {
    text = (await ctx.files.readFile(d.source)).toString('utf8')
  }
  const r = rederiveChecked(text, d, ctx.host.targetLibvirtVersion ?? '', ctx.host.questions)
  if ('error' in r) throw new StepError(r.error)
  return r.xml
}
