import {describe, expect, it} from 'vitest'
import {assertCommandOk, ConnectError, HostKeyError, RemoteCommandError, TimeoutError, XenliftError} from '../../src/transport/errors.js'

describe('transport errors', () => {
  it('assertCommandOk passes exit 0 through and turns anything else into RemoteCommandError', () => {
    const ok = {stdout: 'x', stderr: '', exitCode: 0}
    expect(assertCommandOk('h', ['true'], ok)).toBe(ok)
    const e1 = (() => {
      try {
        assertCommandOk('dom0-1', ['xm', 'list'], {stdout: '', stderr: 'warming up\nError: xend not running\n', exitCode: 1})
      } catch (e) {
        return e
      }
    })() as RemoteCommandError
    expect(e1).toBeInstanceOf(RemoteCommandError)
    expect(e1).toBeInstanceOf(XenliftError)
    expect(e1).toMatchObject({code: 'REMOTE_COMMAND_FAILED', host: 'dom0-1', argv: ['xm', 'list'], exitCode: 1})
    expect(e1.message).toBe('dom0-1: `xm list` exited 1: Error: xend not running')
    expect(() => assertCommandOk('h', ['sleep'], {stdout: '', stderr: '', exitCode: null, signal: 'SIGKILL'})).toThrow('`sleep` was killed by SIGKILL')
    expect(() => assertCommandOk('h', ['x'], {stdout: '', stderr: '', exitCode: null})).toThrow('ended without an exit status')
  })

  it('keeps only the stderr tail', () => {
    const e = new RemoteCommandError({host: 'h', argv: ['x'], exitCode: 2, stderr: `${'a'.repeat(5000)}\nlast`})
    expect(e.stderrTail.length).toBe(2048)
    expect(e.stderrTail.endsWith('last')).toBe(true)
  })

  it('every error has a code, a name and keeps its cause', () => {
    const cause = new Error('ECONNREFUSED')
    const c = new ConnectError('h', 'host h: cannot connect', {cause})
    expect([c.name, c.code, c.cause]).toEqual(['ConnectError', 'CONNECT_FAILED', cause])
    expect(new TimeoutError('h', 5, 'm')).toMatchObject({name: 'TimeoutError', code: 'TIMEOUT', timeoutMs: 5})
    expect(new HostKeyError('HOST_KEY_CHANGED', {host: 'h', fingerprint: 'SHA256:x', keyType: 'ssh-ed25519', file: '/k', line: 3, message: 'm'})).toMatchObject({
      name: 'HostKeyError',
      code: 'HOST_KEY_CHANGED',
      knownHostsFile: '/k',
      knownHostsLine: 3,
    })
  })
})
