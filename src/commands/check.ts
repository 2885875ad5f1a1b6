import {readFile} from 'node:fs/promises'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {EXIT, fleetExitCode} from '../cli/exit-codes.js'
import type {CheckReport} from '../checks/check-report.js'
import type {Policy} from '../checks/policy.js'
import {type HostSelectionFlags, hostSelectionFlags} from '../cli/host-flags.js'
import type {HostInventory} from '../checks/host-inventory.js'
import type {ReportFormat} from '../report/render.js'

type Core = typeof import('../cli/cores/check.js')

export default class Check extends BaseCommand {
  static override summary = 'Pre-upgrade compatibility report: what breaks when xend/xm is replaced by libxl and libvirt'
  static override description = `Reads domain configs (xend config.sxp, xm and xl configs) without changing anything and
reports, per domain, every compatibility finding of the checklist: Python code in xm configs,
shared-writable disks, PVUSB/PVSCSI, block scripts, blktap, autostart from /etc/xen/auto,
duplicate names/UUIDs/MACs, and every setting the conversion would lose. Blockers first, each
with its location, evidence (secrets masked) and remediation.

Inputs: files, directories (-r to descend), or a mounted old dom0 root (--root DIR reads
DIR/var/lib/xend/domains, DIR/etc/xen and the files around them). Fleet-wide: --host and
--inventory check whole dom0s over SSH (--concurrency at a time), one table per host; a live
host also reports the domains running now. A host that cannot be reached is a blocker.

Exit codes: 0 no unwaived finding at or above --fail-on; 1 there is one (or no host could be
checked); 4 some hosts could not be checked (HOST-UNREACHABLE; never waivable); 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --root /mnt/old-dom0',
    '<%= config.bin %> <%= command.id %> -r /etc/xen --format markdown -o report.md',
    '<%= config.bin %> <%= command.id %> --root /mnt/old-dom0 --format html --output check.html --fail-on never',
    '<%= config.bin %> <%= command.id %> /etc/xen/web1.cfg --ignore LIFECYCLE --ignore UUID-MISSING --policy waivers.yaml',
    '<%= config.bin %> <%= command.id %> --inventory fleet.ini --limit sles11 --format html -o fleet.html',
  ]
  static override enableJsonFlag = true
  static override strict = false
  static override args = {
    path: Args.string({description: 'config files or directories to check (several allowed)'}),
  }
  static override flags = {
    ...hostSelectionFlags,
    concurrency: Flags.integer({summary: 'hosts checked at once (with --host/--inventory)', default: 10, min: 1}),
    timeout: Flags.integer({summary: 'seconds allowed per remote command and per connection', default: 60, min: 1}),
    recursive: Flags.boolean({char: 'r', summary: 'descend into subdirectories of directory arguments'}),
    root: Flags.string({summary: 'check a whole old dom0 tree mounted at this directory'}),
    format: Flags.option({options: ['text', 'json', 'markdown', 'html'] as const, default: 'text', summary: 'report format (--json is the same as --format json)'})(),
    'fail-on': Flags.option({options: ['blocker', 'warning', 'never'] as const, default: 'blocker', summary: 'exit 1 when an unwaived finding at or above this severity exists'})(),
    ignore: Flags.string({multiple: true, multipleNonGreedy: true, summary: 'waive a rule id everywhere (repeat, or comma-separate); still shown as waived'}),
    policy: Flags.string({summary: 'YAML file of waivers per rule/domain/host, each with a reason'}),
    output: Flags.string({char: 'o', summary: 'write the report to this file instead of stdout'}),
    target: Flags.option({options: ['libvirt', 'xl'] as const, default: 'libvirt', summary: 'what the domains will run under; xl makes some findings blockers (w!, xl syntax)'})(),
  }

  async run(): Promise<CheckReport> {
    const {argv, flags} = await this.parse(Check)
    const core = await import('../cli/cores/check.js')
    const paths = argv as string[]
    if (paths.length === 0 && flags.root === undefined && flags.host === undefined && flags.inventory === undefined) {
      this.usageError('nothing to check: give config files/directories, --root DIR, --host or --inventory')
    }
    const ignore = (flags.ignore ?? []).flatMap((i) => i.split(',')).map((i) => i.trim()).filter((i) => i !== '')
    const known = core.ruleCatalog()
    for (const id of ignore) {
      if (core.UNWAIVABLE.has(id)) this.warn(`--ignore ${id}: cannot be waived (nothing, or not everything, was checked)`)
      else if (!known.has(id)) this.warn(`--ignore ${id}: no such rule (see docs/rules.md)`)
    }
    const policy = flags.policy !== undefined ? await this.readPolicy(core, flags.policy) : undefined
    const inventories = flags.host !== undefined || flags.inventory !== undefined ? await this.collectHosts(core, flags, paths) : await this.collectFiles(core, flags, paths)
    const plugins = core.rulesFromHookResults((await this.config.runHook('xenlift:check-rules', {})).successes)
    for (const w of plugins.warnings) this.warn(w)
    const report = core.runChecks(inventories, {ignore, ...(policy ? {policy} : {}), target: flags.target, extraRules: plugins.rules})
    const json = this.jsonEnabled()
    const format: ReportFormat = json ? 'json' : flags.format
    const inputs = [
      ...(flags.host ?? []).map((h) => `--host ${h}`),
      ...(flags.inventory !== undefined ? [`--inventory ${flags.inventory}`] : []),
      ...(flags.limit !== undefined ? [`--limit ${flags.limit}`] : []),
      ...(flags.root !== undefined ? [`--root ${flags.root}`] : []),
      ...(flags.recursive ? ['-r'] : []),
      ...paths,
    ].join(' ')
    // Hosts go on with `import` (dry run first); files and a mounted tree with `convert`.
    const fleet = flags.host !== undefined || flags.inventory !== undefined
    const nextWhenClear = fleet
      ? `xenlift import ${inputs} --dry-run`
      : `xenlift convert ${[...(flags.root !== undefined ? ['-r', flags.root] : []), ...(flags.recursive ? ['-r'] : []), ...paths].join(' ')}`
    const rendered = core.renderReport(report, format, {inputs, nextWhenClear})
    if (flags.output !== undefined) {
      // Whole or not at all (Ctrl-C mid-write leaves no half report).
      await core.writeOutputFile(flags.output, rendered, this.interruptSignal ? {signal: this.interruptSignal} : {})
      process.stderr.write(`wrote ${format} report to ${flags.output}\n`)
    } else if (!json) {
      process.stdout.write(rendered)
    }
    // A host never checked is a fleet failure whatever --fail-on says (exit 4, or 1 when all failed).
    const unreachable = fleetExitCode(inventories.filter((i) => i.unreachable !== undefined).length, inventories.length)
    if (unreachable !== undefined) process.exitCode = unreachable
    else if (core.failsAt(report, flags['fail-on'])) process.exitCode = EXIT.failed
    return report
  }

  private async collectFiles(core: Core, flags: {recursive: boolean; root?: string}, paths: string[]): Promise<HostInventory[]> {
    const collected = await core.collectLocal({paths, recursive: flags.recursive, ...(flags.root !== undefined ? {root: flags.root} : {})})
    if (collected.errors.length > 0) this.usageError(collected.errors.join('\n'))
    return collected.inventories
  }

  private async collectHosts(core: Core, flags: HostSelectionFlags & {concurrency: number}, paths: string[]): Promise<HostInventory[]> {
    if (paths.length > 0) this.usageError('give either config paths or --host/--inventory, not both')
    const {targets, ssh, timeoutMs} = await core.resolveHostTargets(flags, (m) => this.usageError(m), (m) => this.warn(m))
    return core.collectFleet(targets, {concurrency: flags.concurrency, ssh, timeoutMs, ...(flags.sudo ? {sudo: true} : {})})
  }

  private async readPolicy(core: Core, file: string): Promise<Policy> {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => this.usageError(`--policy ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`))
    const r = core.parsePolicy(text, file)
    if (r.policy === undefined) this.usageError(r.errors.join('\n'))
    return r.policy
  }
}
