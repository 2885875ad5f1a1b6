import {parsePackageList} from '../fingerprint.js'
import type {PlanAction} from '../plan-document.js'
import {type Step, type StepContext, StepError} from '../step.js'
import {checkAbort, exec, lastLine, run} from './common.js'
import {parseUnitsOff, queryUnitStates, unitsOffArgv} from './services.js'

/** `KEY=value` set in a shell-style settings file: the line replaced, or appended. */
export function withSetting(text: string, key: string, value: string): string {
  const re = new RegExp(`^\\s*${key}=.*$`, 'm')
  if (re.test(text)) return text.replace(re, `${key}=${value}`)
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${key}=${value}\n`
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
    if (s.xendServices.length) actions.push(exec(unitsOffArgv(s.xendServices), {note: `systemctl stop, then disable, ${s.xendServices.join(' then ')} (one line per call; a missing unit is fine)`}))
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
    if (s.xendServices.length) {
      checkAbort(ctx)
      // one remote command for both units; each call's outcome comes back on its own line
      const off = parseUnitsOff(await run(ctx, unitsOffArgv(s.xendServices)), s.xendServices)
      if (off.failure) throw new StepError(off.failure)
      notes.push(...off.missing.map((u) => `${u} not installed`))
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

/** xend's services stopped and disabled (one remote query), the packages installed, the toolstack set. */
export async function switchPostcondition(ctx: StepContext): Promise<string | undefined> {
  const s = ctx.strategy
  const states = await queryUnitStates((argv) => run(ctx, argv), s.xendServices).catch((error: Error) => error.message)
  if (typeof states === 'string') return states
  const on = states.filter((u) => u.active === 'active' || u.enabled === 'enabled').map((u) => `${u.unit} is still ${u.enabled === 'enabled' && u.active === 'active' ? 'enabled and active' : u.active === 'active' ? 'active' : 'enabled'}`)
  if (on.length) return on.join('; ')
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
