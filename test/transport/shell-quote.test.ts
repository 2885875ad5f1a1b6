import {execFileSync} from 'node:child_process'
import {existsSync, realpathSync} from 'node:fs'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {quoteArg, quoteArgv} from '../../src/transport/shell-quote.js'
import {buildRemoteCommand} from '../../src/transport/ssh/remote-command.js'

/**
 * Run many quoted command lines through ONE real shell process (a spawn per sample made this test
 * slow under load) and get back the argv each produced: `set -- <line>` then the count and the
 * words, NUL-separated.
 */
function shellArgvs(shell: string, lines: readonly string[]): string[][] {
  const script = lines.map((line) => `set -- ${line}; printf '%s\\0' "$#"; for a; do printf '%s\\0' "$a"; done`).join('\n')
  const words = execFileSync(shell, ['-c', script], {encoding: 'utf8', maxBuffer: 64 << 20}).split('\0')
  const out: string[][] = []
  let i = 0
  for (const _ of lines) {
    const n = Number(words[i++])
    out.push(words.slice(i, i + n))
    i += n
  }
  return out
}

/** csh and tcsh, login shells some dom0s' root still has: the remote command line must survive them too. */
const cshells = [...new Set(['/usr/bin/tcsh', '/bin/csh'].flatMap((s) => (existsSync(s) ? [realpathSync(s)] : [])))]

/** The argv a csh-family shell reads from each quoted line (`printf` of each word, NUL-separated; csh has no `set --`). */
function cshArgvs(shell: string, lines: readonly string[]): string[][] {
  const END = '\x01end\x01'
  const script = lines.map((line) => `/usr/bin/printf '%s\\0' ${line} '${END}'`).join('\n')
  const words = execFileSync(shell, ['-f', '-c', script], {encoding: 'utf8', maxBuffer: 64 << 20}).split('\0')
  const out: string[][] = [[]]
  for (const w of words.slice(0, -1)) {
    if (w === END) out.push([])
    else out.at(-1)?.push(w)
  }
  return out.slice(0, -1)
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

  it.each(shells)('round-trips any string through %s (property, 300 generated argvs)', (shell) => {
    const anyChar = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '\\', '$', '`', ' ', '\t', '\n', '*', '?', '~', '#', ';', '&', '|', '(', '{', '!', '='),
        fc.string({unit: 'grapheme', minLength: 1, maxLength: 1}),
        fc.constantFrom('ü', '€', '字', '\x01', '\x7f'),
      ),
      maxLength: 12,
    })
    const cases = fc.sample(fc.array(anyChar.filter((s) => !s.includes('\0')), {minLength: 1, maxLength: 6}), 300)
    expect(shellArgvs(shell, cases.map((args) => quoteArgv(args)))).toEqual(cases)
  })

  it.each(cshells)('round-trips any string without a newline through %s (a csh login shell; property, 100 generated argvs)', (shell) => {
    const anyChar = fc.string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '\\', '$', '`', ' ', '\t', '*', '?', '~', '#', ';', '&', '|', '(', '{', '!', '=', '^', '%'),
        fc.string({unit: 'grapheme', minLength: 1, maxLength: 1}),
        fc.constantFrom('ü', '€', '字', '\x7f'),
      ),
      maxLength: 12,
    })
    const cases = fc.sample(fc.array(anyChar.filter((s) => !/[\0\n]/.test(s)), {minLength: 1, maxLength: 6}), 100)
    expect(cshArgvs(shell, cases.map((args) => quoteArgv(args)))).toEqual(cases)
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
      "exec sh -c 'if command -v timeout >/dev/null 2>&1; then exec sudo -n -- timeout -k 5 3 env LC_ALL=C sleep 9; else exec sudo -n -- env LC_ALL=C sleep 9; fi'",
    )
  })

  it('without sudo, lets the timeout branch\'s sh export the environment (no env process)', () => {
    expect(buildRemoteCommand(['xm', 'list'], {timeoutMs: 1000, env: {LC_ALL: 'C', X: 'y'}})).toBe(
      "exec sh -c 'export LC_ALL=C X=y; if command -v timeout >/dev/null 2>&1; then exec timeout -k 5 2 xm list; else exec xm list; fi'",
    )
  })

  it('sends a self-limited command (the snapshot script) bare: no env, sh -c or timeout layer, even with a timeout', () => {
    expect(buildRemoteCommand(['sh', '-s'], {selfLimited: true, timeoutMs: 60_000})).toBe('exec sh -s')
    expect(() => buildRemoteCommand(['sh', '-s'], {selfLimited: true, sudo: true})).toThrow(TypeError)
    expect(() => buildRemoteCommand(['sh', '-s'], {selfLimited: true, env: {LC_ALL: 'C'}})).toThrow(TypeError)
  })

  it('rejects bad env names and empty argv (programming errors)', () => {
    expect(() => buildRemoteCommand(['true'], {env: {'A;rm': 'x'}})).toThrow(TypeError)
    expect(() => buildRemoteCommand([])).toThrow(TypeError)
  })

  it.each([...shells, ...cshells])('the generated line runs the exact argv under %s, with and without a timeout', (shell) => {
    const argv = ['printf', '%s|', "a'b", '$X', '', 'x!y', '!', '`id`']
    for (const timeoutMs of [undefined, 5000]) {
      const out = execFileSync(shell, ['-c', buildRemoteCommand(argv, {env: {X: 'no'}, ...(timeoutMs !== undefined ? {timeoutMs} : {})})], {encoding: 'utf8'})
      expect(out).toBe("a'b|$X||x!y|!|`id`|")
      // The environment reaches the program, LC_ALL=C once, a hostile value intact.
      const env = {X: "it's $HOME `id` \\ !x", LC_ALL: 'C'}
      const shown = execFileSync(shell, ['-c', buildRemoteCommand(['sh', '-c', 'printf "%s|%s" "$LC_ALL" "$X"'], {env, ...(timeoutMs !== undefined ? {timeoutMs} : {})})], {
        encoding: 'utf8',
        env: {...process.env, LC_ALL: 'C.UTF-8'},
      })
      expect(shown).toBe(`C|${env.X}`)
    }
  })
})
