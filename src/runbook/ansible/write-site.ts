import {chmod, mkdir, readdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import type {HostTarget} from '../../host/open-host.js'
import type {PlanDocument} from '../plan-document.js'
import {type CollectSecretsOptions, collectSecretXml} from './collect-secrets.js'
import type {SiteFile} from './host-vars.js'
import {type AnsibleSiteOptions, ansibleSite} from './site.js'

/**
 * Write the Ansible site into `dir` (created mode 0700: `files/` holds passwords). An existing
 * directory must be empty, or hold an earlier site (`site.yml`) and `force` be given: a playbook
 * is never mixed into unrelated files. Each file is written with its own mode.
 */
export async function writeSite(dir: string, files: readonly SiteFile[], opts: {force?: boolean} = {}): Promise<void> {
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (existing !== undefined && existing.length > 0 && !(opts.force && existing.includes('site.yml'))) {
    throw new Error(`${dir} is not empty${existing.includes('site.yml') ? ' (an earlier playbook: --force replaces it)' : ''}; give a new directory to --out`)
  }
  await mkdir(dir, {recursive: true, mode: 0o700})
  await chmod(dir, 0o700)
  for (const f of files) {
    const target = path.resolve(dir, f.path)
    if (!target.startsWith(`${path.resolve(dir)}${path.sep}`)) throw new Error(`refusing to write outside ${dir}: ${f.path}`)
    await mkdir(path.dirname(target), {recursive: true, mode: f.mode & 0o077 ? 0o755 : 0o700})
    await writeFile(target, f.content, {mode: f.mode})
    await chmod(target, f.mode)
  }
  await mkdir(path.join(dir, 'backups'), {recursive: true, mode: 0o700})
}

/**
 * `upgrade plan --format ansible`: the plan's ready hosts as an Ansible site in `dir`, with each
 * domain's XML (password included) re-derived from the host and checked against the plan.
 * Returns the files written (relative paths).
 */
export async function exportAnsibleSite(doc: PlanDocument, targets: readonly HostTarget[], dir: string, opts: AnsibleSiteOptions & CollectSecretsOptions & {force?: boolean}): Promise<string[]> {
  const secrets = await collectSecretXml(doc, targets, opts)
  const files = ansibleSite(doc, secrets, opts)
  await writeSite(dir, files, opts)
  return files.map((f) => f.path)
}
