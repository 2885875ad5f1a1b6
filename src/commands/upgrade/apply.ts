import {randomBytes} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {EXIT} from '../../cli/exit-codes.js'
import {controllerName, defaultStateDir, parseBatch, sshFlags, stateDirFlag} from '../../cli/upgrade-flags.js'
import type {RunEvent} from '../../runbook/events.js'
import type {FleetResult} from '../../runbook/fleet.js'
import type {ApplyResultLine, UpgradeApplyJsonLine} from '../../cli/json-contract.js'

export default class UpgradeApply extends BaseCommand {
  // Its own SIGINT handler finishes the step in flight and keeps the journal (exit 130).
  static override handlesSigint = true
  static override summary = 'Execute an upgrade plan: back up, shut down, switch to libvirt, define, (start), verify; journaled and resumable'
  static override description = `Runs exactly the plan's steps on each ready host (blocked hosts are left untouched):
preflight (fingerprint must match: "plan is stale, plan again"; host lock), backup (to
--backup-dir, mode 0600, sha256 checked), shutdown (xm shutdown -w, --on-timeout), dump, switch
(the strategy plugin), restart (libvirtd), define (read back and compared), start (--start),
verify. Every step is journaled (fsynced) in --state-dir, one JSONL file per host and run, with
a copy on the host (/var/lib/xenlift/journal.jsonl), and every remote command is logged per host.

--resume continues each host after its last completed step, after re-checking that step on the
host; a failed step is redone, never skipped. Ctrl-C stops at a safe point (exit 130).

Fleet: --concurrency hosts at once; --batch N or N% per batch; --canary N first, alone (nothing
else starts unless all succeed); --max-fail-percent P stops new batches when MORE THAN P% of the
hosts attempted so far failed (P=50: 1 of 2 failed goes on, 2 of 3 stops).

--json prints one NDJSON event per line (step-start, step-end, host-end, …) and a final
{"type":"result"} line. Asks for confirmation on a terminal unless --yes.

Exit codes: 0 every host done; 1 failed (no host done); 3 some hosts blocked in the plan, the
others done; 4 some hosts failed or were skipped, others done; 130 interrupted; 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> plan.json --start',
    '<%= config.bin %> <%= command.id %> plan.json --canary 1 --batch 25% --max-fail-percent 10 --yes',
    '<%= config.bin %> <%= command.id %> plan.json --resume --yes',
  ]
  static override args = {plan: Args.string({description: 'plan document written by `upgrade plan --out`', required: true})}
  static override flags = {
    ...sshFlags,
    json: Flags.boolean({summary: 'NDJSON events on stdout instead of the live view'}),
    yes: Flags.boolean({char: 'y', summary: 'do not ask for confirmation'}),
    start: Flags.boolean({summary: 'start the domains that ran before, in their old order'}),
    resume: Flags.boolean({summary: "continue each host's last run after its last completed step"}),
    concurrency: Flags.integer({summary: 'hosts worked on at once', default: 5, min: 1}),
    batch: Flags.string({summary: 'hosts per batch: N or N% of the ready hosts'}),
    canary: Flags.integer({summary: 'the first N hosts run alone; nothing else starts unless all succeed', min: 1}),
    'max-fail-percent': Flags.integer({summary: 'stop starting batches when more than this % of attempted hosts failed', min: 0, max: 100}),
    'on-timeout': Flags.string({summary: 'a domain that does not shut down in time: fail (stop the host) or destroy it', options: ['fail', 'destroy'], default: 'fail'}),
    'shutdown-timeout': Flags.integer({summary: 'seconds per domain for xm shutdown -w (and for a started domain to run)', default: 300, min: 1}),
    'restart-timeout': Flags.integer({summary: 'seconds to wait for libvirtd to answer after its restart', default: 120, min: 1}),
    timeout: Flags.integer({summary: 'seconds per remote command and per connection', default: 120, min: 1}),
    'state-dir': stateDirFlag,
    'backup-dir': Flags.string({summary: 'where host backups are copied (default <state-dir>/backups)'}),
    sudo: Flags.boolean({summary: 'run commands with sudo -n (when logging in as a non-root user)'}),
  }

  static override ndjsonFlag = true

  async run(): Promise<void> {
    const {args, flags} = await this.parse(UpgradeApply)
    const {applyExitCode, applyFleet, confirmOnTerminal, createApplyView, loadStrategies, openPlanHost, parsePlanDocument, pickProgressMode, renderApplyResult, sshOptionsFrom} = await import(
      '../../cli/cores/upgrade/apply.js'
    )
    const text = await readFile(args.plan, 'utf8').catch((error: NodeJS.ErrnoException) => this.usageError(`${args.plan}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`))
    const parsed = parsePlanDocument(text, args.plan)
    if ('error' in parsed) this.usageError(parsed.error)
    const plan = parsed.plan
    const batch = parseBatch(flags.batch)
    if (batch === 'invalid') this.usageError(`--batch ${flags.batch}: expected N or N% (1-100)`)
    const stateDir = path.resolve(flags['state-dir'] ?? defaultStateDir())
    const ready = plan.hosts.filter((h) => h.status === 'ready')
    if (!flags.yes && !flags.json && process.stdin.isTTY) {
      const yes = await confirmOnTerminal(`Apply plan ${plan.planId} to ${ready.length} host(s) (${ready.map((h) => h.host).join(', ')})? Domains will be shut down.`)
      if (!yes) this.error('not confirmed; nothing done', {exit: EXIT.failed})
    }
    const strategies = await loadStrategies(this.config, (m) => this.warn(m))
    const ssh = sshOptionsFrom(flags, (m) => process.stderr.write(`warning: ${m}\n`), flags.timeout * 1000)
    const abort = new AbortController()
    const onSigint = () => {
      if (abort.signal.aborted) return
      process.stderr.write('\ninterrupted: finishing the step in flight, then stopping (journal kept; --resume continues)\n')
      abort.abort()
    }
    process.on('SIGINT', onSigint)
    const view = createApplyView(
      plan.hosts.map((h) => h.host),
      pickProgressMode({json: flags.json, isTTY: process.stderr.isTTY, ...(process.env.TERM !== undefined ? {term: process.env.TERM} : {})}),
    )
    const emit = (e: RunEvent) => {
      view.emit(e)
      const line: UpgradeApplyJsonLine = {ts: new Date().toISOString(), ...e}
      if (flags.json) process.stdout.write(`${JSON.stringify(line)}\n`)
    }
    let result: FleetResult
    try {
      result = await applyFleet(plan, {open: (h, log) => openPlanHost(h, log, ssh), strategies, emit, signal: abort.signal}, {
        start: flags.start,
        onTimeout: flags['on-timeout'] as 'fail' | 'destroy',
        shutdownTimeoutSec: flags['shutdown-timeout'],
        restartTimeoutSec: flags['restart-timeout'],
        commandTimeoutMs: flags.timeout * 1000,
        backupDir: path.resolve(flags['backup-dir'] ?? path.join(stateDir, 'backups')),
        stateDir,
        controller: controllerName(),
        runId: `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`,
        resume: flags.resume,
        concurrency: flags.concurrency,
        ...(batch !== undefined ? {batch} : {}),
        ...(flags.canary !== undefined ? {canary: flags.canary} : {}),
        ...(flags['max-fail-percent'] !== undefined ? {maxFailPercent: flags['max-fail-percent']} : {}),
        ...(flags.sudo ? {sudo: true} : {}),
      })
    } finally {
      process.off('SIGINT', onSigint)
      await view.finish()
    }
    const code = applyExitCode(result.outcomes, abort.signal.aborted)
    const line: ApplyResultLine = {type: 'result', planId: plan.planId, hosts: result.outcomes, ...(result.stopped ? {stopped: result.stopped} : {}), exitCode: code}
    if (flags.json) process.stdout.write(`${JSON.stringify(line)}\n`)
    else process.stdout.write(renderApplyResult(result.outcomes, result.stopped))
    process.exitCode = code
  }
}
