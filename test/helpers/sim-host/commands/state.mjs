// Shared state of a simulated dom0: everything lives in files under $XENLIFT_SIM_ROOT/.sim,
// so several processes (and several stand-in commands) see one consistent host.
import {appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const root = process.env.XENLIFT_SIM_ROOT ?? '/'
export const host = process.env.XENLIFT_SIM_HOST ?? 'localhost'
export const simDir = join(root, '.sim')

export function statePath(...parts) {
  return join(simDir, ...parts)
}

export function readJson(rel, fallback) {
  try {
    return JSON.parse(readFileSync(statePath(rel), 'utf8'))
  } catch {
    return fallback
  }
}

export function writeJson(rel, value) {
  const p = statePath(rel)
  mkdirSync(join(p, '..'), {recursive: true})
  writeFileSync(`${p}.tmp-${process.pid}`, `${JSON.stringify(value, null, 2)}\n`)
  renameSync(`${p}.tmp-${process.pid}`, p)
}

export function flag(rel) {
  return existsSync(statePath(rel))
}

export function setFlag(rel, on) {
  const p = statePath(rel)
  if (on) {
    mkdirSync(join(p, '..'), {recursive: true})
    writeFileSync(p, '')
  } else rmSync(p, {force: true})
}

export function listDir(rel) {
  try {
    return readdirSync(statePath(rel)).sort()
  } catch {
    return []
  }
}

/** The host's config: profile facts written by createSimHost (host.json). */
export function hostConfig() {
  return readJson('host.json', {})
}

/**
 * Every invocation is logged (one line on begin, one on end, O_APPEND so lines from concurrent
 * processes never interleave): per host in .sim/commands.log and, when set, in the shared
 * $XENLIFT_SIM_LOG that fleet tests read to observe concurrency without timing.
 */
export function logBegin(cmd, args) {
  const line = `${host} ${process.pid} begin ${[cmd, ...args].join(' ')}\n`
  try {
    mkdirSync(simDir, {recursive: true})
    appendFileSync(statePath('commands.log'), line)
    if (process.env.XENLIFT_SIM_LOG) appendFileSync(process.env.XENLIFT_SIM_LOG, line)
  } catch {}
}

export function logEnd(cmd, code) {
  const line = `${host} ${process.pid} end ${cmd} ${code}\n`
  try {
    appendFileSync(statePath('commands.log'), line)
    if (process.env.XENLIFT_SIM_LOG) appendFileSync(process.env.XENLIFT_SIM_LOG, line)
  } catch {}
}

/** Optional artificial latency (per host config), so overlap shows in the logs. */
export function delay() {
  const ms = Number(hostConfig().delayMs ?? process.env.XENLIFT_SIM_DELAY_MS ?? 0)
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export class Exit extends Error {
  constructor(code) {
    super(`exit ${code}`)
    this.exitCode = code
  }
}

/** Run a command body with logging; the body writes to stdout/stderr and returns an exit code. */
export function main(cmd, body) {
  const args = process.argv.slice(2)
  logBegin(cmd, args)
  delay()
  // A wedged tool (virsh behind a dead libvirtd, xm behind a stuck xend): never returns.
  if ((hostConfig().hangs ?? []).includes(cmd)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3_600_000)
  let code
  try {
    code = body(args) ?? 0
  } catch (e) {
    if (e instanceof Exit) code = e.exitCode
    else {
      process.stderr.write(`${cmd}: internal error in stand-in: ${e.stack}\n`)
      code = 70
    }
  }
  logEnd(cmd, code)
  process.exitCode = code
}

export function out(text) {
  process.stdout.write(text)
}

export function err(text) {
  process.stderr.write(text)
}

/** xend is up when its state flag says so (systemctl start xend / rcxend start). */
export function xendRunning() {
  return flag('xend.running')
}

export function libvirtdRunning() {
  return flag('libvirtd.running')
}

/** Running domains under xend: [{name, domid, memory, vcpus, state, cpuTime, uuid, sxp?}]. */
export function runningDomains() {
  return readJson('xen/running.json', [])
}

/**
 * The session may act as root: the login is root, or the command came through the `sudo -n`
 * stand-in (which sets XENLIFT_SIM_SUDO; the env reaches the tool through `timeout` and `env`).
 */
export function privileged() {
  return !hostConfig().nonRootLogin || process.env.XENLIFT_SIM_SUDO === '1'
}
