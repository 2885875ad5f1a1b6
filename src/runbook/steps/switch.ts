import {parsePackageList} from '../fingerprint.js'
import type {PlanAction} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {checkAbort, exec, lastLine, run} from './common.js'

/** `KEY=value` set in a shell-style settings file: the line replaced, or appended. */
export function withSetting(text: string, key: string, value: string): string {
  const re = new RegExp(`^\\s*${key}=.*$`, 'm')
  if (re.test(text)) return text.replace(re, `${key}=${value}`)
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${key}=${value}\n`
}

/** systemctl exit 5 / "not found": the unit does not exist (a host without xend). */
function unitMissing(r: {exitCode: number | null; stderr: string}): boolean {
  return r.exitCode === 5 || /not (be )?found|does not exist|No such file/i.test(r.stderr)
}

/**
 * switch (strategy): stop and disable xend's services (a host without them is fine), install
 * libvirt's libxl driver with the host's package manager, set the toolstack, enable libvirtd.
 */
export const switchToolstack: Step = {
  id: 'switch',
  title: 'switch: xend off, libvirt with its libxl driver on',
  describe(ctx) {
    const s = ctx.strategy
    const actions: PlanAction[] = []
    for (const svc of s.xendServices) actions.push(exec(['systemctl', 'stop', svc], {note: 'a missing unit is fine'}), exec(['systemctl', 'disable', svc]))
    for (const argv of s.installCommands()) actions.push(exec(argv))
    if (s.toolstackSetting) {
      actions.push({kind: 'write', path: ctx.root ? `${ctx.root.replace(/\/$/, '')}${s.toolstackSetting.path}` : s.toolstackSetting.path, mode: '0644', note: `${s.toolstackSetting.key}=${s.toolstackSetting.value} (line replaced or appended)`})
    }
    actions.push(exec(['systemctl', 'enable', s.libvirtService]))
    return actions
  },
  async apply(ctx) {
    const s = ctx.strategy
    const notes: string[] = []
    for (const svc of s.xendServices) {
      checkAbort(ctx)
      const stop = await run(ctx, ['systemctl', 'stop', svc])
      if (stop.exitCode !== 0 && !unitMissing(stop)) throw new StepError(`systemctl stop ${svc}: ${lastLine(stop)}`)
      if (unitMissing(stop)) {
        notes.push(`${svc} not installed`)
        continue
      }
      const dis = await run(ctx, ['systemctl', 'disable', svc])
      if (dis.exitCode !== 0 && !unitMissing(dis)) throw new StepError(`systemctl disable ${svc}: ${lastLine(dis)}`)
    }
    for (const argv of s.installCommands()) {
      checkAbort(ctx)
      const r = await run(ctx, argv, {timeoutMs: Math.max(ctx.options.commandTimeoutMs, 600_000)})
      if (r.exitCode !== 0) throw new StepError(`package installation failed: \`${argv.join(' ')}\`: ${lastLine(r)}`)
    }
    if (s.toolstackSetting) {
      const {path, key, value} = s.toolstackSetting
      const old = await ctx.files.readFile(path).then((b) => b.toString('utf8'), () => '')
      const next = withSetting(old, key, value)
      if (next !== old) await ctx.files.writeFileAtomic(path, next, {mode: 0o644})
      notes.push(`${key}=${value} in ${path}`)
    }
    const en = await run(ctx, ['systemctl', 'enable', s.libvirtService])
    if (en.exitCode !== 0) throw new StepError(`systemctl enable ${s.libvirtService}: ${lastLine(en)}`)
    return {status: 'changed', message: [`installed ${s.packages.join(' ')}`, ...notes].join('; '), data: {notes}}
  },
  async verify(ctx) {
    return switchPostcondition(ctx)
  },
}

/** xend stopped, the packages installed, the toolstack set. */
export async function switchPostcondition(ctx: StepContext): Promise<string | undefined> {
  const s = ctx.strategy
  for (const svc of s.xendServices) {
    const a = await run(ctx, ['systemctl', 'is-active', svc])
    if (a.exitCode === 0 && a.stdout.trim() === 'active') return `${svc} is still active`
  }
  const pk = await run(ctx, [...s.packageQuery])
  const have = parsePackageList(pk.exitCode === 0 ? pk.stdout : '')
  const missing = s.packages.filter((p) => !have.has(p))
  if (missing.length) return `not installed: ${missing.join(', ')}`
  if (s.toolstackSetting) {
    const text = await ctx.files.readFile(s.toolstackSetting.path).then((b) => b.toString('utf8'), () => '')
    if (!new RegExp(`^\\s*${s.toolstackSetting.key}=${s.toolstackSetting.value}\\s*$`, 'm').test(text)) return `${s.toolstackSetting.path} does not set ${s.toolstackSetting.key}=${s.toolstackSetting.value}`
  }
  return undefined
}
