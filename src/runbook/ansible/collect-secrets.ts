import {createHash} from 'node:crypto'
import pLimit from 'p-limit'
import {type HostTarget, openHost} from '../../host/open-host.js'
import type {SshTransportOptions} from '../../transport/ssh/ssh-transport.js'
import {rederiveChecked} from '../derive-xml.js'
import type {HostPlan, PlanDocument} from '../plan-document.js'
import type {DomainSecretXml} from './host-vars.js'

export interface CollectSecretsOptions {
  readonly ssh?: SshTransportOptions
  readonly concurrency?: number
  readonly timeoutMs?: number
  readonly sudo?: boolean
}

/**
 * For the playbook: each ready host's domains as XML WITH their passwords, re-derived from the
 * configs on the host exactly as `upgrade apply`'s backup step does, and checked against the
 * plan (masked, it must equal the plan's XML: a config changed since planning is refused with
 * "plan is stale"), plus the sha256 of each config, which the playbook's preflight compares.
 * A host that fails is reported by name; the plan document itself never holds these XMLs.
 */
export async function collectSecretXml(doc: PlanDocument, targets: readonly HostTarget[], opts: CollectSecretsOptions = {}): Promise<Map<string, Map<string, DomainSecretXml>>> {
  const byName = new Map(targets.map((t) => [t.name, t]))
  const limit = pLimit(Math.max(1, opts.concurrency ?? 10))
  const out = new Map<string, Map<string, DomainSecretXml>>()
  await Promise.all(
    doc.hosts
      .filter((h) => h.status === 'ready')
      .map((h) =>
        limit(async () => {
          const t = byName.get(h.host)
          if (t === undefined) throw new Error(`${h.host}: not among the selected hosts`)
          out.set(h.host, await hostSecrets(h, t, opts))
        }),
      ),
  )
  return out
}

async function hostSecrets(h: HostPlan, t: HostTarget, opts: CollectSecretsOptions): Promise<Map<string, DomainSecretXml>> {
  const opened = await openHost(t, opts.ssh ?? {})
  const result = new Map<string, DomainSecretXml>()
  try {
    for (const d of h.domains) {
      if (d.skip !== undefined || d.xml === undefined) continue
      let text: string
      let sourceSha256: string | undefined
      if (d.source.startsWith('xm list -l')) {
        const r = await opened.transport.exec(['xm', 'list', '-l', d.name], {env: {LC_ALL: 'C'}, ...(opts.timeoutMs ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})})
        if (r.exitCode !== 0) throw new Error(`${h.host}: ${d.name}: \`xm list -l\` failed: ${r.stderr.trim()}`)
        text = r.stdout
      } else {
        const bytes = await opened.files.readFile(d.source)
        sourceSha256 = createHash('sha256').update(bytes).digest('hex')
        text = bytes.toString('utf8')
      }
      const r = rederiveChecked(text, d, h.targetLibvirtVersion ?? '', h.questions)
      if ('error' in r) throw new Error(`${h.host}: ${r.error}`)
      result.set(d.name, {xml: r.xml, ...(sourceSha256 !== undefined ? {sourceSha256} : {})})
    }
  } finally {
    await opened.transport.close().catch(() => undefined)
  }
  return result
}
