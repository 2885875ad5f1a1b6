import {execFileSync} from 'node:child_process'
import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RootedTransport} from '../../src/host/rooted-transport.js'
import {LocalTransport} from '../../src/transport/local.js'
import type {SnapshotRequest} from '../../src/transport/snapshot.js'
import {parseSnapshot} from '../../src/transport/snapshot-parse.js'
import {runSnapshotScript} from '../../src/transport/snapshot-script.js'
import {SnapshotView} from '../../src/transport/snapshot-view.js'
import {writeLoggingTools} from '../helpers/logging-tools.js'
import type {Transport} from '../../src/transport/transport.js'

/** Names that break line-, space- or quote-based framing, and ones that mimic our own records. */
const HOSTILE = ['with space', 'new\nline', "quo'te", 'dq"uote', 'back\\slash', '*', '-dash', '.hidden', '..dots', 'F', 'Z\n', '.\n', 'tab\there', 'ünïcode', '$(touch pwned)']

let root: string
const local = new LocalTransport()
const req = (trees: SnapshotRequest['trees'], extra: Partial<SnapshotRequest> = {}): SnapshotRequest => ({trees, probes: [], maxFileBytes: 4096, ...extra})

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xenlift-snapshot-'))
  const d = path.join(root, 'etc/xen')
  await mkdir(path.join(d, 'sub/deeper'), {recursive: true})
  for (const [i, n] of HOSTILE.entries()) await writeFile(path.join(d, n), `name = "h${i}"\n# ${n}\n`)
  await writeFile(path.join(d, 'binary'), Buffer.from([0, 1, 2, 255, 10, 0x2e, 10, 0x5a, 10]))
  await writeFile(path.join(d, 'empty'), '')
  await writeFile(path.join(d, 'huge'), Buffer.alloc(5000, 0x61))
  await writeFile(path.join(d, 'sub/deeper/x.cfg'), 'name = "deep"\n')
  await writeFile(path.join(d, 'no trailing newline'), 'a\n\n\n')
  await symlink('with space', path.join(d, 'link to space'))
  await symlink('gone', path.join(d, 'dangling'))
  await symlink('loop', path.join(d, 'loop'))
  await symlink('sub', path.join(d, 'dirlink'))
  await symlink('huge', path.join(d, 'link-to-huge'))
  execFileSync('mkfifo', [path.join(d, 'fifo')])
  await mkdir(path.join(root, 'srv'), {recursive: true})
  await writeFile(path.join(root, 'srv/outside.cfg'), 'name = "outside"\n')
  await symlink('../../srv/outside.cfg', path.join(d, 'to-outside'))
})
afterAll(async () => {
  await rm(root, {recursive: true, force: true})
})

/** Every question discovery asks, answered by the host itself and by the snapshot view. */
async function answers(t: Transport, dir: string, depth: number): Promise<unknown[]> {
  const out: unknown[] = []
  const settle = async (what: string, fn: () => Promise<unknown>) => {
    try {
      const v = await fn()
      out.push([what, Buffer.isBuffer(v) ? v.toString('hex') : v])
    } catch (error) {
      // A symlink loop: the snapshot knows the link does not resolve, not why (readlink -f just fails).
      const code = (error as {code?: string}).code
      out.push([what, 'error', code === 'ELOOP' ? 'ENOENT' : code])
    }
  }
  const entries = await t.readdir(dir)
  out.push(['readdir', dir, entries])
  for (const e of entries) {
    const p = `${dir}/${e.name}`
    await settle(`stat ${p}`, async () => {
      const st = await t.stat(p)
      return st && {type: st.type, size: st.type === 'directory' ? 0 : st.size}
    })
    await settle(`realpath ${p}`, () => t.realpath(p))
    if (e.type !== 'directory' && !p.endsWith('/huge') && !p.endsWith('/fifo') && !p.endsWith('/link-to-huge')) await settle(`read ${p}`, () => t.readFile(p))
    if (e.type === 'directory' && depth > 1) out.push(...(await answers(t, p, depth - 1)))
  }
  return out
}

