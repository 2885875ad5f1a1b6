/**
 * # sshd harness: real OpenSSH servers on loopback, one per simulated dom0
 *
 * ```ts
 * const lab = await startSshd({hosts: [{address: '127.0.0.2', root: dir2}, {address: '127.0.0.3', root: dir3}]})
 * const t = await connectSsh({host: '127.0.0.2', port: lab.port, user: lab.user},
 *   {identityFiles: [lab.clientKeyFile], knownHostsFiles: [lab.knownHostsFile]})
 * await t.exec(['sh', '-c', 'echo $XENLIFT_SIM_ROOT'])   // -> dir2
 * await lab.stop()
 * ```
 *
 * Shape (why): every simulated host gets its OWN `/usr/sbin/sshd -D -e -f <config>` process,
 * listening on its own loopback address (127.0.0.2 … 127.0.0.N) and the SAME port, with its OWN
 * generated ed25519 host key. That keeps hosts realistic for the things we test: known_hosts
 * entries are per host (`[127.0.0.3]:port`), a "changed key" or a ProxyJump hop is verified
 * against the right key, and killing one host does not touch the others. (One sshd with
 * `Match LocalAddress` cannot give per-address host keys: `HostKey` is not allowed in `Match`;
 * and sshd has a compiled-in limit of 16 listen sockets.) 50 hosts = 50 idle sshd processes,
 * which is cheap.
 *
 * Each host's "filesystem" is a plain directory: sshd's `SetEnv` exports
 * `XENLIFT_SIM_ROOT=<root>` and `XENLIFT_SIM_HOST=<name>` into every session, `HOME` is a
 * per-host empty dir (so the real ~/.bashrc is not sourced per command: ~1 s each here), and
 * `pathPrepend` dirs go in front of `PATH`, so stand-in commands (`xm`, `virsh`, `systemctl`,
 * `zypper`, …) put in such a dir read and write files under `$XENLIFT_SIM_ROOT`. No chroot, no
 * ForceCommand: the session is a normal login as the current user (root in CI), running the
 * user's normal shell, so quoting, `sh -c`, exit codes and signals behave exactly as on a dom0.
 *
 * Generated per lab (in a temp dir, removed by `stop()`): host keys, one client key
 * (`clientKeyFile`, in `authorized_keys` via `AuthorizedKeysFile`, never touching ~/.ssh),
 * `knownHostsFile` with plain `[addr]:port` lines for every host, and `hostKeyFingerprints`
 * (`SHA256:…`, as OpenSSH prints them). sshd runs with `StrictModes no`, `UsePAM no`,
 * key auth only, `MaxSessions` (default 10, settable per lab or per host to prove the channel
 * limiter), `Subsystem sftp internal-sftp`, TCP forwarding on (for ProxyJump).
 *
 * Faults: `killSessions(addr)` SIGKILLs that host's per-connection sshd children (the
 * connection drops mid-command, the listener stays up); `signalSessions(addr, 'SIGSTOP')`
 * freezes them (a peer that silently vanished: only keepalive notices); `stopHost(addr)` stops
 * the listener too. Everything is killed on `stop()` and, as a last resort, on process exit.
 *
 * Needs: root (or the same user as the session), `/usr/sbin/sshd`, `ssh-keygen`, loopback
 * addresses 127.0.0.0/8 (Linux routes all of them to `lo`). `sshdAvailable()` tells tests to
 * skip cleanly when these are missing. sshd needs its privilege-separation dir `/run/sshd`;
 * the harness creates it when absent (as `service ssh start` would).
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {connect, createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

const SSHD = '/usr/sbin/sshd'

export interface SimHostSpec {
  /** Loopback address the host listens on, e.g. `127.0.0.2`. */
  readonly address: string
  /** Name for logs and `XENLIFT_SIM_HOST` (default: the address). */
  readonly name?: string
  /** The simulated host's filesystem root, exported as `XENLIFT_SIM_ROOT`. */
  readonly root?: string
  /** Extra environment for every session of this host (sshd `SetEnv`). */
  readonly env?: Readonly<Record<string, string>>
  /** Directories put in front of PATH (stand-in commands). */
  readonly pathPrepend?: readonly string[]
  /**
   * The session's HOME. Default: an empty per-host dir in the lab, so the real user's
   * ~/.bashrc (Debian's bash sources it for every ssh command; pyenv & co. cost ~1 s each) is
   * not read, and each host has its own home like a real dom0.
   */
  readonly home?: string
  /** `false`: no `Subsystem sftp` (a host whose admin disabled SFTP). */
  readonly sftp?: boolean
  /** More host keys besides ed25519 (e.g. `['rsa']`), to test host key algorithm ordering. */
  readonly extraHostKeyTypes?: readonly ('rsa' | 'ecdsa' | 'dsa')[]
  /** Overrides the lab-wide MaxSessions for this host. */
  readonly maxSessions?: number
  /**
   * The login shell commands run under, e.g. `/usr/bin/tcsh` (csh is still root's shell on some
   * old hosts): each command line goes to `SHELL -c LINE`, as sshd hands it to a user's login
   * shell, through a ForceCommand (the harness logs in as the current user, whose shell stays
   * untouched); SFTP still reaches sftp-server. Default: the user's own shell.
   */
  readonly loginShell?: string
  /**
   * Extra raw sshd_config lines. They go BEFORE the harness defaults, because sshd keeps the
   * first value it reads (so `AllowTcpForwarding no` wins); a `Match` block and what follows it
   * goes at the end, where Match blocks must be.
   */
  readonly extraConfig?: readonly string[]
}

