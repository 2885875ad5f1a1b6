/**
 * Where the xen-dom0 lab lives and whether this machine can run it. The lab itself (build,
 * boot, stop scripts) is shared read-only material in `../shared/lab/xen-dom0` relative to the
 * repo; nothing of it is copied here, we only call its scripts by path.
 */
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared')
export const LAB_DIR = join(SHARED_DIR, 'lab', 'xen-dom0')
export const CORPUS_DIR = join(SHARED_DIR, 'corpus')

/** The image cache the shared scripts use (built once, reused by every run). */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XEN_LAB_CACHE ?? join(homedir(), '.cache', 'xen-lab')
}

/**
 * This project's own run dir (QEMU pid, overlay, env file): not the scripts' default
 * `$XEN_LAB_CACHE/run`, so a lab someone booted by hand, or another project's, is never
 * reused or stopped by us. `XEN_LAB_RUN` overrides it (two runs at once need two dirs).
 */
export function labRunDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XEN_LAB_RUN ?? join(labCacheDir(env), 'run-xenlift-lab')
}

/** Where the suite writes its detailed difference reports (JSON + diffs) for humans. */
export function labReportDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XENLIFT_LAB_REPORT ?? join(tmpdir(), 'xenlift-lab-report')
}

/**
 * Env for the shared scripts: ours plus the project-specific run dir, and a boot timeout of
 * 15 min instead of the script's 400 s: on a busy 2-core machine (other jobs compiling) the
 * TCG boot was measured at 270 s, and a slow boot must not fail the suite.
 */
export function labScriptEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {...env, XEN_LAB_CACHE: labCacheDir(env), XEN_LAB_RUN: labRunDir(env), XEN_LAB_BOOT_TIMEOUT: env.XEN_LAB_BOOT_TIMEOUT ?? '900'}
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0
}

/**
 * Why the lab cannot run here, or undefined when it can. Only real impossibilities count:
 * the shared lab is absent, we are not root (build-image needs debootstrap/chroot/mount), or
 * there is no host virsh to talk to it. A missing qemu is not a reason: build-image installs
 * its own Debian packages (qemu-system-x86 among them) when run as root.
 */
export function labSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XENLIFT_LAB_SKIP) return `XENLIFT_LAB_SKIP is set (${env.XENLIFT_LAB_SKIP})`
  if (!existsSync(join(LAB_DIR, 'boot'))) return `${LAB_DIR} is absent (the shared xen-dom0 lab is not on this machine)`
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return `not root (uid ${process.getuid()}): ${LAB_DIR}/build-image needs root for debootstrap, chroot and mounts`
  }
  if (!onPath('virsh')) return 'no virsh on the host (apt-get install libvirt-clients): the suite talks to the lab with the host virsh'
  return undefined
}
