import * as path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {EXIT} from '../../cli/exit-codes.js'
import {controllerName, defaultStateDir, sshFlags, stateDirFlag} from '../../cli/upgrade-flags.js'
import type {RollbackOutcome} from '../../runbook/rollback.js'

export default class UpgradeRollback extends BaseCommand {
  static override summary = 'Bring hosts back to xend from their upgrade backup'
  static override description = `For each host (--host, or every host of PLAN with a recorded run), from the journal of its
newest run: undefines the domains that run defined, stops libvirtd where it was not there
before, restores /var/lib/xend/domains, /etc/xen and the toolstack setting from the backup
(sha256 checked), puts xend and xendomains back as they were before the upgrade (enabled only
if they were, started only if they ran; a run journaled by an older xenlift, without that
record: both enabled and xend started, and the output says so), starts the domains that ran
before in their old order, and releases the host lock. Refused, with the reason, for a host
past its point of no return (the plan shows it) and for a host whose lock belongs to another
run (the message names it; the lock is left alone). Asks for confirmation on a terminal unless
--yes.

Exit codes: 0 every host rolled back; 1 some refused or failed; 2 usage error.`
  static override examples = ['<%= config.bin %> <%= command.id %> plan.json --yes', '<%= config.bin %> <%= command.id %> --host dom0-a']
  static override enableJsonFlag = true
  static override args = {plan: Args.string({description: 'plan document whose hosts to roll back', required: false})}
  static override flags = {
    ...sshFlags,
    host: Flags.string({summary: 'host to roll back (repeatable); its newest recorded run is used', multiple: true}),
    yes: Flags.boolean({char: 'y', summary: 'do not ask for confirmation'}),
    'state-dir': stateDirFlag,
    timeout: Flags.integer({summary: 'seconds per remote command and per connection', default: 120, min: 1}),
    sudo: Flags.boolean({summary: 'run commands with sudo -n'}),
  }

  async run(): Promise<{hosts: RollbackOutcome[]}> {
    const {args, flags} = await this.parse(UpgradeRollback)
    const {confirmOnTerminal, loadStrategies, openPlanHost, recordedRunsForPlan, renderTable, rollbackHost, sshOptionsFrom} = await import('../../cli/cores/upgrade/rollback.js')
    if (args.plan === undefined && !flags.host?.length) this.usageError('give a PLAN or --host')
    const stateDir = path.resolve(flags['state-dir'] ?? defaultStateDir())
    const found = await recordedRunsForPlan(args.plan, stateDir, flags.host)
    if ('error' in found) this.usageError(found.error)
    const {planId, runs} = found
    const missing = (flags.host ?? []).filter((h) => !runs.some((r) => r.host.host === h))
    if (missing.length) this.usageError(`no recorded upgrade run for ${missing.join(', ')} in ${stateDir}`)
    if (runs.length === 0) this.usageError(`no recorded upgrade run in ${stateDir}${planId ? ` for plan ${planId}` : ''}`)
    if (!flags.yes && !this.jsonEnabled() && process.stdin.isTTY) {
      const yes = await confirmOnTerminal(`Roll back ${runs.map((r) => r.host.host).join(', ')} to xend?`)
      if (!yes) this.error('not confirmed; nothing done', {exit: EXIT.failed})
    }
    const strategies = await loadStrategies(this.config, (m) => this.warn(m))
    const ssh = sshOptionsFrom(flags, (m) => process.stderr.write(`warning: ${m}\n`), flags.timeout * 1000)
    const hosts: RollbackOutcome[] = []
    for (const r of runs) {
      hosts.push(
        await rollbackHost(r, {open: (h, log) => openPlanHost(h, log, ssh), strategies, emit: (e) => e.type === 'note' && process.stderr.write(`${e.host}: ${e.message}\n`)}, {
          controller: controllerName(),
          commandTimeoutMs: flags.timeout * 1000,
          ...(flags.sudo ? {sudo: true} : {}),
        }),
      )
    }
    if (!this.jsonEnabled()) process.stdout.write(renderTable(['HOST', 'RESULT', 'DETAIL'], hosts.map((h) => [h.host, h.status, h.message])))
    const bad = hosts.filter((h) => h.status !== 'done').length
    if (bad > 0) process.exitCode = bad === hosts.length ? EXIT.failed : EXIT.partialFleet
    return {hosts}
  }
}
