import {rmSync} from 'node:fs'
import {chmod, cp, link, lstat, mkdir, readdir, rename, rm, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import type {HostTarget} from '../../host/open-host.js'
import {localProcessAlive} from '../../transport/local-pid.js'
import type {PlanDocument} from '../plan-document.js'
import {type CollectSecretsOptions, collectSecretXml} from './collect-secrets.js'
import type {SiteFile} from './host-vars.js'
import {type AnsibleSiteOptions, ansibleSite} from './site.js'

/**
 * Write the Ansible site into `dir` (created mode 0700: `files/` holds passwords). An existing
 * directory must be empty, or hold an earlier site (`site.yml`) and `force` be given: a playbook
 * is never mixed into unrelated files. Each file is written with its own mode.
 *
 * Atomic for the reader of `dir`: everything is written into a temporary sibling directory
 * (`.<name>.xenlift-<pid>`) that is renamed into place at the end, so a failure or Ctrl-C
 * (`signal`) half-way leaves `dir` as it was (absent, empty, or the earlier site) and the
 * temporary directory removed. With `force`, what the earlier site holds that the new one does
 * not write (`backups/` fetched by an earlier playbook run) is kept, as writing over it kept it:
 * hard-linked (or copied) into the new site before the swap, the old directory removed after.
 * What a killed earlier write left beside `dir` is cleaned up first (recoverKilledWrites).
 */
export async function writeSite(dir: string, files: readonly SiteFile[], opts: {force?: boolean; signal?: AbortSignal} = {}): Promise<void> {
  await recoverKilledWrites(path.resolve(dir))
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (existing !== undefined && existing.length > 0 && !(opts.force && existing.includes('site.yml'))) {
    throw new Error(`${dir} is not empty${existing.includes('site.yml') ? ' (an earlier playbook: --force replaces it)' : ''}; give a new directory to --out`)
  }
  const final = path.resolve(dir)
  const tmp = path.join(path.dirname(final), `.${path.basename(final)}.xenlift-${process.pid}`)
  const old = `${tmp}-old`
  // Ctrl-C ends the process right after the abort: drop the half-written copy synchronously.
  const drop = (): void => rmSync(tmp, {recursive: true, force: true})
  opts.signal?.addEventListener('abort', drop, {once: true})
  const stop = () => {
    if (opts.signal?.aborted) throw new Error(`${dir}: not written (interrupted)`)
  }
  try {
    await rm(tmp, {recursive: true, force: true})
    await mkdir(path.dirname(final), {recursive: true})
    await mkdir(tmp, {mode: 0o700})
    await chmod(tmp, 0o700)
    for (const f of files) {
      stop()
      const target = path.resolve(tmp, f.path)
      if (!target.startsWith(`${tmp}${path.sep}`)) throw new Error(`refusing to write outside ${dir}: ${f.path}`)
      await mkdir(path.dirname(target), {recursive: true, mode: f.mode & 0o077 ? 0o755 : 0o700})
      await writeFile(target, f.content, {mode: f.mode})
      await chmod(target, f.mode)
    }
    await mkdir(path.join(tmp, 'backups'), {recursive: true, mode: 0o700})
    const replacing = existing !== undefined && existing.length > 0
    if (replacing) await keepUnwritten(final, tmp)
    stop()
    if (replacing) {
      await rm(old, {recursive: true, force: true})
      await rename(final, old)
      try {
        await rename(tmp, final)
      } catch (error) {
        await rename(old, final)
        throw error
      }
      await rm(old, {recursive: true, force: true})
    } else {
      // rename(2) replaces an empty directory, and creates an absent one
      await rename(tmp, final)
    }
  } catch (error) {
    drop()
    throw error
  } finally {
    opts.signal?.removeEventListener('abort', drop)
  }
}

/**
 * What an earlier write of the same site left when its process was killed (SIGKILL, power loss):
 * `.<name>.xenlift-<pid>` (a copy being written, passwords included) and `…-old` (the earlier
 * site during the swap). Only a dead process's are touched; a live one may still be writing.
 * An `-old` whose site is absent was killed between the two renames: it is the earlier site and
 * is put back, as if that run had failed; otherwise the swap was done and it is removed.
 */
async function recoverKilledWrites(final: string): Promise<void> {
  const parent = path.dirname(final)
  const prefix = `.${path.basename(final)}.xenlift-`
  const names = await readdir(parent).catch(() => [] as string[])
  // -old first: putting the earlier site back comes before anything else is decided.
  const stale = names
    .map((n) => ({n, m: n.startsWith(prefix) ? /^(\d+)(-old)?$/.exec(n.slice(prefix.length)) : null}))
    .filter((e): e is {n: string; m: RegExpExecArray} => e.m !== null && !localProcessAlive(Number(e.m[1])))
    .sort((a, b) => Number(b.m[2] !== undefined) - Number(a.m[2] !== undefined))
  for (const {n, m} of stale) {
    const p = path.join(parent, n)
    if (m[2] !== undefined && (await lstat(final).catch(() => undefined)) === undefined) await rename(p, final)
    else await rm(p, {recursive: true, force: true})
  }
}

/** Bring into `to` every file of `from` that `to` has no entry for (hard links; copies across filesystems). */
async function keepUnwritten(from: string, to: string): Promise<void> {
  for (const e of await readdir(from, {withFileTypes: true})) {
    const src = path.join(from, e.name)
    const dst = path.join(to, e.name)
    const there = await lstat(dst).catch(() => undefined)
    if (e.isDirectory()) {
      if (there === undefined) {
        await mkdir(dst, {mode: (await lstat(src)).mode & 0o777})
      } else if (!there.isDirectory()) continue
      await keepUnwritten(src, dst)
    } else if (there === undefined) {
      await link(src, dst).catch(() => cp(src, dst, {preserveTimestamps: true, verbatimSymlinks: true}))
    }
  }
}

/**
 * `upgrade plan --format ansible`: the plan's ready hosts as an Ansible site in `dir`, with each
 * domain's XML (password included) re-derived from the host and checked against the plan.
 * Returns the files written (relative paths).
 */
export async function exportAnsibleSite(doc: PlanDocument, targets: readonly HostTarget[], dir: string, opts: AnsibleSiteOptions & CollectSecretsOptions & {force?: boolean; signal?: AbortSignal}): Promise<string[]> {
  const secrets = await collectSecretXml(doc, targets, opts)
  const files = ansibleSite(doc, secrets, opts)
  await writeSite(dir, files, opts)
  return files.map((f) => f.path)
}