describe('host snapshot script (run with this machine\'s sh, dash or bash)', () => {
  it('answers readdir/stat/realpath/readFile exactly as the host does, for hostile names, binary files, links, fifos', async () => {
    const rooted = new RootedTransport(local, root)
    const request = req([{path: '/etc/xen', depth: 4}])
    const snap = await rooted.snapshot(request)
    expect(snap).toBeDefined()
    const view = new SnapshotView(rooted, snap!, request)
    expect(await answers(view, '/etc/xen', 4)).toEqual(await answers(rooted, '/etc/xen', 4))
    expect(view.misses).toEqual([])
    // Nothing in a name was ever run by a shell.
    expect(await rooted.stat('/etc/xen/pwned')).toBeUndefined()
    expect(await local.stat(path.join(process.cwd(), 'pwned'))).toBeUndefined()
  })

  it('lists every hostile name once, with its content intact', async () => {
    const snap = await local.snapshot(req([{path: path.join(root, 'etc/xen'), depth: 1}]))
    for (const [i, n] of HOSTILE.entries()) {
      expect(snap?.entries.get(path.join(root, 'etc/xen', n))?.content?.toString('utf8')).toBe(`name = "h${i}"\n# ${n}\n`)
    }
    expect(snap?.entries.get(path.join(root, 'etc/xen/binary'))?.content).toEqual(Buffer.from([0, 1, 2, 255, 10, 0x2e, 10, 0x5a, 10]))
    expect(snap?.entries.get(path.join(root, 'etc/xen/empty'))?.content).toEqual(Buffer.alloc(0))
  })

  it('keeps files over the size limit out (their size is still known) and does not enter symlinked directories', async () => {
    const d = path.join(root, 'etc/xen')
    const snap = await local.snapshot(req([{path: d, depth: 4}]))
    expect(snap?.entries.get(`${d}/huge`)).toEqual({type: 'file', size: 5000})
    expect(snap?.entries.get(`${d}/dirlink`)).toMatchObject({type: 'symlink', target: `${d}/sub`})
    expect(snap?.listed.has(`${d}/dirlink`)).toBe(false)
    expect(snap?.entries.get(`${d}/dangling`)).toEqual({type: 'symlink', size: 4})
    // A link's target outside the trees is captured under its real path.
    expect(snap?.entries.get(path.join(root, 'srv/outside.cfg'))?.content?.toString()).toBe('name = "outside"\n')
  })

  it('skips listed subdirectories on request, and a tree root that is a skipped path is still walked', async () => {
    const d = path.join(root, 'etc/xen')
    const snap = await local.snapshot(req([{path: d, depth: 4, skip: [`${d}/sub`]}, {path: `${d}/sub`, depth: 1}]))
    expect(snap?.listed.has(`${d}/sub`)).toBe(true)
    expect(snap?.listed.has(`${d}/sub/deeper`)).toBe(false)
  })

  it('a glob tree walks each match, knows the misses absent, and a root with pattern characters matches only itself', async () => {
    // The root's `*`, `[` and space must not match like the pattern's own `*`: a sibling "a b [x]*z" would.
    const base = path.join(root, 'glob a b [x]*')
    const decoy = path.join(root, 'glob a b [x]*z')
    for (const [r, v] of [[base, '4.17'], [base, '4.11'], [decoy, '9.9']] as const) {
      await mkdir(path.join(r, `usr/lib/xen-${v}/boot`), {recursive: true})
      await writeFile(path.join(r, `usr/lib/xen-${v}/boot/hvmloader`), `loader ${v}\n`)
    }
    await mkdir(path.join(base, 'usr/lib/xen-4.1/boot'), {recursive: true}) // a versioned dir without the file
    const rooted = new RootedTransport(local, base)
    const request = req([{path: '/usr/lib/xen-*/boot/hvmloader', depth: 0, contents: false, glob: true}, {path: '/usr/lib', depth: 1, contents: false}])
    const snap = await rooted.snapshot(request)
    expect([...snap!.entries.keys()].filter((p) => p.endsWith('hvmloader')).sort()).toEqual(['/usr/lib/xen-4.11/boot/hvmloader', '/usr/lib/xen-4.17/boot/hvmloader'])
    const view = new SnapshotView(rooted, snap!, request)
    expect((await view.readdir('/usr/lib')).map((e) => e.name)).toEqual(['xen-4.1', 'xen-4.11', 'xen-4.17'])
    for (const v of ['4.1', '4.11', '4.17', '9.9']) {
      const p = `/usr/lib/xen-${v}/boot/hvmloader`
      expect(await view.stat(p)).toEqual(await rooted.stat(p).then((st) => st && {type: st.type, size: st.size, mtimeMs: 0, mode: 0}))
    }
    expect(view.misses).toEqual([])
    // A path outside the pattern is still the host's to answer.
    await view.stat('/usr/lib/xen-4.17/boot/other')
    expect(view.misses).toEqual(['stat /usr/lib/xen-4.17/boot/other'])
  })

  it('reports an unreadable directory and file as errors (not as absent)', async () => {
    if (process.getuid?.() === 0) return // root reads everything: nothing to deny
    const d = path.join(root, 'locked')
    await mkdir(d)
    await chmod(d, 0)
    const snap = await local.snapshot(req([{path: d, depth: 1}]))
    expect(snap?.entries.get(d)?.listError).toBe('EACCES')
  })

  it('runs probes once each, keeps stdout, stderr and exit code apart, and honours the conditions', async () => {
    const request = req([], {
      probes: [
        {argv: ['sh', '-c', 'printf "out\\n\\n"; printf "err\\n" >&2; exit 3']},
        {argv: ['echo', 'only if 0 failed'], when: [{probe: 0, ok: false}]},
        {argv: ['echo', 'only if 0 succeeded'], when: [{probe: 0, ok: true}]},
        {argv: ['no-such-command-xenlift']},
        {argv: ['printf', '%s', "it's \"quoted\" $HOME `x`"]},
      ],
    })
    const snap = await local.snapshot(request)
    expect(snap?.probes).toEqual([
      {stdout: 'out\n\n', stderr: 'err\n', exitCode: 3},
      {stdout: 'only if 0 failed\n', stderr: '', exitCode: 0},
      undefined,
      {stdout: '', stderr: expect.stringContaining('no-such-command-xenlift'), exitCode: 127},
      {stdout: "it's \"quoted\" $HOME `x`", stderr: '', exitCode: 0},
    ])
    const view = new SnapshotView(local, snap!, request)
    expect(await view.exec(['echo', 'only if 0 failed'])).toEqual({stdout: 'only if 0 failed\n', stderr: '', exitCode: 0})
    // Skipped by its condition: asked anyway, it goes to the host.
    expect((await view.exec(['echo', 'only if 0 succeeded'])).stdout).toBe('only if 0 succeeded\n')
    expect(view.misses).toEqual(['exec echo only if 0 succeeded'])
  })

  it('counts probe output in bytes in dash and bash under a UTF-8 session, with one od for every probe and the files', async () => {
    const bin = path.join(root, 'bin-od-logged')
    const log = path.join(root, 'od.log')
    await writeLoggingTools(bin, ['od'], log)
    const probes = [
      {argv: ['sh', '-c', 'printf "ünïcode\\n\\n"; printf "€rr\\n\\n" >&2; exit 2']},
      {argv: ['printf', '']},
      {argv: ['sh', '-c', 'printf "%s" "$LC_ALL"; printf "\\n7 0" >&2']},
    ]
    for (const shell of ['dash', 'bash']) {
      await writeFile(log, '')
      const t = new LocalTransport({env: {PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8'}})
      const snap = await runSnapshotScript((argv, o) => t.exec([shell, ...argv.slice(1)], o), req([], {probes}))
      expect(snap?.probes).toEqual([
        {stdout: 'ünïcode\n\n', stderr: '€rr\n\n', exitCode: 2},
        {stdout: '', stderr: '', exitCode: 0},
        // A stderr that looks like the script's own trailer is still the probe's stderr.
        {stdout: 'C', stderr: '\n7 0', exitCode: 0},
      ])
      expect(execFileSync('cat', [log]).toString().trim().split('\n')).toEqual(['od'])
      // With files too: the same answers, and still one od (the probes' bytes on its stdin, then the files).
      await writeFile(log, '')
      const xen = path.join(root, 'etc/xen')
      const both = await runSnapshotScript((argv, o) => t.exec([shell, ...argv.slice(1)], o), req([{path: xen, depth: 1}], {probes}))
      expect(execFileSync('cat', [log]).toString().trim().split('\n')).toEqual(['od'])
      expect(both?.probes).toEqual(snap?.probes)
      const filesOnly = await runSnapshotScript((argv, o) => t.exec([shell, ...argv.slice(1)], o), req([{path: xen, depth: 1}]))
      expect(both?.entries).toEqual(filesOnly?.entries)
      expect(both?.entries.get(path.join(xen, 'binary'))?.content).toEqual(Buffer.from([0, 1, 2, 255, 10, 0x2e, 10, 0x5a, 10]))
    }
  })

  it('runs every probe in the C locale even when the session does not set it, with or without a timeout', async () => {
    const probes = [{argv: ['sh', '-c', 'printf "%s|%s" "$LC_ALL" "$LANG"']}, {argv: ['no-such-command-xenlift']}]
    // The session's environment without LC_ALL (a transport that does not pass it).
    const run = (argv: readonly string[], o?: Parameters<LocalTransport['exec']>[1]) => local.exec(['env', '-u', 'LC_ALL', 'LANG=de_DE.UTF-8', ...argv], o)
    for (const timeoutMs of [undefined, 5000]) {
      const snap = await runSnapshotScript(run, req([], {probes, ...(timeoutMs !== undefined ? {timeoutMs} : {})}))
      expect(snap?.probes[0]).toEqual({stdout: 'C|de_DE.UTF-8', stderr: '', exitCode: 0})
      expect(snap?.probes[1]).toMatchObject({stdout: '', stderr: expect.stringContaining('no-such-command-xenlift'), exitCode: 127})
    }
  })

  it('a probe that outlives its timeout is killed and answers as a timeout', async () => {
    const request = req([], {probes: [{argv: ['sleep', '30']}, {argv: ['echo', 'next']}], timeoutMs: 1000})
    const t0 = Date.now()
    const snap = await local.snapshot(request)
    expect(Date.now() - t0).toBeLessThan(20_000)
    expect(snap?.probes).toEqual(['timeout', {stdout: 'next\n', stderr: '', exitCode: 0}])
    await expect(new SnapshotView(local, snap!, request).exec(['sleep', '30'])).rejects.toMatchObject({code: 'TIMEOUT'})
  })

  it('a quick probe runs without timeout(1): its own exit 124 is an answer, not a timeout', async () => {
    const exit124 = ['sh', '-c', 'echo out; exit 124']
    const snap = await local.snapshot(req([], {probes: [{argv: exit124, quick: true}, {argv: ['sleep', '30'], when: [{probe: 0, ok: false}]}], timeoutMs: 1000}))
    expect(snap?.probes).toEqual([{stdout: 'out\n', stderr: '', exitCode: 124}, 'timeout'])
  })

  it('a host without od or readlink gives no snapshot (the caller reads file by file)', async () => {
    const bin = path.join(root, 'bin-without-od')
    await mkdir(bin, {recursive: true})
    for (const tool of ['ls', 'readlink', 'printf']) await symlink(execFileSync('sh', ['-c', `command -v ${tool} || echo /bin/${tool}`]).toString().trim(), path.join(bin, tool)).catch(() => {})
    const bare = new LocalTransport({env: {PATH: bin}})
    const sh = execFileSync('sh', ['-c', 'command -v sh']).toString().trim()
    expect(await runSnapshotScript((argv, o) => bare.exec([sh, ...argv.slice(1)], o), req([{path: root, depth: 1}]))).toBeUndefined()
  })

  describe('reads sizes and contents in batches, not per file', () => {
    let many: string
    let bin: string
    let log: string
    const tools = ['ls', 'od', 'stat', 'readlink']
    beforeAll(async () => {
      // 450 files: three batches of at most 200; one symlink among them.
      many = path.join(root, 'many')
      await mkdir(path.join(many, 'domains'), {recursive: true})
      for (let i = 0; i < 450; i++) await writeFile(path.join(many, 'domains', `d${String(i).padStart(3, '0')}.sxp`), `(domain (name d${i}))\n`.repeat(1 + (i % 7)))
      await writeFile(path.join(many, 'domains', 'big'), Buffer.alloc(5000, 0x62))
      await symlink('d001.sxp', path.join(many, 'domains', 'link'))
      // Logging stand-ins for the tools the script may start, so the test counts processes.
      bin = path.join(root, 'bin-logged')
      log = path.join(root, 'tools.log')
      await writeLoggingTools(bin, tools, log)
    })
    const pathWith = (dir: string) => `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`
    const snapshotVia = async (shell: string, env: Record<string, string>): Promise<{snap: Awaited<ReturnType<typeof runSnapshotScript>>; started: string[]}> => {
      await writeFile(log, '')
      const t = new LocalTransport({env})
      const snap = await runSnapshotScript((argv, o) => t.exec([shell, ...argv.slice(1)], o), req([{path: many, depth: 2}]))
      const started = execFileSync('cat', [log]).toString().split('\n').filter(Boolean)
      return {snap, started}
    }

    it('gives every file its size and contents with one stat and one od per 200 entries, in dash and bash', async () => {
      for (const shell of ['dash', 'bash']) {
        const {snap, started} = await snapshotVia(shell, {PATH: pathWith(bin)})
        expect(snap).toBeDefined()
        for (let i = 0; i < 450; i++) {
          const e = snap!.entries.get(path.join(many, 'domains', `d${String(i).padStart(3, '0')}.sxp`))
          const text = `(domain (name d${i}))\n`.repeat(1 + (i % 7))
          expect(e).toEqual({type: 'file', size: text.length, content: Buffer.from(text)})
        }
        expect(snap!.entries.get(path.join(many, 'domains', 'big'))).toEqual({type: 'file', size: 5000})
        expect(snap!.entries.get(path.join(many, 'domains', 'link'))).toMatchObject({type: 'symlink', size: 8, target: path.join(many, 'domains', 'd001.sxp')})
        // 452 entries and one symlink target: three batches.
        expect(started.filter((t) => t === 'stat')).toHaveLength(3)
        expect(started.filter((t) => t === 'od')).toHaveLength(3)
        expect(started.filter((t) => t === 'readlink')).toHaveLength(1)
        expect(started.filter((t) => t === 'ls')).toHaveLength(0)
      }
    })

    it('without stat, asks ls entry by entry and gives the same answers', async () => {
      const noStat = path.join(root, 'bin-no-stat')
      await mkdir(noStat, {recursive: true})
      // Only what the script needs, and no stat anywhere on PATH.
      for (const tool of ['sh', 'dash', 'printf', 'cat']) {
        const real = execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim()
        await symlink(real, path.join(noStat, tool)).catch(() => {})
      }
      for (const tool of ['ls', 'od', 'readlink']) await symlink(path.join(bin, tool), path.join(noStat, tool)).catch(() => {})
      const withStat = await snapshotVia('dash', {PATH: pathWith(bin)})
      const without = await snapshotVia(path.join(noStat, 'dash'), {PATH: noStat})
      expect(without.snap).toEqual(withStat.snap)
      expect(without.started.filter((t) => t === 'stat')).toHaveLength(0)
      expect(without.started.filter((t) => t === 'ls')).toHaveLength(453)
    })
  })

  it('a truncated or forged stream is refused, not half-trusted', () => {
    const good = 'H 0\nF\0/a\0f 2\nF\0/b\0f 1\nC\0/a\x002\nC\0/b\x001\nB\n 68 69 21\n.\nZ\n'
    expect(parseSnapshot(good, 0)?.entries.get('/a')?.content?.toString()).toBe('hi')
    expect(parseSnapshot(good, 0)?.entries.get('/b')?.content?.toString()).toBe('!')
    expect(parseSnapshot(good.slice(0, -2), 0)).toBeUndefined()
    expect(parseSnapshot('H 0\nF\0/a\0f 2\nC\0/a\x002\nB\nnot hex\n.\nZ\n', 0)).toBeUndefined()
    // A file that changed size between its stat and its read: the bytes cannot be apportioned.
    expect(parseSnapshot(good.replace(' 68 69 21', ' 68 69 21 0a'), 0)).toBeUndefined()
    expect(parseSnapshot(good.replace(' 68 69 21', ' 68 69'), 0)).toBeUndefined()
    // Contents announced and never sent.
    expect(parseSnapshot('H 0\nF\0/a\0f 2\nC\0/a\x002\nZ\n', 0)).toBeUndefined()
    expect(parseSnapshot('H 0\nF\0relative\0f 2\nZ\n', 0)).toBeUndefined()
    expect(parseSnapshot(`${good}extra`, 0)).toBeUndefined()
  })
})
