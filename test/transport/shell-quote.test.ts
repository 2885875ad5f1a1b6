import {execFileSync} from 'node:child_process'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {quoteArg, quoteArgv} from '../../src/transport/shell-quote.js'
import {buildRemoteCommand} from '../../src/transport/ssh/remote-command.js'

/** Run a command line through a real POSIX shell and get back the argv it produced. */
function shellArgv(shell: string, line: string): string[] {
  const out = execFileSync(shell, ['-c', `for a in ${line}; do printf '%s\\0' "$a"; done`], {encoding: 'utf8'})
  return out.split('\0').slice(0, -1)
}

const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => {
  try {
    execFileSync(s, ['-c', 'true'])
    return true
  } catch {
    return false
  }
})

describe('quoteArg', () => {
  it('leaves safe words bare and single-quotes the rest', () => {
    expect(quoteArg('xm')).toBe('xm')
    expect(quoteArg('/etc/xen/vm-1.cfg')).toBe('/etc/xen/vm-1.cfg')
    expect(quoteArg('--name=vm1')).toBe('--name=vm1')
    expect(quoteArg('')).toBe("''")
    expect(quoteArg('a b')).toBe("'a b'")
    expect(quoteArg("it's")).toBe("'it'\\''s'")
    expect(quoteArg('~')).toBe("'~'")
    expect(() => quoteArg('a\0b')).toThrow(TypeError)
  })

  it('quotes a program name with = so the shell does not read an assignment', () => {
    expect(quoteArgv(['A=b', 'A=b'])).toBe("'A=b' A=b")
  })

  it.each(shells)('round-trips any string through %s (property)', (shell) => {
    const anyChar = fc.string({unit: fc.oneof(fc.constantFrom("'", '"', '\\', '$', '`', ' ', '\t', '\n', '*', '?', '~', '#', ';', '&', '|', '(', '{', '!', '='), fc.string({unit: 'grapheme', minLength: 1, maxLength: 1}), fc.constantFrom('ü', '€', '字', '\x01', '\x7f')), maxLength: 12})
    fc.assert(
      fc.property(fc.array(anyChar.filter((s) => !s.includes('\0')), {minLength: 1, maxLength: 6}), (args) => {
        expect(shellArgv(shell, quoteArgv(args))).toEqual(args)
      }),
      {numRuns: 60},
    )
  })
})

describe('buildRemoteCommand', () => {
  it('execs the argv under env LC_ALL=C, quoted', () => {
    expect(buildRemoteCommand(['xm', 'list', 'my vm'])).toBe("exec env LC_ALL=C xm list 'my vm'")
  })

  it('wraps in sudo -n -- and passes LC_ALL and env through env (sudo resets the environment)', () => {
    expect(buildRemoteCommand(['virsh', 'define', '/tmp/a b.xml'], {sudo: true, env: {LIBVIRT_DEFAULT_URI: 'xen:///system'}})).toBe(
      "exec sudo -n -- env LC_ALL=C LIBVIRT_DEFAULT_URI=xen:///system virsh define '/tmp/a b.xml'",
    )
  })

  it('adds timeout(1) with one second of slack when a timeout is given, falling back when absent', () => {
    expect(buildRemoteCommand(['sleep', '9'], {timeoutMs: 1500, sudo: true})).toBe(
      'if command -v timeout >/dev/null 2>&1; then exec sudo -n -- timeout -k 5 3 env LC_ALL=C sleep 9; else exec sudo -n -- env LC_ALL=C sleep 9; fi',
    )
  })

  it('rejects bad env names and empty argv (programming errors)', () => {
    expect(() => buildRemoteCommand(['true'], {env: {'A;rm': 'x'}})).toThrow(TypeError)
    expect(() => buildRemoteCommand([])).toThrow(TypeError)
  })

  it.each(shells)('the generated line runs the exact argv under %s', (shell) => {
    const argv = ['printf', '%s|', "a'b", '$X', '']
    const out = execFileSync(shell, ['-c', buildRemoteCommand(argv, {env: {X: 'no'}, timeoutMs: 5000})], {encoding: 'utf8'})
    expect(out).toBe("a'b|$X||")
  })
})