export interface StartSshdOptions {
  readonly hosts: readonly SimHostSpec[]
  /** sshd MaxSessions (channels per connection); OpenSSH's default is 10. */
  readonly maxSessions?: number
  /** Fixed port; by default a free one is picked (and retried if taken meanwhile). */
  readonly port?: number
  /**
   * Run every sshd inside this network namespace (`ip netns exec`), made by the caller (e.g.
   * with netem delay on its loopback). Clients must run in it too; readiness is then read from
   * sshd's "Server listening" line, since this process cannot connect into the namespace.
   */
  readonly netns?: string
}

export interface SimHost {
  readonly address: string
  readonly name: string
  readonly root: string | undefined
  /** `SHA256:…` of this host's ed25519 key, as `ssh-keygen -l` prints it. */
  readonly fingerprint: string
  /** `ssh-ed25519 AAAA…` */
  readonly publicKey: string
  /** Every host public key, by type (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`). */
  readonly publicKeys: Readonly<Record<string, string>>
  readonly hostKeyFile: string
  readonly configFile: string
  /** The listener's pid. */
  readonly pid: number
}

export interface SshdLab {
  readonly port: number
  /** The login user (the current user). */
  readonly user: string
  /** Temp dir holding keys, configs, known_hosts. */
  readonly dir: string
  readonly knownHostsFile: string
  readonly clientKeyFile: string
  readonly clientPublicKey: string
  /** address -> `SHA256:…` */
  readonly hostKeyFingerprints: Readonly<Record<string, string>>
  readonly hosts: readonly SimHost[]
  host(address: string): SimHost
  /** The `[addr]:port ssh-ed25519 AAAA…` known_hosts line for a host. */
  knownHostsLine(address: string): string
  /** SIGKILL the per-connection sshd children of one host (drops live connections). */
  killSessions(address: string): number
  /** Send a signal to every process of that host's sessions (SIGSTOP = a silently dead peer). */
  signalSessions(address: string, signal: NodeJS.Signals): number
  /** Stop one host's listener and sessions. */
  stopHost(address: string): Promise<void>
  /** Last lines sshd wrote to stderr for a host (debugging failed tests). */
  logs(address: string): string
  stop(): Promise<void>
}

/** Why the harness cannot run here, or undefined when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'sshd harness needs Linux loopback 127.0.0.x'
  if (!existsSync(SSHD)) return `${SSHD} not installed`
  try {
    execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'ssh-keygen not installed'
  }
  if (process.getuid?.() !== 0) return 'sshd harness runs sshd as root (privilege separation)'
  return undefined
}

export function sshdAvailable(): boolean {
  return sshdUnavailableReason() === undefined
}

interface RunningSshd {
  readonly spec: SimHostSpec
  /** The watchdog shell (see WATCHDOG). */
  readonly child: ChildProcess
  readonly sshdPid: number
  readonly log: string[]
}

