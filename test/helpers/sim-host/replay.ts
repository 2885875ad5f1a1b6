import {mkdir, readdir, readFile, rename, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import type {SimHost} from './create-sim-host.js'

/**
 * For benchmarks of READ-ONLY runs (`upgrade plan`, `scan`) over many simulated hosts on one
 * machine: each stand-in answers a given command line from the Node stand-in the first time and
 * replays that answer (stdout, stderr, exit code) after, with `sh`, `cksum` and `cat`.
 *
 * Why: a stand-in is a Node process, ~0.1 s of CPU to start on the 2-core bench machine, and a
 * plan asks five of them per host. A real dom0 runs its `xm`/`virsh` on its own CPUs; here they
 * would eat the controller's, so a 100-host fleet measured the simulation, not xenlift. With
 * replay, what a host still costs this machine is what a real one costs the controller's side
 * of the wire in kind: sshd, the login shell and the gather script's own processes.
 *
 * Never for a run that changes a host: the recorded answers would go stale (there is no
 * invalidation). A command line not seen before still reaches the real stand-in.
 */
export async function replayStandIns(host: SimHost): Promise<void> {
  const cache = path.join(host.root, '.sim', 'replay')
  await mkdir(cache, {recursive: true})
  for (const cmd of await readdir(host.binDir)) {
    if (cmd.endsWith('.live')) continue
    const wrapper = path.join(host.binDir, cmd)
    const live = `${wrapper}.live`
    const text = await readFile(wrapper, 'utf8')
    if (text.includes('replayed stand-in')) continue
    await rename(wrapper, live)
    await writeFile(wrapper, replayWrapper(cmd, live, cache), {mode: 0o755})
  }
}

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
const RS = '\x1e'

/**
 * After a recording run: answer every command line recorded so far with shell built-ins only
 * (a `case` on the argv, `printf`, `exit`), so a replay costs the host one `sh` and nothing
 * else, as cheap as the simulation can make a command that a real dom0 runs on its own CPUs.
 * Command lines not recorded yet still go through the recorder. Idempotent.
 */
export async function freezeReplays(host: SimHost): Promise<void> {
  const cache = path.join(host.root, '.sim', 'replay')
  const files = await readdir(cache).catch(() => [] as string[])
  for (const cmd of await readdir(host.binDir)) {
    if (cmd.endsWith('.live')) continue
    const wrapper = path.join(host.binDir, cmd)
    if (!(await readFile(wrapper, 'utf8')).includes('replayed stand-in')) continue
    const prefix = `${cmd.replace(/[^A-Za-z0-9_-]/g, '_')}-`
    const cases: string[] = []
    for (const f of files.filter((n) => n.startsWith(prefix) && n.endsWith('.argv'))) {
      const base = path.join(cache, f.slice(0, -'.argv'.length))
      const argv = (await readFile(`${base}.argv`, 'utf8')).split(RS).slice(0, -1)
      // The recorded argv starts with the command's own name (see replayWrapper's key).
      const args = argv.slice(1)
      const [out, err, rc] = await Promise.all([readFile(`${base}.out`, 'utf8'), readFile(`${base}.err`, 'utf8'), readFile(`${base}.rc`, 'utf8')])
      const key = `${args.length}${RS}${args.join(RS)}`
      cases.push(`${q(key)}) printf '%s' ${q(out)}; printf '%s' ${q(err)} >&2; exit ${Number(rc.trim())};;`)
    }
    const frozen = [`IFS=${q(RS)}`, 'case "$#$IFS$*" in', ...cases, 'esac', 'unset IFS']
    await writeFile(wrapper, replayWrapper(cmd, `${wrapper}.live`, cache, frozen), {mode: 0o755})
  }
}

/** `sh -n`-clean POSIX sh; the key is the argv's CRC and length (cksum), record separator 0x1e. */
function replayWrapper(cmd: string, live: string, cache: string, frozen: readonly string[] = []): string {
  return [
    '#!/bin/sh',
    `# replayed stand-in for ${cmd} (test/helpers/sim-host/replay.ts): read-only benchmarks only`,
    ...frozen,
    `C=${q(cache)}`,
    `k=$(printf '%s\\036' ${q(cmd)} "$@" | cksum)`,
    `k=${cmd.replace(/[^A-Za-z0-9_-]/g, '_')}-\${k%% *}-\${k##* }`,
    'if [ -f "$C/$k.rc" ]; then cat "$C/$k.out"; cat "$C/$k.err" >&2; read rc <"$C/$k.rc"; exit "$rc"; fi',
    `${q(live)} "$@" >"$C/$k.out.$$" 2>"$C/$k.err.$$"`,
    'rc=$?',
    'cat "$C/$k.out.$$"; cat "$C/$k.err.$$" >&2',
    'mv "$C/$k.out.$$" "$C/$k.out"; mv "$C/$k.err.$$" "$C/$k.err"',
    // The command line itself, for freezeReplays.
    `printf '%s\\036' ${q(cmd)} "$@" >"$C/$k.argv"`,
    'echo "$rc" >"$C/$k.rc.$$"; mv "$C/$k.rc.$$" "$C/$k.rc"',
    'exit "$rc"',
    '',
  ].join('\n')
}
