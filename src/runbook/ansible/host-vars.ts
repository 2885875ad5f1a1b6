import {onHost} from '../host-paths.js'
import type {HostPlan, PlanAction, PlanDomain} from '../plan-document.js'

/** The one libvirt connection URI the runbook talks to (libvirt's libxl driver). */
export const LIBVIRT_URI = 'xen:///system'

/**
 * What the playbook needs of one domain besides the plan: the XML with its password (written to a
 * mode-0600 file beside the playbook) and the sha256 of the config it came from (the playbook's
 * staleness check, since Ansible cannot recompute xenlift's fingerprint).
 */
export interface DomainSecretXml {
  readonly xml: string
  /** sha256 of the source config's bytes as read at generation; absent for `xm list -l` sources. */
  readonly sourceSha256?: string
}

/** A file of the generated site, relative to its directory. */
export interface SiteFile {
  readonly path: string
  readonly content: string
  readonly mode: number
}

/** `NN-name.xml`: a file name no domain name can break (`/`, `..`, spaces, Jinja braces). */
export function xmlFileName(index: number, name: string): string {
  return `${String(index + 1).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}.xml`
}

function execActions(host: HostPlan, step: string): Extract<PlanAction, {kind: 'exec'}>[] {
  return (host.steps.find((s) => s.id === step)?.actions ?? []).filter((a): a is Extract<PlanAction, {kind: 'exec'}> => a.kind === 'exec')
}

function needFreeKiB(host: HostPlan): number {
  const df = execActions(host, 'preflight').find((a) => a.argv[0] === 'df')
  const m = /at least (\d+) KiB/.exec(df?.note ?? '')
  return m ? Number(m[1]) : 0
}

/**
 * Per-host variables of the playbook (`host_vars/<host>.yml`): everything that differs between
 * hosts, taken from the plan, with every host path already below the host's root (as in the
 * plan's commands). The tasks read only these, so the playbook runs exactly the plan's commands.
 */
export function hostVars(host: HostPlan, planId: string, files: ReadonlyMap<string, string>, secrets: ReadonlyMap<string, DomainSecretXml>): Record<string, unknown> {
  const root = host.connection.root
  const state = onHost(root, '/var/lib/xenlift')
  const backup = execActions(host, 'backup')
  const tar = backup.find((a) => a.argv[0] === 'tar')
  const packageQuery = backup.find((a) => a.note?.includes('packages.txt'))
  const switchExecs = execActions(host, 'switch')
  const restart = execActions(host, 'restart').find((a) => a.argv[0] === 'systemctl')
  const defined = host.domains.filter((d) => d.skip === undefined && d.xml !== undefined)
  const byOrder = (key: 'shutdownOrder' | 'startOrder') => host.domains.filter((d) => d[key] !== undefined).sort((a, b) => (a[key] ?? 0) - (b[key] ?? 0)).map((d) => d.name)
  const setting = host.strategy?.toolstackSetting
  return {
    xenlift_plan_id: planId,
    xenlift_state_dir: state,
    xenlift_lock: `${state}/lock`,
    xenlift_staging: `${state}/backup-${planId}`,
    xenlift_tarball: `${state}/backup-${planId}.tar.gz`,
    xenlift_backup_local: `backups/${host.host.replace(/[^A-Za-z0-9_.-]/g, '_')}-${planId}.tar.gz`,
    xenlift_need_free_kib: needFreeKiB(host),
    xenlift_tar_argv: tar?.argv ?? [],
    xenlift_package_query: packageQuery?.argv ?? [],
    xenlift_domains: defined.map((d) => domainVars(d, root, files, secrets)),
    xenlift_shutdown_order: byOrder('shutdownOrder'),
    xenlift_start_order: byOrder('startOrder').filter((n) => defined.some((d) => d.name === n)),
    xenlift_libvirt_known: (host.fingerprint?.inputs.libvirtDomains ?? []).map((l) => l.split(' ')[0] ?? '').filter(Boolean),
    xenlift_switch: switchExecs.filter((a) => a.argv[0] !== 'systemctl' || a.argv[1] !== 'enable').map((a) => ({argv: a.argv, missing_ok: a.argv[0] === 'systemctl' && (a.argv[1] === 'stop' || a.argv[1] === 'disable')})),
    xenlift_enable: switchExecs.filter((a) => a.argv[0] === 'systemctl' && a.argv[1] === 'enable').map((a) => a.argv),
    xenlift_toolstack: setting ? {path: onHost(root, setting.path), key: setting.line.split('=')[0] ?? '', line: setting.line} : null,
    xenlift_restart_argv: restart?.argv ?? [],
  }
}

function domainVars(d: PlanDomain, root: string | undefined, files: ReadonlyMap<string, string>, secrets: ReadonlyMap<string, DomainSecretXml>): Record<string, unknown> {
  const fromConfig = !d.source.startsWith('xm list -l')
  return {
    name: d.name,
    uuid: d.uuid ?? '',
    xml_file: files.get(d.name) ?? '',
    autostart: d.autostart,
    source: fromConfig ? onHost(root, d.source) : '',
    source_sha256: (fromConfig ? secrets.get(d.name)?.sourceSha256 : undefined) ?? '',
    macs: d.record.nics.map((n) => n.split('@')[0] ?? '').filter(Boolean),
    memory_kib: d.record.memoryKiB,
    vcpus: d.record.vcpus,
  }
}
