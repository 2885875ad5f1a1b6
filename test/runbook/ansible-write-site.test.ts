/**
 * `upgrade plan --format ansible --out DIR` writes the site into a temporary sibling and renames
 * it into place: a failure or Ctrl-C half-way leaves DIR as it was (absent, empty, or the earlier
 * site) and no temporary directory; --force over an earlier site keeps what the new one does not
 * write (backups/ an earlier playbook run fetched). Real files in a temp dir.
 */
import {spawn} from 'node:child_process'
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {writeSite} from '../../src/runbook/ansible/write-site.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-site-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

const SITE = [
  {path: 'site.yml', content: '- import_playbook: new.yml\n', mode: 0o644},
  {path: 'host_vars/dom0-a.yml', content: 'xenlift_plan_id: p2\n', mode: 0o644},
  {path: 'files/dom0-a/01-db01.xml', content: '<domain/>\n', mode: 0o600},
]
/** Fails half-way for real: `x` is written as a file, then `x/y` needs it to be a directory (ENOTDIR). */
const BROKEN = [...SITE.slice(0, 2), {path: 'x', content: '', mode: 0o644}, {path: 'x/y', content: '', mode: 0o644}, SITE[2] as (typeof SITE)[number]]

/** Every file below `root` with its content, for before/after comparisons. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of await readdir(root, {recursive: true, withFileTypes: true})) {
    if (e.isFile()) out[path.relative(root, path.join(e.parentPath, e.name))] = await readFile(path.join(e.parentPath, e.name), 'utf8')
  }
  return out
}
const leftovers = async (parent: string) => (await readdir(parent)).filter((n) => n.includes('xenlift-'))

describe('writeSite', () => {
  it('a failure half-way leaves no DIR and no temporary directory', async () => {
    const parent = path.join(dir, 'fail-new')
    await mkdir(parent)
    const out = path.join(parent, 'site')
    await expect(writeSite(out, BROKEN)).rejects.toThrow(/EEXIST|ENOTDIR/)
    expect(await readdir(parent)).toEqual([])
    // an existing empty DIR stays empty
    await mkdir(out)
    await expect(writeSite(out, BROKEN)).rejects.toThrow(/EEXIST|ENOTDIR/)
    expect(await readdir(out)).toEqual([])
    expect(await leftovers(parent)).toEqual([])
    // and the same call with good files writes it all, mode 0700, nothing left beside it
    await writeSite(out, SITE)
    expect(await tree(out)).toEqual(Object.fromEntries(SITE.map((f) => [f.path, f.content])))
    expect((await stat(out)).mode & 0o777).toBe(0o700)
    expect((await stat(path.join(out, 'files/dom0-a/01-db01.xml'))).mode & 0o777).toBe(0o600)
    expect((await stat(path.join(out, 'backups'))).isDirectory()).toBe(true)
    expect(await leftovers(parent)).toEqual([])
  })

  it('--force over an earlier site: a failure keeps the earlier site as it was; success replaces it and keeps its backups', async () => {
    const parent = path.join(dir, 'force')
    const out = path.join(parent, 'site')
    await mkdir(path.join(out, 'backups'), {recursive: true})
    await writeFile(path.join(out, 'site.yml'), '- import_playbook: old.yml\n')
    await writeFile(path.join(out, 'host_vars-old.yml'), 'old: true\n')
    await writeFile(path.join(out, 'backups/dom0-a-p1.tar.gz'), 'tarball bytes')
    const before = await tree(out)
    await expect(writeSite(out, BROKEN, {force: true})).rejects.toThrow(/EEXIST|ENOTDIR/)
    expect(await tree(out)).toEqual(before)
    expect(await leftovers(parent)).toEqual([])
    // without --force an earlier site is refused, untouched
    await expect(writeSite(out, SITE)).rejects.toThrow(/is not empty \(an earlier playbook: --force replaces it\)/)
    await writeSite(out, SITE, {force: true})
    expect(await tree(out)).toEqual({...Object.fromEntries(SITE.map((f) => [f.path, f.content])), 'host_vars-old.yml': 'old: true\n', 'backups/dom0-a-p1.tar.gz': 'tarball bytes'})
    expect(await leftovers(parent)).toEqual([])
  })

  it('Ctrl-C (the signal) stops it: nothing written, nothing left', async () => {
    const parent = path.join(dir, 'abort')
    await mkdir(parent)
    const ac = new AbortController()
    ac.abort()
    await expect(writeSite(path.join(parent, 'site'), SITE, {signal: ac.signal})).rejects.toThrow(/not written \(interrupted\)/)
    expect(await readdir(parent)).toEqual([])
  })

  describe('after a killed write (SIGKILL: no handler ran)', () => {
    /** A pid that was a real process and has exited: what a killed run's pid is the next day. */
    async function deadPid(): Promise<number> {
      const child = spawn('true')
      await new Promise((resolve) => child.on('exit', resolve))
      return child.pid!
    }
    async function plant(at: string, files: Record<string, string>): Promise<void> {
      for (const [p, c] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(at, p)), {recursive: true})
        await writeFile(path.join(at, p), c)
      }
    }

    it("removes a dead run's half-written copy (it holds passwords), keeps a live run's", async () => {
      const parent = path.join(dir, 'killed-copy')
      await mkdir(parent)
      const dead = path.join(parent, `.site.xenlift-${await deadPid()}`)
      await plant(dead, {'files/dom0-a/01-db01.xml': '<domain><graphics passwd="s3cret"/></domain>\n'})
      const live = spawn('sleep', ['30'])
      try {
        const alive = path.join(parent, `.site.xenlift-${live.pid}`)
        await plant(alive, {'site.yml': 'being written\n'})
        await writeSite(path.join(parent, 'site'), SITE)
        expect((await readdir(parent)).sort()).toEqual([path.basename(alive), 'site'])
        expect(await tree(path.join(parent, 'site'))).toEqual(Object.fromEntries(SITE.map((f) => [f.path, f.content])))
      } finally {
        live.kill()
      }
    })

    it('killed between its two renames: the earlier site (and its backups) is put back first', async () => {
      const parent = path.join(dir, 'killed-swap')
      await mkdir(parent)
      const pid = await deadPid()
      const earlier = {'site.yml': '- import_playbook: old.yml\n', 'backups/dom0-a/xend.tar': 'backup bytes'}
      // The earlier site moved aside, the new copy complete but not yet renamed: no site at all.
      await plant(path.join(parent, `.site.xenlift-${pid}-old`), earlier)
      await plant(path.join(parent, `.site.xenlift-${pid}`), Object.fromEntries(SITE.map((f) => [f.path, f.content])))
      const out = path.join(parent, 'site')
      // Without --force the earlier site is refused, as if the killed run had never started.
      await expect(writeSite(out, SITE)).rejects.toThrow(/an earlier playbook: --force replaces it/)
      expect(await tree(out)).toEqual(earlier)
      expect(await readdir(parent)).toEqual(['site'])
      await writeSite(out, SITE, {force: true})
      expect(await tree(out)).toEqual({...Object.fromEntries(SITE.map((f) => [f.path, f.content])), 'backups/dom0-a/xend.tar': 'backup bytes'})
    })

    it('killed after the swap: the earlier site left aside is removed, the site kept', async () => {
      const parent = path.join(dir, 'killed-after')
      await mkdir(parent)
      const out = path.join(parent, 'site')
      await writeSite(out, SITE)
      await plant(path.join(parent, `.site.xenlift-${await deadPid()}-old`), {'site.yml': 'earlier\n'})
      await writeSite(out, SITE, {force: true})
      expect(await readdir(parent)).toEqual(['site'])
      expect(await tree(out)).toEqual(Object.fromEntries(SITE.map((f) => [f.path, f.content])))
    })
  })
})
