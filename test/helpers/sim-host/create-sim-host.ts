/**
 * Simulated dom0 hosts for tests: a xend-era root tree plus stand-in commands (`xm`, `xl`,
 * `virsh`, `systemctl`, `apt-get`/`zypper`) that follow the real tools' syntax, output and exit
 * codes and keep their state in files under `<root>/.sim`. See test/helpers/README.md.
 *
 * Locally: `new LocalTransport({env: host.env})` runs the stand-ins (their bin dir is first on
 * PATH). Over SSH: give the sshd harness `{root: host.root, name: host.name, pathPrepend:
 * [host.binDir], env: host.sessionEnv}`.
 */
import {chmod, cp, mkdir, readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

const COMMANDS_DIR = fileURLToPath(new URL('./commands/', import.meta.url))

export type SimProfile = 'sles11-xend' | 'debian7-xend' | 'debian12-libvirt'

export interface SimRunningDomain {
  readonly name: string
  /** Host path (relative to the root) of the config.sxp that `xm list -l` prints. */
  readonly sxp?: string
  readonly memory?: number
  readonly vcpus?: number
  readonly state?: string
  /** `xm shutdown` never brings it down (only `xm destroy` does). */
  readonly ignoresShutdown?: boolean
}

export interface SimHostOptions {
  /** Parent directory; the host root is `<dir>/<name>`. */
  readonly dir: string
  readonly name: string
  readonly profile: SimProfile
  /** A dom0 tree to copy in (e.g. fixtures/demo-host). */
  readonly tree?: string
  /** Overrides the profile: is xend running? */
  readonly xendRunning?: boolean
  /** Overrides the profile's libvirt (false = not installed). */
  readonly libvirt?: {readonly version: string; readonly libxl?: boolean; readonly running?: boolean} | false
  readonly running?: readonly SimRunningDomain[]
  /** Every stand-in sleeps this long (so fleet overlap is visible in the logs). */
  readonly delayMs?: number
  /** Shared log every stand-in appends begin/end lines to. */
  readonly sharedLog?: string
  /** Commands that hang forever (to test timeouts). */
  readonly hangs?: readonly string[]
  /** Packages the repositories offer: name -> version (default: the profile's libvirt packages). */
  readonly available?: Readonly<Record<string, string>>
  /** Packages installed now: name -> version (default: the profile's Xen packages). */
  readonly installed?: Readonly<Record<string, string>>
  /** Fault: every package installation fails (dpkg/rpm maintainer script error). */
  readonly failInstall?: boolean
  /** Fault: libvirtd never answers (virsh always "failed to connect to the hypervisor"). */
  readonly libvirtdNeverAnswers?: boolean
  /** false: xend's units are not installed at all (a host already half-migrated). */
  readonly xendInstalled?: boolean
  /**
   * The login is not root: `xm`/`xl` refuse as they do for a normal user, unless run through
   * the host's `sudo -n` stand-in (which marks the command privileged).
   */
  readonly nonRootLogin?: boolean
}

export interface SimHost {
  readonly name: string
  readonly root: string
  /** Stand-in commands; put first on PATH. */
  readonly binDir: string
  /** Environment for a local session of this host (PATH + XENLIFT_SIM_*). */
  readonly env: Record<string, string>
  /** The XENLIFT_SIM_* part only (for sshd SetEnv). */
  readonly sessionEnv: Record<string, string>
  /** This host's command log lines (`<host> <pid> begin|end …`). */
  commandLog(): Promise<string[]>
  /** Domains defined in the simulated libvirt: name -> uuid. */
  libvirtDomains(): Promise<Record<string, string>>
  /** The XML the simulated libvirt stores for a domain. */
  libvirtXml(name: string): Promise<string>
}

type Profile = {
  files: Record<string, string>
  xen: [number, number, string]
  xend: boolean
  libvirt: SimHostOptions['libvirt']
  pkg: 'apt-get' | 'zypper'
  kernel: string
  installed: Record<string, string>
  available: Record<string, string>
}

const DEBIAN_LIBVIRT = {'libvirt-daemon-system': '9.0.0-4+deb12u2', 'libvirt-daemon-driver-xen': '9.0.0-4+deb12u2', 'libvirt-clients': '9.0.0-4+deb12u2'}
const SUSE_LIBVIRT = {'libvirt-daemon': '5.1.0-8.3', 'libvirt-daemon-driver-libxl': '5.1.0-8.3', 'libvirt-client': '5.1.0-8.3'}

const PROFILES: Record<SimProfile, Profile> = {
  'sles11-xend': {
    files: {
      'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n',
      'usr/lib/xen/boot/hvmloader': 'hvmloader stand-in\n',
      'proc/cpuinfo': 'processor\t: 0\nvendor_id\t: GenuineIntel\n',
      'proc/drbd': 'version: 8.3.13 (api:88/proto:86-96)\n',
    },
    xen: [4, 4, '.4_02-32.1'],
    xend: true,
    libvirt: {version: '1.2.5', libxl: false, running: true},
    pkg: 'zypper',
    kernel: '3.0.101-108.13-xen',
    installed: {xen: '4.4.4_02-32.1', 'xen-tools': '4.4.4_02-32.1', 'libvirt-client': '1.2.5-15.3'},
    available: SUSE_LIBVIRT,
  },
  'debian7-xend': {
    files: {
      'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 7 (wheezy)"\nNAME="Debian GNU/Linux"\nVERSION_ID="7"\nVERSION="7 (wheezy)"\nID=debian\n',
      'etc/debian_version': '7.11\n',
    },
    xen: [4, 1, '.4'],
    xend: true,
    libvirt: false,
    pkg: 'apt-get',
    kernel: '3.2.0-4-amd64',
    installed: {'xen-utils-common': '4.1.4-3+deb7u9', 'xen-hypervisor-4.1-amd64': '4.1.4-3+deb7u9'},
    available: DEBIAN_LIBVIRT,
  },
  'debian12-libvirt': {
    files: {
      'etc/os-release':
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      'etc/debian_version': '12.8\n',
      // The target profile's facts: Debian's versioned firmware dir, the lab's AMD vendor, the in-tree DRBD 8.4.
      'usr/lib/xen-4.17/boot/hvmloader': 'hvmloader stand-in\n',
      'proc/cpuinfo': 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: QEMU Virtual CPU version 2.5+\n',
      'proc/drbd': 'version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 211FB288A383ED945B83420 \n',
    },
    xen: [4, 17, '.5-pre'],
    xend: false,
    libvirt: {version: '9.0.0', libxl: true, running: true},
    pkg: 'apt-get',
    kernel: '6.1.0-28-amd64',
    installed: {'xen-utils-common': '4.17.5+23-ga4e5191b1f-1', ...DEBIAN_LIBVIRT},
    available: DEBIAN_LIBVIRT,
  },
}

export async function createSimHost(opts: SimHostOptions): Promise<SimHost> {
  const p = PROFILES[opts.profile]
  const root = path.join(opts.dir, opts.name)
  await mkdir(root, {recursive: true})
  if (opts.tree) await cp(opts.tree, root, {recursive: true, verbatimSymlinks: true})
  for (const [rel, text] of Object.entries(p.files)) {
    await mkdir(path.dirname(path.join(root, rel)), {recursive: true})
    await writeFile(path.join(root, rel), text)
  }
  const sim = path.join(root, '.sim')
  const binDir = path.join(sim, 'bin')
  await mkdir(path.join(sim, 'xen'), {recursive: true})
  await mkdir(binDir, {recursive: true})
  const libvirt = opts.libvirt !== undefined ? opts.libvirt : p.libvirt
  const xend = opts.xendRunning ?? p.xend
  const config = {
    hostname: opts.name,
    profile: opts.profile,
    xenVersion: p.xen,
    kernelRelease: p.kernel,
    nrCpus: 4,
    ...(libvirt ? {libvirt: {version: libvirt.version, libxl: libvirt.libxl ?? true}} : {}),
    ...(opts.delayMs ? {delayMs: opts.delayMs} : {}),
    ...(opts.hangs ? {hangs: opts.hangs} : {}),
    ...(opts.nonRootLogin ? {nonRootLogin: true} : {}),
    available: opts.available ?? p.available,
    // Daemon packages bring virsh and a running libvirtd; driver packages the libxl driver,
    // which a running libvirtd loads at its next start (systemctl restart libvirtd).
    packageEffects: {
      'libvirt-daemon-system': {libvirt: {version: '9.0.0'}},
      'libvirt-daemon': {libvirt: {version: '5.1.0'}},
      'libvirt-daemon-driver-xen': {libxlDriver: true},
      'libvirt-daemon-driver-libxl': {libxlDriver: true},
      libvirt: {libvirt: {version: '9.0.0', libxl: true}},
    },
    ...(opts.failInstall ? {failInstall: true} : {}),
    ...(opts.libvirtdNeverAnswers ? {libvirtdNeverAnswers: true} : {}),
    ...(opts.xendInstalled === false ? {xendInstalled: false} : {}),
  }
  await writeFile(path.join(sim, 'host.json'), `${JSON.stringify(config, null, 2)}\n`)
  if (xend) await writeFile(path.join(sim, 'xend.running'), '')
  await writeFile(path.join(sim, 'packages.json'), `${JSON.stringify(opts.installed ?? p.installed, null, 2)}\n`)
  await mkdir(path.join(sim, 'enabled'), {recursive: true})
  if (xend) for (const u of ['xend', 'xendomains']) await writeFile(path.join(sim, 'enabled', u), '')
  if (libvirt && libvirt.running !== false) await writeFile(path.join(sim, 'enabled', 'libvirtd'), '')
  if (libvirt && libvirt.running !== false) await writeFile(path.join(sim, 'libvirtd.running'), '')
  let domid = 0
  const running = (opts.running ?? []).map((d) => ({
    name: d.name,
    domid: ++domid,
    memory: d.memory ?? 512,
    vcpus: d.vcpus ?? 1,
    state: d.state ?? '-b----',
    cpuTime: 10.5 * domid,
    ...(d.ignoresShutdown ? {ignoresShutdown: true} : {}),
    ...(d.sxp ? {sxp: d.sxp} : {}),
  }))
  await writeFile(path.join(sim, 'xen', 'running.json'), `${JSON.stringify(running, null, 2)}\n`)
  const commands = ['xm', 'xl', 'virsh', 'systemctl', 'sudo', p.pkg, p.pkg === 'apt-get' ? 'dpkg-query' : 'rpm']
  for (const c of commands) {
    const wrapper = [
      '#!/bin/sh',
      `# xenlift test stand-in for ${c} on simulated host ${opts.name}`,
      `: "\${XENLIFT_SIM_ROOT:=${root}}"`,
      `: "\${XENLIFT_SIM_HOST:=${opts.name}}"`,
      ...(opts.sharedLog ? [`: "\${XENLIFT_SIM_LOG:=${opts.sharedLog}}"`, 'export XENLIFT_SIM_LOG'] : []),
      'export XENLIFT_SIM_ROOT XENLIFT_SIM_HOST',
      `exec '${process.execPath}' '${path.join(COMMANDS_DIR, `${c}.mjs`)}' "$@"`,
      '',
    ].join('\n')
    await writeFile(path.join(binDir, c), wrapper)
    await chmod(path.join(binDir, c), 0o755)
  }
  const sessionEnv: Record<string, string> = {
    XENLIFT_SIM_ROOT: root,
    XENLIFT_SIM_HOST: opts.name,
    ...(opts.sharedLog ? {XENLIFT_SIM_LOG: opts.sharedLog} : {}),
  }
  const env = {...(process.env as Record<string, string>), ...sessionEnv, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`}
  const readJson = async (rel: string): Promise<Record<string, {uuid: string}>> => {
    try {
      return JSON.parse(await readFile(path.join(sim, rel), 'utf8')) as Record<string, {uuid: string}>
    } catch {
      return {}
    }
  }
  return {
    name: opts.name,
    root,
    binDir,
    env,
    sessionEnv,
    commandLog: async () => (await readFile(path.join(sim, 'commands.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    libvirtDomains: async () => Object.fromEntries(Object.entries(await readJson('libvirt/domains.json')).map(([n, d]) => [n, d.uuid])),
    libvirtXml: (name) => readFile(path.join(sim, 'libvirt', 'xml', `${name}.xml`), 'utf8'),
  }
}

/**
 * Max number of hosts "in flight" at once, read from a shared stand-in log: a host is in flight
 * from its first `begin` line to its last `end` line. Order of lines, not time, decides.
 */
export function maxHostsInFlight(lines: readonly string[]): number {
  const first = new Map<string, number>()
  const last = new Map<string, number>()
  lines.forEach((l, i) => {
    const h = l.split(' ')[0] as string
    if (!first.has(h)) first.set(h, i)
    last.set(h, i)
  })
  let max = 0
  for (let i = 0; i < lines.length; i++) {
    let n = 0
    for (const [h, f] of first) if (f <= i && (last.get(h) as number) >= i) n++
    max = Math.max(max, n)
  }
  return max
}