const live = new Set<RunningSshd>()
let exitHookInstalled = false
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const r of live) {
      signalDescendants(r.sshdPid, 'SIGKILL')
      try {
        process.kill(r.sshdPid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  })
}

/**
 * sshd runs under a tiny watchdog shell that holds a pipe from us on stdin: if this process
 * dies in any way (even SIGKILL, when no exit hook runs), the pipe closes, `read` returns and
 * the shell stops sshd. So a crashed test run never leaves listeners behind.
 */
const WATCHDOG = '"$0" -D -e -f "$1" </dev/null & echo $!; read _; kill $! 2>/dev/null; wait'

async function spawnSshd(spec: SimHostSpec, configFile: string, netns?: string): Promise<RunningSshd> {
  const argv = ['/bin/sh', '-c', WATCHDOG, SSHD, configFile]
  const child = netns !== undefined ? spawn('ip', ['netns', 'exec', netns, ...argv], {stdio: ['pipe', 'pipe', 'pipe']}) : spawn(argv[0]!, argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe']})
  const log: string[] = []
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    log.push(chunk)
    if (log.length > 200) log.splice(0, log.length - 200)
  })
  const sshdPid = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      out += chunk
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) resolve(Number(line))
    })
    child.once('error', reject)
    child.once('exit', () => reject(new Error(`sshd watchdog for ${spec.address} exited: ${log.join('')}`)))
  })
  const r: RunningSshd = {spec, child, sshdPid, log}
  live.add(r)
  child.once('exit', () => live.delete(r))
  return r
}

/** Running, i.e. neither gone nor a zombie waiting for the watchdog to reap it. */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** OpenSSH's fingerprint: base64(sha256(key blob)) without padding. */
export function sha256Fingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64')
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
}

/** Generate an ed25519 key pair with ssh-keygen; returns the public key line. */
export async function generateKey(file: string, comment = 'xenlift-test'): Promise<string> {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {stdio: 'ignore'})
  return (await readFile(`${file}.pub`, 'utf8')).trim()
}

