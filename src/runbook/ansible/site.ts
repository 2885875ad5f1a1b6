import {Document, Scalar} from 'yaml'
import {STEP_IDS, type HostPlan, type PlanDocument} from '../plan-document.js'
import {type DomainSecretXml, hostVars, LIBVIRT_URI, type SiteFile, xmlFileName} from './host-vars.js'
import {TASK_FILES} from './tasks.js'

export type {DomainSecretXml, SiteFile} from './host-vars.js'

/** Fleet settings of `upgrade plan --format ansible` (the same names as `upgrade apply`'s flags). */
export interface AnsibleSiteOptions {
  /** Hosts per batch (`serial`): a count or `N%`. */
  readonly batch?: string
  /** The first N hosts alone, before the batches (`serial: [N, batch]`). */
  readonly canary?: number
  /** Ansible's `max_fail_percentage`: a batch stops the play when MORE than this percentage failed. */
  readonly maxFailPercent?: number
}

/**
 * The Ansible site for a plan (pure): `site.yml`, one task file per step, `inventory.ini` of the
 * ready hosts, `host_vars/<host>.yml` with everything that differs per host, and
 * `files/<host>/NN-<domain>.xml`: the XML to define with its password (mode 0600, like the backup).
 * Blocked and unreachable hosts are not in the inventory; the inventory says why in a comment.
 * `secrets` maps host → domain → the XML with its password (collect-secrets.ts).
 */
export function ansibleSite(doc: PlanDocument, secrets: ReadonlyMap<string, ReadonlyMap<string, DomainSecretXml>>, opts: AnsibleSiteOptions = {}): SiteFile[] {
  const ready = doc.hosts.filter((h) => h.status === 'ready')
  const out: SiteFile[] = [
    {path: 'site.yml', content: yamlText(playbook(doc, opts)), mode: 0o644},
    {path: 'inventory.ini', content: inventory(doc), mode: 0o644},
    {path: 'README.md', content: readme(doc), mode: 0o644},
  ]
  for (const [path, tasks] of Object.entries(TASK_FILES)) out.push({path, content: yamlText(tasks), mode: 0o644})
  for (const h of ready) {
    const hostSecrets = secrets.get(h.host) ?? new Map<string, DomainSecretXml>()
    const names = new Map(h.domains.filter((d) => d.skip === undefined && d.xml !== undefined).map((d, i) => [d.name, xmlFileName(i, d.name)] as const))
    for (const [name, file] of names) {
      const xml = hostSecrets.get(name)?.xml
      if (xml === undefined) throw new Error(`${h.host}: no XML for domain ${name}; plan again`)
      out.push({path: `files/${safeHost(h.host)}/${file}`, content: xml, mode: 0o600})
    }
    out.push({path: `host_vars/${safeHost(h.host)}.yml`, content: yamlText(unsafe(hostVars(h, doc.planId, names, hostSecrets))), mode: 0o644})
  }
  return out
}

/** Inventory names become file names (host_vars/, files/): refuse what could escape the site. */
function safeHost(name: string): string {
  if (!/^[A-Za-z0-9_.:@-]+$/.test(name) || name.startsWith('.')) throw new Error(`host name ${JSON.stringify(name)} cannot name an Ansible host_vars file`)
  return name
}

function serial(opts: AnsibleSiteOptions): unknown {
  const batch = opts.batch === undefined ? undefined : /%$/.test(opts.batch) ? opts.batch : Number(opts.batch)
  if (opts.canary !== undefined) return batch === undefined ? [opts.canary, '100%'] : [opts.canary, batch]
  return batch
}

function playbook(doc: PlanDocument, opts: AnsibleSiteOptions): unknown[] {
  const s = serial(opts)
  return [
    {
      name: `Upgrade xend hosts to libvirt's libxl driver (xenlift plan ${doc.planId})`,
      hosts: 'xenlift_ready',
      gather_facts: false,
      ...(s !== undefined ? {serial: s} : {}),
      ...(opts.maxFailPercent !== undefined ? {max_fail_percentage: opts.maxFailPercent} : {}),
      vars: {
        xenlift_start: false,
        xenlift_on_timeout: 'fail',
        xenlift_shutdown_timeout: 300,
        xenlift_restart_timeout: 120,
        xenlift_libvirt_uri: LIBVIRT_URI,
      },
      tasks: STEP_IDS.map((id) => ({name: `Step ${id}`, 'ansible.builtin.import_tasks': `tasks/${id}.yml`, tags: [id]})),
    },
  ]
}

function comment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}

function inventory(doc: PlanDocument): string {
  const lines = [`# xenlift upgrade plan ${doc.planId}: the hosts that are ready (blocked and unreachable ones are listed below, not run)`, '[xenlift_ready]']
  for (const h of doc.hosts.filter((x) => x.status === 'ready')) lines.push(`${safeHost(h.host)}${connectionVars(h)}`)
  for (const h of doc.hosts.filter((x) => x.status !== 'ready')) {
    const why = h.status === 'unreachable' ? (h.error ?? 'unreachable') : h.blockers.filter((b) => !b.waived).map((b) => `${b.rule}${b.domain ? ` (${b.domain})` : ''}`).concat(h.questions.filter((q) => q.answer === undefined).map((q) => `question ${q.id}`)).join(', ')
    lines.push(`# ${h.status}: ${comment(h.host)}: ${comment(why)}`)
  }
  return `${lines.join('\n')}\n`
}

function connectionVars(h: HostPlan): string {
  const c = h.connection
  if (c.kind === 'local') return ' ansible_connection=local'
  return [` ansible_host=${c.hostname}`, c.port !== undefined ? ` ansible_port=${c.port}` : '', c.user !== undefined ? ` ansible_user=${c.user}` : ''].join('')
}

function readme(doc: PlanDocument): string {
  return `# xenlift upgrade plan ${doc.planId} as an Ansible playbook

Generated by \`xenlift upgrade plan --format ansible\` (xenlift ${doc.xenliftVersion}) from the same plan
\`upgrade apply\` executes: the same steps and commands, one tag per step. \`files/\` holds each domain's
XML WITH its VNC/SPICE password (mode 0600): keep this directory as private as the backups.

    ansible-playbook -i inventory.ini site.yml --check        # changes nothing
    ansible-playbook -i inventory.ini site.yml                # the upgrade
    ansible-playbook -i inventory.ini site.yml -e xenlift_start=true   # and start what ran before
    ansible-playbook -i inventory.ini site.yml --tags preflight,backup

Variables: xenlift_start (false), xenlift_on_timeout (fail | destroy), xenlift_shutdown_timeout (300 s),
xenlift_restart_timeout (120 s). Backups land in backups/. A failed host stops where it failed; the
preflight refuses a host whose configs changed since planning ("plan is stale, plan again").
`
}

/** Mark every string of host data `!unsafe`: a domain name or path with \`{{\` is never templated by Ansible. */
function unsafe(value: unknown): unknown {
  if (typeof value === 'string') {
    const s = new Scalar(value)
    s.tag = '!unsafe'
    return s
  }
  if (Array.isArray(value)) return value.map(unsafe)
  if (value !== null && typeof value === 'object' && !(value instanceof Scalar)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsafe(v)]))
  return value
}

function yamlText(value: unknown): string {
  return `---\n${new Document(value).toString({lineWidth: 140, minContentWidth: 40})}`
}
