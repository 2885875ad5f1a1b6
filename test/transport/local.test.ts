import {mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CommandTimeoutError, LocalTransport} from '../../src/transport/local.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-local-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('LocalTransport.exec', () => {
  it('passes argv without a shell (metacharacters stay literal)', async () => {
    const t = new LocalTransport()
    const r = await t.exec(['printf', '%s|', 'a b', '$(id)', '; rm -rf /'])
    expect(r).toMatchObject({stdout: 'a b|$(id)|; rm -rf /|', exitCode: 0})
  })

  it('returns exit code, stderr and stdin input', async () => {
    const t = new LocalTransport()
    const r = await t.exec(['sh', '-c', 'cat; echo oops >&2; exit 3'], {input: 'hello'})
    expect(r).toEqual({stdout: 'hello', stderr: 'oops\n', exitCode: 3})
  })

  it('gives a command with input a stdin it can open by path, as sshd does (virsh define /dev/stdin)', async () => {
    const t = new LocalTransport()
    const r = await t.exec(['cat', '/dev/stdin'], {input: 'secret xml'})
    expect(r).toEqual({stdout: 'secret xml', stderr: '', exitCode: 0})
    // The argv is still not parsed by a shell, and the exit status is the command's.
    expect(await t.exec(['sh', '-c', 'cat /dev/stdin; exit 4', '$(id)'], {input: 'x'})).toEqual({stdout: 'x', stderr: '', exitCode: 4})
    expect(await t.exec(['printf', '%s|', 'a b', '$(id)'], {input: ''})).toMatchObject({stdout: 'a b|$(id)|', exitCode: 0})
  })

  it('reports a missing program as exit 127, like a shell, with or without input', async () => {
    expect(await new LocalTransport().exec(['no-such-program-xenlift'], {input: 'x'})).toMatchObject({exitCode: 127})

    const r = await new LocalTransport().exec(['no-such-program-xenlift'])
    expect(r.exitCode).toBe(127)
    expect(r.stderr).toMatch(/command not found/)
  })

  it('merges env over the base environment', async () => {
    const t = new LocalTransport({env: {PATH: process.env.PATH ?? '', A: '1'}})
    const r = await t.exec(['sh', '-c', 'echo $A$B'], {env: {B: '2'}})
    expect(r.stdout).toBe('12\n')
  })

  it('kills the whole process group on timeout', async () => {
    const t = new LocalTransport()
    const pidFile = path.join(dir, 'child.pid')
    // The shell starts a grandchild that would outlive a kill of the shell alone.
    const p = t.exec(['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], {timeoutMs: 300})
    await expect(p).rejects.toBeInstanceOf(CommandTimeoutError)
    const pid = Number((await readFile(pidFile, 'utf8')).trim())
    // Signal delivery is asynchronous: poll until the grandchild is gone (bounded).
    let alive = true
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0)
        const st = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
        if (/\) Z /.test(st)) alive = false
        else await new Promise((r) => setTimeout(r, 50))
      } catch {
        alive = false
      }
    }
    expect(alive).toBe(false)
  })
})

describe('LocalTransport files', () => {
  it('writes atomically and leaves no temp files', async () => {
    const t = new LocalTransport()
    const f = path.join(dir, 'a.xml')
    await writeFile(f, 'old')
    await t.writeFileAtomic(f, '<domain/>', {mode: 0o600})
    expect(await readFile(f, 'utf8')).toBe('<domain/>')
    expect((await stat(f)).mode & 0o777).toBe(0o600)
    expect(await readdir(dir)).toEqual(['a.xml'])
  })

  it('stat is undefined for missing paths and reports symlinks', async () => {
    const t = new LocalTransport()
    expect(await t.stat(path.join(dir, 'nope'))).toBeUndefined()
    expect(await t.stat(path.join(dir, 'nope', 'deeper'))).toBeUndefined()
    await writeFile(path.join(dir, 'f'), 'x')
    await symlink('f', path.join(dir, 'l'))
    expect((await t.stat(path.join(dir, 'l')))?.type).toBe('symlink')
    expect(await t.stat(path.join(dir, 'f'))).toMatchObject({type: 'file', size: 1})
    expect(await t.readdir(dir)).toEqual([
      {name: 'f', type: 'file'},
      {name: 'l', type: 'symlink'},
    ])
  })

  it('under a root, resolves absolute symlinks inside the root (chroot-like)', async () => {
    await mkdir(path.join(dir, 'etc/xen/auto'), {recursive: true})
    await writeFile(path.join(dir, 'etc/xen/vm1'), 'name = "vm1"\n')
    await symlink('/etc/xen/vm1', path.join(dir, 'etc/xen/auto/vm1'))
    await symlink('../vm1', path.join(dir, 'etc/xen/auto/rel'))
    const t = new LocalTransport({root: dir})
    expect(await t.realpath('/etc/xen/auto/vm1')).toBe('/etc/xen/vm1')
    expect(await t.realpath('/etc/xen/auto/rel')).toBe('/etc/xen/vm1')
    expect((await t.readFile('/etc/xen/auto/vm1')).toString()).toBe('name = "vm1"\n')
    expect((await t.readdir('/etc/xen')).map((e) => e.name)).toEqual(['auto', 'vm1'])
    await t.writeFileAtomic('/etc/xen/new.cfg', 'x')
    expect(await readFile(path.join(dir, 'etc/xen/new.cfg'), 'utf8')).toBe('x')
    await expect(t.realpath('/etc/xen/missing')).rejects.toMatchObject({code: 'ENOENT'})
  })

  it('detects symlink loops under a root', async () => {
    await symlink('/b', path.join(dir, 'a'))
    await symlink('/a', path.join(dir, 'b'))
    const t = new LocalTransport({root: dir})
    await expect(t.realpath('/a')).rejects.toMatchObject({code: 'ELOOP'})
  })
})
