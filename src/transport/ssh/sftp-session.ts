/**
 * Promise wrappers over one ssh2 SFTP session, with errors mapped to `RemoteFileError` (Node
 * errno names, so local and remote failures look alike). SFTP status codes: RFC draft
 * `SSH_FX_NO_SUCH_FILE` 2, `SSH_FX_PERMISSION_DENIED` 3.
 */
import type {FileEntryWithStats, SFTPWrapper, Stats} from 'ssh2'
import {RemoteFileError} from '../errors.js'
import type {DirEntry, FileStat} from '../transport.js'

const S_IFMT = 0o170000

export function fileTypeOf(mode: number): FileStat['type'] {
  switch (mode & S_IFMT) {
    case 0o100000:
      return 'file'
    case 0o040000:
      return 'directory'
    case 0o120000:
      return 'symlink'
    default:
      return 'other'
  }
}

export function sftpError(host: string, path: string, op: string, err: unknown): RemoteFileError {
  const status = (err as {code?: unknown}).code
  const code = status === 2 ? 'ENOENT' : status === 3 ? 'EACCES' : 'EIO'
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message
  return new RemoteFileError(host, path, code, `host ${host}: cannot ${op} ${path}: ${why}`, {cause: err})
}

type Cb<T> = (err: Error | null | undefined, value: T) => void

function call<T>(host: string, path: string, op: string, fn: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      fn((err, value) => (err ? reject(sftpError(host, path, op, err)) : resolve(value)))
    } catch (err) {
      reject(sftpError(host, path, op, err))
    }
  })
}

export function sftpReadFile(sftp: SFTPWrapper, host: string, path: string): Promise<Buffer> {
  return call<Buffer>(host, path, 'read', (cb) => sftp.readFile(path, (e, b) => cb(e, b)))
}

export function sftpWriteFile(sftp: SFTPWrapper, host: string, path: string, data: Buffer, mode: number): Promise<void> {
  return call<void>(host, path, 'write', (cb) => sftp.writeFile(path, data, {mode}, (e) => cb(e, undefined)))
}

export function sftpChmod(sftp: SFTPWrapper, host: string, path: string, mode: number): Promise<void> {
  return call<void>(host, path, 'chmod', (cb) => sftp.chmod(path, mode, (e) => cb(e, undefined)))
}

export function sftpUnlink(sftp: SFTPWrapper, host: string, path: string): Promise<void> {
  return call<void>(host, path, 'remove', (cb) => sftp.unlink(path, (e) => cb(e, undefined)))
}

/** `posix-rename@openssh.com`: rename(2) semantics, replaces the target atomically. */
export function sftpPosixRename(sftp: SFTPWrapper, host: string, from: string, to: string): Promise<void> {
  return call<void>(host, to, 'rename onto', (cb) => sftp.ext_openssh_rename(from, to, (e) => cb(e, undefined)))
}

export async function sftpLstat(sftp: SFTPWrapper, host: string, path: string): Promise<FileStat | undefined> {
  try {
    const st = await call<Stats>(host, path, 'stat', (cb) => sftp.lstat(path, cb))
    return {type: fileTypeOf(st.mode), size: st.size, mtimeMs: st.mtime * 1000, mode: st.mode & 0o7777}
  } catch (err) {
    if ((err as RemoteFileError).code === 'ENOENT') return undefined
    throw err
  }
}

export async function sftpReaddir(sftp: SFTPWrapper, host: string, path: string): Promise<DirEntry[]> {
  const list = await call<FileEntryWithStats[]>(host, path, 'list', (cb) => sftp.readdir(path, cb))
  return list
    .filter((e) => e.filename !== '.' && e.filename !== '..')
    .map((e) => ({name: e.filename, type: fileTypeOf(e.attrs.mode)}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function sftpRealpath(sftp: SFTPWrapper, host: string, path: string): Promise<string> {
  return call<string>(host, path, 'resolve', (cb) => sftp.realpath(path, cb))
}