export async function startSshd(options: StartSshdOptions): Promise<SshdLab> {
  const reason = sshdUnavailableReason()
  if (reason) throw new Error(`startSshd: ${reason}`)
  if (options.hosts.length === 0) throw new Error('startSshd: no hosts')
  installExitHook()
  // sshd refuses to start without its privilege-separation directory.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', {mode: 0o755, recursive: true})

  const dir = await mkdtemp(join(tmpdir(), 'xenlift-sshd-'))
  const user = userInfo().username
  const clientKeyFile = join(dir, 'client_ed25519')
  const clientPublicKey = await generateKey(clientKeyFile, 'xenlift-test-client')
  const authorizedKeys = join(dir, 'authorized_keys')
  await writeFile(authorizedKeys, `${clientPublicKey}\n`, {mode: 0o600})

  const keys = await Promise.all(
    options.hosts.map(async (h) => {
      const hostKeyFile = join(dir, `ssh_host_ed25519_key-${h.address}`)
      const publicKey = await generateKey(hostKeyFile, `host-${h.address}`)
      const extraFiles: string[] = []
      const publicKeys: Record<string, string> = {'ssh-ed25519': publicKey.split(/\s+/).slice(0, 2).join(' ')}
      for (const type of h.extraHostKeyTypes ?? []) {
        const file = join(dir, `ssh_host_${type}_key-${h.address}`)
        execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `host-${h.address}`, '-f', file], {stdio: 'ignore'})
        const pub = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ')
        publicKeys[pub.split(' ')[0]!] = pub
        extraFiles.push(file)
      }
      return {hostKeyFile, publicKey, extraFiles, publicKeys}
    }),
  )

  const running: RunningSshd[] = []
  let port = options.port ?? 0
  for (let attempt = 0; ; attempt++) {
    // A namespace the caller just made has every port free.
    if (options.port === undefined) port = options.netns !== undefined ? 20000 + Math.floor(Math.random() * 40000) : await pickFreePort(options.hosts.map((h) => h.address))
    try {
      for (const [i, spec] of options.hosts.entries()) {
        const key = keys[i]!
        const configFile = join(dir, `sshd_config-${spec.address}`)
        const home = spec.home ?? join(dir, `home-${spec.address}`)
        mkdirSync(home, {recursive: true})
        await writeFile(configFile, sshdConfig(spec, {home, port, hostKeyFiles: [key.hostKeyFile, ...key.extraFiles], authorizedKeys, maxSessions: spec.maxSessions ?? options.maxSessions ?? 10}))
        running.push(await spawnSshd(spec, configFile, options.netns))
      }
      await Promise.all(running.map((r) => (options.netns !== undefined ? waitForListening(r.spec.address, r.sshdPid, r.log) : waitForBanner(r.spec.address, port, r.sshdPid, r.log))))
      break
    } catch (err) {
      await Promise.all(running.map((r) => stopOne(r)))
      running.length = 0
      // Another process may have taken the port between the probe and sshd's bind: retry.
      if (options.port !== undefined || attempt >= 4) {
        await rm(dir, {recursive: true, force: true})
        throw err
      }
    }
  }

  const hosts: SimHost[] = running.map((r, i) => ({
    address: r.spec.address,
    name: r.spec.name ?? r.spec.address,
    root: r.spec.root,
    fingerprint: sha256Fingerprint(keys[i]!.publicKey),
    publicKey: keys[i]!.publicKey.split(/\s+/).slice(0, 2).join(' '),
    publicKeys: keys[i]!.publicKeys,
    hostKeyFile: keys[i]!.hostKeyFile,
    configFile: join(dir, `sshd_config-${r.spec.address}`),
    pid: r.sshdPid,
  }))
  const byAddress = new Map(hosts.map((h) => [h.address, h]))
  const childByAddress = new Map(running.map((r) => [r.spec.address, r]))
  const knownHostsFile = join(dir, 'known_hosts')
  const knownHostsLine = (address: string): string => `[${address}]:${port} ${mustGet(byAddress, address).publicKey}`
  await writeFile(knownHostsFile, hosts.map((h) => `${knownHostsLine(h.address)}\n`).join(''))

  return {
    port,
    user,
    dir,
    knownHostsFile,
    clientKeyFile,
    clientPublicKey,
    hostKeyFingerprints: Object.fromEntries(hosts.map((h) => [h.address, h.fingerprint])),
    hosts,
    host: (address) => mustGet(byAddress, address),
    knownHostsLine,
    killSessions: (address) => killChildren(mustGet(childByAddress, address).sshdPid),
    signalSessions: (address, signal) => signalDescendants(mustGet(childByAddress, address).sshdPid, signal),
    stopHost: async (address) => stopOne(mustGet(childByAddress, address)),
    logs: (address) => mustGet(childByAddress, address).log.join(''),
    stop: async () => {
      await Promise.all(running.map(stopOne))
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/** Kill the host's sessions, then let the watchdog stop sshd (closing its stdin pipe). */
async function stopOne(r: RunningSshd): Promise<void> {
  signalDescendants(r.sshdPid, 'SIGKILL')
  if (r.child.exitCode !== null || r.child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => r.child.once('exit', () => resolve()))
  r.child.stdin?.end()
  const timer = setTimeout(() => {
    try {
      process.kill(r.sshdPid, 'SIGKILL')
    } catch {
      // gone
    }
    r.child.kill('SIGKILL')
  }, 3000)
  await exited
  clearTimeout(timer)
}

function mustGet<V>(map: Map<string, V>, address: string): V {
  const v = map.get(address)
  if (v === undefined) throw new Error(`sshd harness: no simulated host ${address}`)
  return v
}

function sshdConfig(
  spec: SimHostSpec,
  o: {home: string; port: number; hostKeyFiles: readonly string[]; authorizedKeys: string; maxSessions: number},
): string {
  const env: Record<string, string> = {HOME: o.home, XENLIFT_SIM_HOST: spec.name ?? spec.address, ...spec.env}
  if (spec.root !== undefined) env['XENLIFT_SIM_ROOT'] = spec.root
  if (spec.pathPrepend?.length) env['PATH'] = [...spec.pathPrepend, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':')
  const setEnv = Object.entries(env).map(([k, v]) => {
    // sshd_config tokens: double quotes group; a value with a quote or newline cannot be expressed.
    if (/["\n]/.test(v)) throw new Error(`sshd harness: env ${k} cannot contain quotes/newlines`)
    return `"${k}=${v}"`
  })
  const extra = spec.extraConfig ?? []
  const firstMatch = extra.findIndex((l) => /^\s*match\s/i.test(l))
  const head = firstMatch === -1 ? extra : extra.slice(0, firstMatch)
  const tail = firstMatch === -1 ? [] : extra.slice(firstMatch)
  // sshd runs a ForceCommand with the user's shell and the client's line in SSH_ORIGINAL_COMMAND
  // ("internal-sftp" for the SFTP subsystem).
  const shell =
    spec.loginShell !== undefined
      ? [`ForceCommand case $SSH_ORIGINAL_COMMAND in internal-sftp) exec /usr/lib/openssh/sftp-server;; *) exec ${spec.loginShell} -c "$SSH_ORIGINAL_COMMAND";; esac`]
      : []
  return [
    ...head,
    ...shell,
    `Port ${o.port}`,
    `ListenAddress ${spec.address}`,
    ...o.hostKeyFiles.map((f) => `HostKey ${f}`),
    'PidFile none',
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    'StrictModes no',
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `MaxSessions ${o.maxSessions}`,
    'MaxStartups 200:30:400',
    'AllowTcpForwarding yes',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'LogLevel INFO',
    ...(spec.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    `SetEnv ${setEnv.join(' ')}`,
    ...tail,
    '',
  ].join('\n')
}

/** A port that is free on every address right now. */
async function pickFreePort(addresses: readonly string[]): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const candidate = 20000 + Math.floor(Math.random() * 40000)
    const results = await Promise.all(addresses.map((a) => portFree(a, candidate)))
    if (results.every(Boolean)) return candidate
  }
  throw new Error('sshd harness: no free port found')
}

function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen({host: address, port, exclusive: true}, () => srv.close(() => resolve(true)))
  })
}

