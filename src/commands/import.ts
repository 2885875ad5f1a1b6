import {readFile} from 'node:fs/promises'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {EXIT, fleetExitCode} from '../cli/exit-codes.js'
import {hostSelectionFlags} from '../cli/host-flags.js'
import type {HostImport} from '../host/import-fleet.js'
import type {ImportSource} from '../host/import-sources.js'

export interface ImportResult {
  readonly schemaVersion: 1
  readonly dryRun: boolean
  readonly hosts: HostImport[]
  readonly summary: {readonly changed: number; readonly ok: number; readonly skipped: number; readonly failed: number; readonly failedHosts: number}
}

export default class Import extends BaseCommand {
  static override summary = "Convert domain configs and define them in a host's libvirt (libxl driver), idempotently"
  static override description = `Without PATH, finds every domain config on each host (xend's /var/lib/xend/domains, /etc/xen);
with PATH, converts those local files (-r for directories). Each domain is converted for the
host's libvirt version and defined with \`virsh define\`, the XML on its stdin (never on a command line or in a file):
  ok        already defined with the same XML (nothing done)
  changed   defined, or redefined with --update (or would be, with --dry-run)
  skipped   blocker findings (unless --force), a different definition without --update, a duplicate
  failed    name held by another uuid, uuid held by another name, conversion or virsh error
--dry-run changes nothing and shows a unified diff against \`virsh dumpxml --inactive --security-info\`
(passwords masked; what libvirt adds on define, such as <pae/>, is no difference).

Exit codes: 0 nothing failed or blocked; 1 some domains failed; 3 some domains stopped by blockers;
4 some hosts failed; 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --host root@dom0-a --start',
    '<%= config.bin %> <%= command.id %> --inventory fleet.ini --limit debian12 --update --json',
    '<%= config.bin %> <%= command.id %> --recursive /srv/exported-configs --host dom0-b',
  ]
  static override enableJsonFlag = true
  static override strict = false
  static override args = {
    path: Args.string({description: 'local config file or (with -r) directory to import instead of discovering on the host', required: false}),
  }
  static override flags = {
    ...hostSelectionFlags,
    recursive: Flags.boolean({char: 'r', summary: 'walk PATH directories'}),
    'dry-run': Flags.boolean({summary: 'change nothing: show per domain what would be defined, with a diff'}),
    start: Flags.boolean({summary: 'virsh start each domain after defining it (running ones are left alone)'}),
    autostart: Flags.boolean({summary: 'virsh autostart the domains xend started at boot (on_xend_start, /etc/xen/auto)'}),
    update: Flags.boolean({summary: 'redefine domains whose definition differs (same name and uuid)'}),
    force: Flags.boolean({summary: 'define domains despite blocker findings'}),
    'libvirt-version': Flags.string({summary: "libvirt version to write XML for (default: the host's virsh --version)"}),
    concurrency: Flags.integer({summary: 'hosts worked on at once', default: 10, min: 1}),
    timeout: Flags.integer({summary: 'seconds allowed per remote command and per connection', default: 120, min: 1}),
  }

  async run(): Promise<ImportResult> {
    const {argv, flags} = await this.parse(Import)
    const json = this.jsonEnabled()
    const paths = argv as string[]
    const {collectInputs, createHostProgress, importFleet, openHost, parseVersion, pickProgressMode, renderImport, resolveHostTargets} = await import('../cli/cores/import.js')
    if (flags['libvirt-version'] !== undefined && !parseVersion(flags['libvirt-version'])) this.usageError(`--libvirt-version ${flags['libvirt-version']}: not a version (e.g. 9.0.0)`)
    const {targets, ssh, timeoutMs} = await resolveHostTargets(flags, (m) => this.usageError(m), (m) => this.warn(m))
    let sources: ImportSource[] | undefined
    if (paths.length > 0) {
      const collected = await collectInputs(paths, flags.recursive)
      if (collected.errors.length) this.error(collected.errors.map((e) => `${e.path}: ${e.message}`).join('\n'), {exit: EXIT.failed})
      sources = await Promise.all(collected.files.map(async (f) => ({path: f.path, text: await readFile(f.path, 'utf8')})))
    }
    const progress = createHostProgress(
      targets.map((t) => t.name),
      pickProgressMode({json, isTTY: process.stderr.isTTY, ...(process.env.TERM !== undefined ? {term: process.env.TERM} : {})}),
    )
    const hosts = await importFleet(
      targets.map((t) => ({name: t.name, open: () => openHost(t, ssh)})),
      {
        ...(sources ? {sources} : {}),
        ...(flags['libvirt-version'] !== undefined ? {libvirtVersion: flags['libvirt-version']} : {}),
        dryRun: flags['dry-run'],
        update: flags.update,
        force: flags.force,
        start: flags.start,
        autostart: flags.autostart,
        sudo: flags.sudo,
        timeoutMs,
        concurrency: flags.concurrency,
        progress,
      },
    )
    await progress.finish()
    const all = hosts.flatMap((h) => h.domains)
    const n = (s: string) => all.filter((d) => d.status === s).length
    const failedHosts = hosts.filter((h) => !h.ok).length
    const result: ImportResult = {
      schemaVersion: 1,
      dryRun: flags['dry-run'],
      hosts,
      summary: {changed: n('changed'), ok: n('ok'), skipped: n('skipped'), failed: n('failed'), failedHosts},
    }
    if (!json) process.stdout.write(renderImport(hosts, {showDiff: flags['dry-run']}))
    const fleet = fleetExitCode(failedHosts, hosts.length)
    if (fleet !== undefined) process.exitCode = fleet
    else if (n('failed') > 0 || hosts.some((h) => h.fileErrors.length > 0)) process.exitCode = EXIT.failed
    else if (all.some((d) => d.action === 'blocked')) process.exitCode = EXIT.blockers
    return result
  }
}
