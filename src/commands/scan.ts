import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {fleetExitCode} from '../cli/exit-codes.js'
import {hostSelectionFlags} from '../cli/host-flags.js'
import type {HostScan, ScanTarget} from '../host/scan.js'

export interface ScanResult {
  readonly schemaVersion: 1
  readonly hosts: HostScan[]
  readonly summary: {readonly hosts: number; readonly failedHosts: number; readonly domains: number}
}

export default class Scan extends BaseCommand {
  static override summary = 'Inventory Xen hosts: facts (OS, Xen, toolstack, libvirt) and every domain config with its findings'
  static override description = `Connects to each host (SSH, or this machine), collects facts (OS from /etc/os-release,
Xen version from xl/xm info, whether xend runs, libvirt version and whether its libxl driver
answers), finds every domain config (xend's /var/lib/xend/domains, /etc/xen, /etc/xen/auto) and
lists each domain with its state (from xm list) and the number of findings.

With --root, reads a mounted old dom0 tree on this machine instead (nothing is run).
Hosts are scanned --concurrency at a time; an unreachable host is reported and the others go on.

Exit codes: 0 all hosts scanned; 4 some hosts failed; 1 every host failed; 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --root /mnt/old-dom0',
    '<%= config.bin %> <%= command.id %> --host root@dom0-a --host dom0-b:2222',
    '<%= config.bin %> <%= command.id %> --inventory fleet.ini --limit sles11 --concurrency 20 --json',
  ]
  static override enableJsonFlag = true
  static override flags = {
    ...hostSelectionFlags,
    root: Flags.string({summary: 'read the dom0 tree below this directory (a mounted old root) instead of /'}),
    concurrency: Flags.integer({summary: 'hosts scanned at once', default: 10, min: 1}),
    timeout: Flags.integer({summary: 'seconds allowed per remote command and per connection', default: 60, min: 1}),
  }

  async run(): Promise<ScanResult> {
    const {flags} = await this.parse(Scan)
    const json = this.jsonEnabled()
    const {createHostProgress, openHost, pickProgressMode, renderScan, resolveHostTargets, scanFleet} = await import('../cli/cores/scan.js')
    const {targets: selectedTargets, ssh, timeoutMs} = await resolveHostTargets(flags, (m) => this.usageError(m), (m) => this.warn(m))
    const targets: ScanTarget[] = selectedTargets.map((t) => {
      let offline = false
      return {
        name: t.name,
        get offline() {
          return offline
        },
        open: async () => {
          const h = await openHost(t, ssh)
          offline = h.offline
          // files is the transport itself, or a RootedTransport whose exec runs on the host.
          return h.files
        },
      }
    })
    const progress = createHostProgress(
      targets.map((t) => t.name),
      pickProgressMode({json, isTTY: process.stderr.isTTY, ...(process.env.TERM !== undefined ? {term: process.env.TERM} : {})}),
    )
    const hosts = await scanFleet(targets, {concurrency: flags.concurrency, timeoutMs, progress, ...(flags.sudo ? {sudo: true} : {})})
    await progress.finish()
    const failed = hosts.filter((h) => !h.ok).length
    const result: ScanResult = {
      schemaVersion: 1,
      hosts,
      summary: {hosts: hosts.length, failedHosts: failed, domains: hosts.reduce((n, h) => n + h.domains.length, 0)},
    }
    if (!json) process.stdout.write(renderScan(hosts))
    if (failed > 0 && failed < hosts.length && flags.inventory !== undefined) {
      this.warn(`${failed} host(s) failed; to retry only them: --limit ${hosts.filter((h) => !h.ok).map((h) => h.host).join(',')}`)
    }
    const code = fleetExitCode(failed, hosts.length)
    if (code !== undefined) process.exitCode = code
    return result
  }
}

