import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Worker} from 'node:worker_threads'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {OutputBatch} from '../../src/convert/output-batch.js'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'xenlift-output-'))
const MAIL01 = readFileSync(join(REPO_ROOT, 'fixtures/demo-host/etc/xen/mail01'), 'utf8')

/** n xm configs named guest0000… with unique UUIDs (the demo host's mail01, renamed). */
function writeConfigs(dir: string, n: number): void {
  mkdirSync(dir, {recursive: true})
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(4, '0')
    const text = MAIL01.replace('name = "mail01"', `name = "guest${id}"`).replace('4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a', `4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c${id}`)
    writeFileSync(join(dir, `guest${id}.cfg`), text)
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each([
  {mode: 'small batch (written here)', background: false},
  {mode: 'large batch (written by the writer thread)', background: true},
])('OutputBatch (convert -o), $mode: temp name, one flush, rename', ({background}) => {
  it('gives each file its name only at commit, and leaves no temp file', async () => {
    const dir = join(tmp(), 'out')
    const posted = vi.spyOn(Worker.prototype, 'postMessage')
    const b = new OutputBatch(dir, {force: false, background})
    expect(b.stage('a.xml', '<a/>\n')).toEqual({file: join(dir, 'a.xml')})
    expect(b.stage('b.xml', '<b/>\n')).toEqual({file: join(dir, 'b.xml')})
    // Written at once here; on the thread, no later than the commit.
    if (!background) expect(readdirSync(dir).sort()).toEqual([`a.xml.tmp-${process.pid}`, `b.xml.tmp-${process.pid}`])
    expect((await b.commit()).size).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['a.xml', 'b.xml'])
    expect(readFileSync(join(dir, 'b.xml'), 'utf8')).toBe('<b/>\n')
    expect(posted.mock.calls.length > 0).toBe(background)
  })

  it('refuses a name taken twice in one run, and an existing file unless force', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'old.xml'), 'precious')
    const b = new OutputBatch(dir, {force: false, background})
    expect(b.stage('x.xml', '1')).toEqual({file: join(dir, 'x.xml')})
    expect(b.stage('x.xml', '2')).toEqual({error: `${join(dir, 'x.xml')}: another domain of this run has the same name; not overwritten`})
    expect(b.stage('old.xml', 'new')).toEqual({error: `${join(dir, 'old.xml')} exists; not overwritten (use --force)`})
    await b.commit()
    expect(readFileSync(join(dir, 'x.xml'), 'utf8')).toBe('1')
    expect(readFileSync(join(dir, 'old.xml'), 'utf8')).toBe('precious')
    const forced = new OutputBatch(dir, {force: true, background})
    expect('file' in forced.stage('old.xml', 'new')).toBe(true)
    expect((await forced.commit()).size).toBe(0)
    expect(readFileSync(join(dir, 'old.xml'), 'utf8')).toBe('new')
  })

  it('does not replace a file that appeared between stage and commit (without force)', async () => {
    const dir = tmp()
    const b = new OutputBatch(dir, {force: false, background})
    b.stage('late.xml', 'ours')
    writeFileSync(join(dir, 'late.xml'), 'someone else')
    const failed = await b.commit()
    expect(failed.get(join(dir, 'late.xml'))).toMatch(/exists; not overwritten/)
    expect(readFileSync(join(dir, 'late.xml'), 'utf8')).toBe('someone else')
    expect(readdirSync(dir)).toEqual(['late.xml'])
  })

  it('creates a file holding a password mode 0600, the others 0644 (less the umask), over a stale temp file too', async () => {
    const dir = tmp()
    // A stale temp file of the same name with a wide mode must not be reused for the secret.
    writeFileSync(join(dir, `s.xml.tmp-${process.pid}`), 'stale', {mode: 0o666})
    const b = new OutputBatch(dir, {force: false, background})
    b.stage('s.xml', '<secret/>', {secret: true})
    b.stage('p.xml', '<plain/>')
    expect((await b.commit()).size).toBe(0)
    expect(statSync(join(dir, 's.xml')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'p.xml')).mode & 0o777).toBe(0o644 & ~process.umask())
    expect(readFileSync(join(dir, 's.xml'), 'utf8')).toBe('<secret/>')
  })

  it('fails only the file it cannot write (a directory in the way of its temp name), with why', async () => {
    const dir = tmp()
    mkdirSync(join(dir, `bad.xml.tmp-${process.pid}`))
    const b = new OutputBatch(dir, {force: false, background})
    const staged = [b.stage('a.xml', 'A'), b.stage('bad.xml', 'B'), b.stage('c.xml', 'C')]
    // Here the failure is known at once; the thread's is known at commit. Either way it is said.
    const failed = await b.commit()
    const why = 'error' in staged[1]! ? staged[1].error : failed.get(join(dir, 'bad.xml'))
    expect(why).toBe(`cannot write ${join(dir, 'bad.xml')}: is a directory`)
    expect(readFileSync(join(dir, 'a.xml'), 'utf8')).toBe('A')
    expect(readFileSync(join(dir, 'c.xml'), 'utf8')).toBe('C')
    expect(readdirSync(dir).sort()).toEqual(['a.xml', `bad.xml.tmp-${process.pid}`, 'c.xml'])
  })

  it('discard() (Ctrl-C) leaves no file behind, not even one the thread was about to write', async () => {
    const dir = tmp()
    const b = new OutputBatch(dir, {force: false, background})
    for (let i = 0; i < 400; i++) b.stage(`g${i}.xml`, 'x'.repeat(20_000))
    b.discard()
    expect(readdirSync(dir)).toEqual([])
    await new Promise((r) => setTimeout(r, 200))
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('OutputBatch: what a killed earlier run left', () => {
  it("removes a dead run's temp files before writing, and nothing else", async () => {
    const dir = tmp()
    const gone = spawn('true')
    await new Promise((resolve) => gone.on('exit', resolve))
    const live = spawn('sleep', ['30'])
    try {
      const left = [`a.xml.tmp-${gone.pid}`, `b.cfg.tmp-${gone.pid}`]
      const kept = [`c.xml.tmp-${live.pid}`, `notes.txt.tmp-${gone.pid}`, 'd.xml.tmp-x', 'e.xml']
      for (const n of [...left, ...kept]) writeFileSync(join(dir, n), 'password=s3cret')
      // A directory under such a name is not ours to remove.
      mkdirSync(join(dir, `f.xml.tmp-${gone.pid}`))
      const b = new OutputBatch(dir, {force: true})
      b.stage('new.xml', '<new/>')
      expect((await b.commit()).size).toBe(0)
      expect(readdirSync(dir).sort()).toEqual([...kept, `f.xml.tmp-${gone.pid}`, 'new.xml'].sort())
    } finally {
      live.kill()
    }
  })
})

describe('OutputBatch, large batch: the writer thread lost', () => {
  it('writes here what the thread may not have written, and commits every file', async () => {
    const dir = tmp()
    // The thread ends as soon as it is sent its first files: none of them is written by it.
    vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker) {
      void this.terminate()
    })
    const b = new OutputBatch(dir, {force: false, background: true})
    for (let i = 0; i < 40; i++) b.stage(`g${i}.xml`, `<g${i}/>`, {secret: i === 3})
    expect((await b.commit()).size).toBe(0)
    expect(readdirSync(dir)).toHaveLength(40)
    for (let i = 0; i < 40; i++) expect(readFileSync(join(dir, `g${i}.xml`), 'utf8')).toBe(`<g${i}/>`)
    expect(statSync(join(dir, 'g3.xml')).mode & 0o777).toBe(0o600)
  })
})

