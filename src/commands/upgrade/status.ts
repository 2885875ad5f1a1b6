import * as path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {defaultStateDir, stateDirFlag} from '../../cli/upgrade-flags.js'
import type {HostRunStatus} from '../../runbook/status.js'

export default class UpgradeStatus extends BaseCommand {
  static override summary = 'Where each host of an upgrade stands: steps done, where it stopped and why, point of no return'
  static override description = `Reads the journals in --state-dir (the newest run of each host; with PLAN, that plan's hosts
only). Nothing is contacted: this is the controller's record. For another controller's view,
the host keeps a copy of its journal in /var/lib/xenlift/journal.jsonl.`
  static override examples = ['<%= config.bin %> <%= command.id %> plan.json', '<%= config.bin %> <%= command.id %> --state-dir /srv/xenlift-state --json']
  static override enableJsonFlag = true
  static override args = {plan: Args.string({description: 'plan document (default: every plan in the state dir)', required: false})}
  static override flags = {'state-dir': stateDirFlag, host: Flags.string({summary: 'only these hosts (repeatable)', multiple: true})}

  async run(): Promise<{hosts: HostRunStatus[]}> {
    const {args, flags} = await this.parse(UpgradeStatus)
    const {hostRunStatus, recordedRunsForPlan, renderTable} = await import('../../cli/cores/upgrade/status.js')
    const stateDir = path.resolve(flags['state-dir'] ?? defaultStateDir())
    const found = await recordedRunsForPlan(args.plan, stateDir, flags.host)
    if ('error' in found) this.usageError(found.error)
    const {runs} = found
    const hosts = runs.map(hostRunStatus).sort((a, b) => (a.host < b.host ? -1 : 1))
    if (!this.jsonEnabled()) {
      if (hosts.length === 0) process.stdout.write(`no upgrade run recorded in ${stateDir}\n`)
      else {
        process.stdout.write(
          renderTable(
            ['HOST', 'STATE', 'DONE', 'STOPPED AT', 'NO RETURN', 'RUN'],
            hosts.map((h) => [
              h.host,
              h.state,
              `${h.completed.length}/9${h.completed.length ? ` (…${h.completed.at(-1)})` : ''}`,
              h.stoppedAt ? `${h.stoppedAt.step}: ${h.stoppedAt.why}` : '',
              h.pointOfNoReturn ? `${h.pointOfNoReturn.passed ? 'PASSED' : 'before'} ${h.pointOfNoReturn.step}` : 'none',
              `${h.planId}/${h.runId}`,
            ]),
          ),
        )
      }
    }
    return {hosts}
  }
}