/** Resolve once sshd answers with its `SSH-2.0-` banner; reject if it exits first. */
async function waitForBanner(address: string, port: number, sshdPid: number, log: string[]): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (!processAlive(sshdPid)) {
      throw new Error(`sshd for ${address}:${port} exited: ${log.join('').trim()}`)
    }
    if (await bannerOk(address, port)) return
    await new Promise((r) => setTimeout(r, 30))
  }
  throw new Error(`sshd for ${address}:${port} did not answer within 15 s: ${log.join('').trim()}`)
}

/** Inside a network namespace: wait for sshd's own "Server listening on ADDR" line (LogLevel INFO). */
async function waitForListening(address: string, sshdPid: number, log: string[]): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (log.join('').includes(`Server listening on ${address} `)) return
    if (!processAlive(sshdPid)) throw new Error(`sshd for ${address} exited: ${log.join('').trim()}`)
    await new Promise((r) => setTimeout(r, 30))
  }
  throw new Error(`sshd for ${address} did not start listening within 15 s: ${log.join('').trim()}`)
}

function bannerOk(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({host: address, port})
    let data = ''
    const done = (ok: boolean): void => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(1000, () => done(false))
    sock.on('error', () => done(false))
    sock.on('data', (b) => {
      data += b.toString('latin1')
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'))
    })
  })
}

/** SIGKILL every direct child of `pid` (sshd's per-connection processes); returns the count. */
function killChildren(pid: number | undefined): number {
  if (pid === undefined) return 0
  let n = 0
  for (const child of childPids(pid)) {
    try {
      process.kill(child, 'SIGKILL')
      n++
    } catch {
      // already gone
    }
  }
  return n
}

/** Signal every descendant of `pid` (not `pid` itself); returns the count. */
function signalDescendants(pid: number | undefined, signal: NodeJS.Signals): number {
  if (pid === undefined) return 0
  let n = 0
  const queue = childPids(pid)
  while (queue.length > 0) {
    const p = queue.shift()!
    queue.push(...childPids(p))
    try {
      process.kill(p, signal)
      n++
    } catch {
      // already gone
    }
  }
  return n
}

function childPids(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    // Field 4 (ppid) comes after the `(comm)` field, which may itself contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid === pid) out.push(Number(entry))
  }
  return out
}
