/**
 * Make the booted lab dom0 look like an old xend host, and read its state back (issue 10, "On
 * the real lab"). Everything runs inside dom0 as root through the shared `ssh` script; the
 * planting itself is `xend-host/plant.sh`, the `xm` it installs is `xend-host/xm` (xm's
 * subcommands and output over the real xl).
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {labRunDir, labScriptEnv} from './lab-env.js'

const HERE = new URL('./xend-host/', import.meta.url)

export interface DomSshResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Run `command` (a shell command line) as root in dom0; `input` goes to its stdin. The shared
 * `ssh` script's options, but a 60 s connect timeout instead of its 5 s: on a loaded 2-core
 * machine the emulated sshd was measured taking over a minute for its banner.
 */
export function dom0(command: string, input = '', timeoutMs = 300_000): Promise<DomSshResult> {
  const {port, keyFile} = labSsh()
  // One multiplexed connection for all calls: each new SSH handshake with the emulated dom0 was
  // measured at up to a minute on a loaded machine.
  const control = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(labRunDir(labScriptEnv()), 'xenlift-ssh-%r@%h:%p')}`, '-o', 'ControlPersist=300']
  const opts = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=60', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', ...control]
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ssh', ['-i', keyFile, '-p', String(port), ...opts, 'root@127.0.0.1', command], {stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({code, stdout, stderr})
    })
    child.stdin.end(input)
  })
}

/** Like {@link dom0}, but a non-zero exit is an error carrying the command's stderr. */
export async function dom0Ok(command: string, input = '', timeoutMs?: number): Promise<string> {
  const r = await dom0(command, input, timeoutMs)
  if (r.code !== 0) throw new Error(`dom0: \`${command}\` exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`)
  return r.stdout
}

export interface LabSsh {
  readonly port: number
  readonly keyFile: string
}

/** The SSH port and root key of the booted lab (from the run dir's env file). */
export function labSsh(): LabSsh {
  const env: Record<string, string> = {}
  for (const line of readFileSync(join(labRunDir(labScriptEnv()), 'env'), 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m?.[1] !== undefined && m[2] !== undefined) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1')
  }
  const port = Number(env.XEN_LAB_SSH_PORT)
  const keyFile = env.XEN_LAB_SSH_KEY
  if (!Number.isInteger(port) || keyFile === undefined) throw new Error(`${labRunDir()}/env lacks XEN_LAB_SSH_PORT/XEN_LAB_SSH_KEY`)
  return {port, keyFile}
}

export interface XendTree {
  readonly labpvUuid: string
  readonly labvncUuid: string
  /** labvnc's `vncpasswd`: must reach libvirt, and never any report. */
  readonly vncPassword: string
}

/** Plant the xend-era host (see plant.sh) and start xend; starts no guest. */
export async function plantXendHost(tree: XendTree): Promise<void> {
  const xm = readFileSync(new URL('xm', HERE), 'utf8')
  const plant = readFileSync(new URL('plant.sh', HERE), 'utf8')
  // The script arrives on stdin (no quoting of the stand-in through a command line).
  const preamble = [
    `export LABPV_UUID='${tree.labpvUuid}' LABVNC_UUID='${tree.labvncUuid}' VNC_PASSWORD='${tree.vncPassword}'`,
    `XM_SCRIPT=$(cat <<'XENLIFT_XM_EOF'\n${xm}\nXENLIFT_XM_EOF\n)`,
    'export XM_SCRIPT',
  ].join('\n')
  await dom0Ok('bash -s', `${preamble}\n${plant}`)
}

/** How many times the guest's /init reported up on its console (the log survives restarts). */
export async function guestUpCount(name: string): Promise<number> {
  const r = await dom0(`grep -c 'tiny-guest: up' /var/log/xen/console/guest-${name}.log 2>/dev/null || true`)
  return Number(r.stdout.trim() || '0')
}

/** Wait until the guest's /init has come up more than `before` times (a real boot, not a state). */
export async function waitGuestUp(name: string, before: number, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if ((await guestUpCount(name)) > before) return
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error(`guest ${name} did not come up within ${timeoutMs / 1000} s (console: /var/log/xen/console/guest-${name}.log)`)
}

/** Names of the domains xl runs now (Domain-0 left out). */
export async function xlRunning(): Promise<string[]> {
  const out = await dom0Ok('xl list')
  return out
    .split('\n')
    .slice(1)
    .map((l) => /^(.*?)\s+\d+\s+\d+\s+\d+\s+\S{6}\s/.exec(l)?.[1]?.trim())
    .filter((n): n is string => n !== undefined && n !== 'Domain-0')
}

/** `systemctl is-enabled` and `is-active` of a unit, e.g. `enabled active`. */
export async function unitState(unit: string): Promise<string> {
  const r = await dom0(`echo "$(systemctl is-enabled ${unit} 2>/dev/null || true) $(systemctl is-active ${unit} 2>/dev/null || true)"`)
  return r.stdout.trim()
}

/**
 * Put the lab back as the other lab tests expect it: no guests, no xend, libvirtd with all its
 * sockets (the host's virsh reaches it through libvirtd-tcp.socket), nothing of ours left.
 * The sockets must be up BEFORE libvirtd starts, or it does not receive them.
 */
export async function restoreLab(): Promise<void> {
  await dom0(
    [
      'for d in $(xl list | awk \'NR>1 && $1 != "Domain-0" {print $1}\'); do xl destroy "$d"; done',
      'for d in $(virsh -c xen:///system list --all --name 2>/dev/null); do virsh -c xen:///system destroy "$d" >/dev/null 2>&1; virsh -c xen:///system undefine "$d" >/dev/null 2>&1; done',
      'systemctl disable --now xend.service >/dev/null 2>&1; rm -f /etc/systemd/system/xend.service /usr/sbin/xm; systemctl daemon-reload',
      'rm -rf /var/lib/xend /etc/xen/labxm /etc/xen/auto/labxm /etc/xen/xend-config.sxp /var/lib/xenlift',
      "sed -i '/^TOOLSTACK=/d' /etc/default/xen",
      '[ -e /etc/apt/sources.list.xenlift-lab ] && mv /etc/apt/sources.list.xenlift-lab /etc/apt/sources.list',
      'systemctl stop libvirtd.service',
      'systemctl enable libvirtd.service libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket libvirtd-tcp.socket >/dev/null 2>&1',
      'systemctl start libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket libvirtd-tcp.socket',
      'systemctl start libvirtd.service',
      'for i in $(seq 1 60); do virsh -c xen:///system uri >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1',
    ].join('\n'),
  )
}
