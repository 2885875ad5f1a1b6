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
  /** Packages the repositories offer: name -> version. */
  readonly available?: Readonly<Record<string, string>>
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

const PROFILES: Record<SimProfile, {files: Record<string, string>; xen: [number, number, string]; xend: boolean; libvirt: SimHostOptions['libvirt']; pkg: 'apt-get' | 'zypper'; kernel: string}> = {
  'sles11-xend': {
    files: {'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n'},
    xen: [4, 4, '.4_02-32.1'],
    xend: true,
    libvirt: {version: '1.2.5', libxl: false, running: true},
    pkg: 'zypper',
    kernel: '3.0.101-108.13-xen',
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
  },
  'debian12-libvirt': {
    files: {
      'etc/os-release':
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      'etc/debian_version': '12.8\n',
    },
    xen: [4, 17, '.5-pre'],
    xend: false,
    libvirt: {version: '9.0.0', libxl: true, running: true},
    pkg: 'apt-get',
    kernel: '6.1.0-28-amd64',
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
    available: opts.available ?? {},
    packageEffects: {'libvirt-daemon-system': {libvirt: {version: '9.0.0', libxl: true}}, libvirt: {libvirt: {version: '9.0.0', libxl: true}}},
  }
  await writeFile(path.join(sim, 'host.json'), `${JSON.stringify(config, null, 2)}\n`)
  if (xend) await writeFile(path.join(sim, 'xend.running'), '')
  if (libvirt && libvirt.running !== false) await writeFile(path.join(sim, 'libvirtd.running'), '')
  let domid = 0
  const running = (opts.running ?? []).map((d) => ({
    name: d.name,
    domid: ++domid,
    memory: d.memory ?? 512,
    vcpus: d.vcpus ?? 1,
    state: d.state ?? '-b----',
    cpuTime: 10.5 * domid,
    ...(d.sxp ? {sxp: d.sxp} : {}),
  }))
  await writeFile(path.join(sim, 'xen', 'running.json'), `${JSON.stringify(running, null, 2)}\n`)
  const commands = ['xm', 'xl', 'virsh', 'systemctl', p.pkg]
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