describe('xenlift convert -r -o: crash safety', () => {
  it('a SIGKILL mid-run leaves only complete <name>.xml files; a normal run leaves no temp file', async () => {
    const base = tmp()
    const input = join(base, 'in')
    writeConfigs(input, 800)
    // Reference: a complete run.
    const ref = join(base, 'ref')
    const full = await runCli(['convert', '--libvirt-version', '9.0.0', '-r', input, '-o', ref])
    expect(full.code, full.stderr).toBe(0)
    const refFiles = readdirSync(ref)
    expect(refFiles).toHaveLength(800)
    expect(refFiles.every((f) => f.endsWith('.xml'))).toBe(true)

    // Killed: SIGKILL as soon as the run has started writing.
    const out = join(base, 'out')
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/dev.js'), 'convert', '--libvirt-version', '9.0.0', '-r', input, '-o', out], {stdio: 'ignore'})
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    let sawOutput = false
    while (child.exitCode === null && child.signalCode === null) {
      const names = (() => {
        try {
          return readdirSync(out)
        } catch {
          return []
        }
      })()
      if (names.length > 0) {
        sawOutput = true
        child.kill('SIGKILL')
        break
      }
      await new Promise((r) => setTimeout(r, 2))
    }
    const signal = await exited
    expect(sawOutput).toBe(true)
    expect(signal).toBe('SIGKILL')
    const left = readdirSync(out)
    const finals = left.filter((f) => f.endsWith('.xml'))
    for (const f of finals) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(ref, f), 'utf8'))
    // Whatever is not a complete output is a temp file of the killed process, never a <name>.xml.
    expect(left.filter((f) => !f.endsWith('.xml')).every((f) => new RegExp(`\\.xml\\.tmp-${child.pid}$`).test(f))).toBe(true)

    // Run again into the same directory: every missing file is written, none is temp.
    const again = await runCli(['convert', '--libvirt-version', '9.0.0', '-r', input, '-o', out])
    const now = readdirSync(out)
    expect(now.filter((f) => f.endsWith('.xml')).sort()).toEqual([...refFiles].sort())
    for (const f of refFiles) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(ref, f), 'utf8'))
    // ... and the killed run's temp files are gone: its process is.
    expect(now.filter((f) => /\.tmp-\d+$/.test(f))).toEqual([])
    // Files the killed run completed are not overwritten without --force: those inputs fail.
    expect(again.code).toBe(finals.length > 0 ? 1 : 0)
  }, 180_000)
})
