import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {EXIT} from '../../cli/exit-codes.js'
import {hostSelectionFlags} from '../../cli/host-flags.js'
import type {PlanDocument} from '../../runbook/plan-document.js'

export default class UpgradePlan extends BaseCommand {
  static override summary = 'Plan the xend → libvirt upgrade of hosts (read-only): every domain, blocker, question and remote command'
  static override description = `Connects to each host, collects facts, finds and checks every domain (the rules of
\`xenlift check\`, with --policy waivers and answers), converts each domain for the libvirt the
host's strategy installs, fingerprints what the plan depends on, and lists every step with every
remote command, in order. Nothing on the host changes.

A host is ready, blocked (unwaived blockers, unanswered questions, no strategy) or unreachable.
A running domain is not a blocker: the shutdown step stops it. The plan never holds a password.

--out FILE writes the plan document (versioned JSON) for \`upgrade apply\`; --out - or --json
prints it. Text view by default.

Exit codes: 0 every host ready; 3 some host blocked; 4 some host unreachable; 1 all unreachable; 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --host root@dom0-a --out plan.json',
    '<%= config.bin %> <%= command.id %> --inventory fleet.ini --limit sles11 --policy policy.yaml --out plan.json',
    '<%= config.bin %> <%= command.id %> --host dom0-b --json | jq \'.hosts[].steps[].actions[]\'',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...hostSelectionFlags,
    out: Flags.string({char: 'o', summary: 'write the plan document here (- = stdout); with --format ansible, the playbook\'s directory'}),
    format: Flags.option({options: ['text', 'json', 'ansible'] as const, default: 'text', summary: 'text view, the JSON document (as --json), or an Ansible playbook written to --out DIR'})(),
    batch: Flags.string({summary: 'with --format ansible: hosts per batch (serial), a count or N%'}),
    canary: Flags.integer({summary: 'with --format ansible: the first N hosts alone before the batches', min: 1}),
    'max-fail-percent': Flags.integer({summary: 'with --format ansible: stop when more than P% of a batch failed (max_fail_percentage)', min: 0, max: 100}),
    force: Flags.boolean({summary: 'with --format ansible: replace an earlier playbook in --out'}),
    policy: Flags.string({summary: 'YAML policy file: waivers (as check --policy) and answers to the plan\'s questions'}),
    ignore: Flags.string({multiple: true, multipleNonGreedy: true, summary: 'waive a rule id everywhere (repeat, or comma-separate); still shown as waived'}),
    concurrency: Flags.integer({summary: 'hosts planned at once', default: 10, min: 1}),
    timeout: Flags.integer({summary: 'seconds allowed per remote command and per connection', default: 60, min: 1}),
    sudo: Flags.boolean({summary: 'run probes with sudo -n (when logging in as a non-root user)'}),
  }

  async run(): Promise<PlanDocument> {
    const {flags} = await this.parse(UpgradePlan)
    const {createHostProgress, exportAnsibleSite, loadStrategies, parsePolicy, parsePolicyAnswers, pickProgressMode, planFleet, renderPlan, resolveHostTargets, writeOutputFile} = await import(
      '../../cli/cores/upgrade/plan.js'
    )
    const json = this.jsonEnabled() || flags.format === 'json'
    const ansible = flags.format === 'ansible'
    if (ansible && (flags.out === undefined || flags.out === '-')) this.usageError('--format ansible writes a directory: give it with --out DIR')
    if (!ansible && (flags.batch !== undefined || flags.canary !== undefined || flags['max-fail-percent'] !== undefined || flags.force)) this.usageError('--batch, --canary, --max-fail-percent and --force go with --format ansible (upgrade apply has its own)')
    if (flags.batch !== undefined && !/^[1-9]\d*%?$/.test(flags.batch)) this.usageError(`--batch ${flags.batch}: a count or a percentage (5, 20%)`)
    const {targets, ssh, timeoutMs} = await resolveHostTargets(flags, (m) => this.usageError(m), (m) => this.warn(m))
    let policy: Parameters<typeof planFleet>[1]['policy']
    let answers: ReturnType<typeof parsePolicyAnswers>['answers'] = []
    if (flags.policy !== undefined) {
      const file = flags.policy
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => this.usageError(`--policy ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`))
      const p = parsePolicy(text, file)
      if (p.policy === undefined) this.usageError(p.errors.join('\n'))
      const a = parsePolicyAnswers(text, file)
      if (a.errors.length) this.usageError(a.errors.join('\n'))
      policy = {...p.policy, sha256: createHash('sha256').update(text).digest('hex')}
      answers = a.answers
    }
    const ignore = (flags.ignore ?? []).flatMap((i) => i.split(',')).map((i) => i.trim()).filter(Boolean)
    const strategies = await loadStrategies(this.config, (m) => this.warn(m))
    const toStdout = json || flags.out === '-'
    const progress = createHostProgress(
      targets.map((t) => t.name),
      pickProgressMode({json: toStdout, isTTY: process.stderr.isTTY, ...(process.env.TERM !== undefined ? {term: process.env.TERM} : {})}),
    )
    const doc = await planFleet(targets, {strategies, ssh, timeoutMs, concurrency: flags.concurrency, answers, ignore, progress, ...(policy ? {policy} : {}), ...(flags.sudo ? {sudo: true} : {})})
    await progress.finish()
    const text = `${JSON.stringify(doc, null, 2)}\n`
    if (ansible && flags.out !== undefined) {
      const opts = {ssh, timeoutMs, concurrency: flags.concurrency, ...(flags.sudo ? {sudo: true} : {}), ...(flags.force ? {force: true} : {}), ...(this.interruptSignal ? {signal: this.interruptSignal} : {})}
      const fleet = {...(flags.batch !== undefined ? {batch: flags.batch} : {}), ...(flags.canary !== undefined ? {canary: flags.canary} : {}), ...(flags['max-fail-percent'] !== undefined ? {maxFailPercent: flags['max-fail-percent']} : {})}
      const written = await exportAnsibleSite(doc, targets, flags.out, {...opts, ...fleet}).catch((error: Error) => this.error(error.message, {exit: EXIT.failed}))
      process.stdout.write(renderPlan(doc))
      process.stdout.write(`\nwrote ${written.length} files to ${flags.out} (files/ holds the domains' XML with passwords: mode 0600)\nrun: ansible-playbook -i ${flags.out}/inventory.ini ${flags.out}/site.yml --check\n`)
    } else {
      if (flags.out !== undefined && flags.out !== '-') await writeOutputFile(flags.out, text, {mode: 0o644, ...(this.interruptSignal ? {signal: this.interruptSignal} : {})})
      if ((flags.out === '-' || flags.format === 'json') && !this.jsonEnabled()) process.stdout.write(text)
      else if (!json) process.stdout.write(renderPlan(doc))
    }
    const s = doc.summary
    if (s.unreachable > 0) process.exitCode = s.unreachable === s.hosts ? EXIT.failed : EXIT.partialFleet
    else if (s.blocked > 0) process.exitCode = EXIT.blockers
    return doc
  }
}
