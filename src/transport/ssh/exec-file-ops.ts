/**
 * File operations over plain commands, for hosts whose sshd has no SFTP subsystem (hardened
 * dom0s sometimes remove `Subsystem sftp`). Same contract as the SFTP path: contents travel as
 * base64 (binary-safe through a text channel), `stat` is lstat, writes go to a temp file, are
 * chmod'ed and renamed over the target (rename(2), atomic on one filesystem). Needs GNU coreutils
 * and findutils (`base64`, `stat -c`, `find -printf`, `readlink -e`), which every Linux dom0 has.
 */
import {RemoteFileError} from '../errors.js'
import type {DirEntry, ExecResult, FileStat} from '../transport.js'
import {fileTypeOf} from './sftp-session.js'

export type RunCommand = (argv: readonly string[], opts?: {input?: string}) => Promise<ExecResult>

function fail(host: string, path: string, op: string, r: ExecResult): RemoteFileError {
  const stderr = r.stderr.trim()
  // dash says "Directory nonexistent" where bash says "No such file or directory".
  const code = /no such file|nonexistent/i.test(stderr) ? 'ENOENT' : /permission denied/i.test(stderr) ? 'EACCES' : 'EIO'
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : stderr || `exit ${r.exitCode}`
  return new RemoteFileError(host, path, code, `host ${host}: cannot ${op} ${path}: ${why}`)
}

export async function execReadFile(run: RunCommand, host: string, path: string): Promise<Buffer> {
  const r = await run(['base64', '--', path])
  if (r.exitCode !== 0) throw fail(host, path, 'read', r)
  return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64')
}

export async function execLstat(run: RunCommand, host: string, path: string): Promise<FileStat | undefined> {
  // %f: raw mode in hex, %s: size, %Y: mtime in seconds. GNU stat does not follow symlinks.
  const r = await run(['stat', '-c', '%f %s %Y', '--', path])
  if (r.exitCode !== 0) {
    const err = fail(host, path, 'stat', r)
    if (err.code === 'ENOENT') return undefined
    throw err
  }
  const [modeHex, size, mtime] = r.stdout.trim().split(' ')
  const mode = Number.parseInt(modeHex ?? '', 16)
  return {type: fileTypeOf(mode), size: Number(size), mtimeMs: Number(mtime) * 1000, mode: mode & 0o7777}
}

export async function execReaddir(run: RunCommand, host: string, path: string): Promise<DirEntry[]> {
  const r = await run(['find', path, '-mindepth', '1', '-maxdepth', '1', '-printf', '%y/%f\\0'])
  if (r.exitCode !== 0) throw fail(host, path, 'list', r)
  const types: Record<string, DirEntry['type']> = {f: 'file', d: 'directory', l: 'symlink'}
  return r.stdout
    .split('\0')
    .filter((e) => e !== '')
    .map((e) => ({name: e.slice(2), type: types[e[0] ?? ''] ?? 'other'}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function execRealpath(run: RunCommand, host: string, path: string): Promise<string> {
  const r = await run(['readlink', '-e', '--', path])
  if (r.exitCode !== 0) throw fail(host, path, 'resolve', r.stderr.trim() === '' ? {...r, stderr: 'No such file or directory'} : r)
  return r.stdout.replace(/\n$/, '')
}

export async function execWriteFileAtomic(run: RunCommand, host: string, path: string, tmp: string, data: Buffer, mode: number): Promise<void> {
  // umask 077 first: the temp file never exists with wider permissions than it ends up with, not
  // even between its creation and the chmod (it may hold a domain XML with a VNC password).
  const script = 'umask 077 && base64 -d > "$1" && chmod "$2" "$1" && mv -f -- "$1" "$3" || { rc=$?; rm -f -- "$1"; exit $rc; }'
  const r = await run(['sh', '-c', script, 'sh', tmp, mode.toString(8), path], {input: data.toString('base64')})
  if (r.exitCode !== 0) throw fail(host, path, 'write', r)
}
