/**
 * vitest globalSetup of the lab suite: build the xen-dom0 image (idempotent), boot it ONCE for
 * the whole run through the shared scripts, hand the libvirt URI to the test files, and always
 * stop it again: in the teardown, when booting fails half-way, and on SIGINT/SIGTERM/SIGHUP or
 * an unexpected exit of the vitest process (a QEMU must never outlive the run).
 *
 * `XENLIFT_LAB_URI=xen+tcp://…` skips build/boot/stop and uses a lab that is already up (for
 * iterating on the suite by hand; CI never sets it).
 */
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {TestProject} from 'vitest/node'
import {LAB_DIR, labRunDir, labScriptEnv, labSkipReason} from './lab-env.js'

export interface LabContext {
  /** Set when the lab cannot run here; every lab test skips with this message. */
  readonly skip?: string
  /** `xen+tcp://127.0.0.1:PORT/system` of the booted dom0's libvirtd (libxl driver). */
  readonly uri?: string
  readonly runDir?: string
  /** Wall times of the infrastructure steps, in ms. */
  readonly timings?: Readonly<Record<string, number>>
}

declare module 'vitest' {
  export interface ProvidedContext {
    xenLab: LabContext
  }
}

function log(msg: string): void {
  process.stderr.write(`[xen-lab] ${msg}\n`)
}

/** Run a shared lab script; its progress (stderr) goes to ours, its stdout is returned. */
function runScript(name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(LAB_DIR, name), [], {env: labScriptEnv(), stdio: ['ignore', 'pipe', 'inherit']})
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolvePromise(out.trim())
      else reject(new Error(`${LAB_DIR}/${name} failed (exit ${code ?? signal}); see its output above`))
    })
  })
}

/** Synchronous `stop`: usable from signal and exit handlers, idempotent. */
function stopLabSync(): void {
  spawnSync(join(LAB_DIR, 'stop'), [], {env: labScriptEnv(), stdio: ['ignore', 'ignore', 'inherit'], timeout: 30_000})
}

export function readEnvFile(path: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m?.[1] === undefined || m[2] === undefined) continue
    vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1')
  }
  return vars
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const given = process.env.XENLIFT_LAB_URI
  if (given) {
    log(`using the already running lab at ${given} (XENLIFT_LAB_URI); not booting or stopping anything`)
    project.provide('xenLab', {uri: given, timings: {}})
    return undefined
  }
  const skip = labSkipReason()
  if (skip) {
    log(`SKIPPING the lab suite: ${skip}`)
    project.provide('xenLab', {skip})
    return undefined
  }

  let stopped = false
  const stopOnce = () => {
    if (stopped) return
    stopped = true
    log(`stopping the lab (${labRunDir()})`)
    stopLabSync()
  }
  const onSignal = (signal: NodeJS.Signals) => {
    stopOnce()
    // Conventional exit status for "killed by signal N" (130 for SIGINT).
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15))
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, onSignal)
  process.on('exit', stopOnce)
  const detach = () => {
    for (const s of signals) process.off(s, onSignal)
    process.off('exit', stopOnce)
  }

  const timings: Record<string, number> = {}
  try {
    let t = Date.now()
    log('build-image (idempotent; ~1m40s the first time on a fresh machine)')
    await runScript('build-image', 15 * 60_000)
    timings.build = Date.now() - t
    // A QEMU left behind by a crashed earlier run of THIS suite (same project run dir) would be
    // reused by `boot` with whatever state it had: stop it so every run starts pristine.
    stopLabSync()
    t = Date.now()
    log(`boot (run dir ${labRunDir()}; ~40 s under TCG)`)
    await runScript('boot', 10 * 60_000)
    timings.boot = Date.now() - t
    const env = readEnvFile(join(labRunDir(), 'env'))
    const uri = env.XEN_LAB_LIBVIRT_URI
    if (!uri) throw new Error(`${labRunDir()}/env has no XEN_LAB_LIBVIRT_URI`)
    log(`lab up: ${uri} (build ${(timings.build / 1000).toFixed(1)} s, boot ${(timings.boot / 1000).toFixed(1)} s)`)
    project.provide('xenLab', {uri, runDir: labRunDir(), timings})
  } catch (error) {
    stopOnce()
    detach()
    throw error
  }
  return () => {
    stopOnce()
    detach()
  }
}
