/**
 * Opening one verified, authenticated ssh2 connection, directly or through ProxyJump hops
 * (`jump.forwardOut(…)` → `sock` of the next hop; every hop is verified against its OWN name in
 * known_hosts, as OpenSSH does).
 */
import {appendFile, mkdir, readFile} from 'node:fs/promises'
import {homedir, userInfo} from 'node:os'
import {dirname, join} from 'node:path'
import type {Duplex} from 'node:stream'
import ssh2 from 'ssh2'
import type {Client as Ssh2Client, ConnectConfig} from 'ssh2'
import {ConnectError, type HostKeyError, TimeoutError} from '../errors.js'
import {type AskPassphrase, defaultIdentityFiles, planAuth} from './auth.js'
import {type SshConnectSpec, specHostName, specPort} from './connect-spec.js'
import {type ProxyCommandSocket, spawnProxyCommand} from './proxy-command.js'
import {checkHostKey, hostKeyRefusal, knownKeyTypes} from './host-key-check.js'
import {hashedKnownHostsLine, type KnownHostEntry, knownHostsName, orderServerHostKeyAlgorithms, parseKnownHosts} from './known-hosts.js'

export interface SshConnectOptions {
  /** Identity files tried before the spec's (e.g. `--identity`). */
  readonly identityFiles?: readonly string[]
  readonly passphrase?: string
  /** Asks for an encrypted key's passphrase when no agent is there: only set when a terminal can answer. */
  readonly askPassphrase?: AskPassphrase
  /** ssh-agent socket (wins over ssh_config IdentityAgent); default `SSH_AUTH_SOCK`; `false` disables it. */
  readonly agent?: string | false
  /** Overrides the spec's UserKnownHostsFile; default `~/.ssh/known_hosts`, `~/.ssh/known_hosts2`. */
  readonly knownHostsFiles?: readonly string[]
  /** Overrides the spec's GlobalKnownHostsFile; default `/etc/ssh/ssh_known_hosts`, `…2`. */
  readonly globalKnownHostsFiles?: readonly string[]
  /** Trust and record (hashed) a key for a host that has no entry yet. Never for changed keys. */
  readonly acceptNewHostKeys?: boolean
  /** Handshake + auth timeout when the spec has no ConnectTimeout; default 20 000 ms. */
  readonly connectTimeoutMs?: number
  /** SSH-level keepalive; default 15 000 ms, 3 unanswered → the connection is dead. */
  readonly keepaliveIntervalMs?: number
  readonly keepaliveCountMax?: number
  /** Also offer `ssh-dss` host keys and SHA-1 DH kex (only for pre-2013 dom0s); `--ssh-legacy-algorithms`. */
  readonly legacyAlgorithms?: boolean
  /** Non-fatal notes (added host keys, skipped identity files). Goes to stderr in the CLI. */
  readonly onWarning?: (message: string) => void
  /** ssh2 debug lines. */
  readonly debug?: (message: string) => void
}

/** SHA-1 key exchanges ssh2 supports but does not offer by default (what pre-6.7 OpenSSH speaks). */
const LEGACY_KEX = ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1']

export interface OpenedConnection {
  readonly client: Ssh2Client
  /** Jump connections, outermost first; closed after the target. */
  readonly jumps: readonly Ssh2Client[]
}

export async function openConnection(spec: SshConnectSpec, opts: SshConnectOptions): Promise<OpenedConnection> {
  const hops = [...(spec.proxyJump ?? []), spec]
  const opened: Ssh2Client[] = []
  // ProxyCommand applies to the first hop (the one we would otherwise reach over TCP). It is
  // spawned right before ssh2 takes the stream, so its early death cannot go unnoticed.
  const first = hops[0]!
  let proxy: ProxyCommandSocket | undefined
  try {
    for (const [i, hop] of hops.entries()) {
      let sock: (() => Duplex) | undefined
      if (i > 0) {
        const stream = await forwardOut(opened[i - 1]!, hops[i - 1]!, hop, hop.connectTimeoutMs ?? opts.connectTimeoutMs ?? 20_000)
        sock = () => stream
      } else if (first.proxyCommand !== undefined) {
        const command = first.proxyCommand
        sock = () => {
          proxy = spawnProxyCommand(command)
          return proxy.sock
        }
      }
      try {
        opened.push(await connectOne(hop, opts, sock))
      } catch (err) {
        if (i === 0) await proxy?.settled()
        const proxyErr = i === 0 ? proxy?.stderr() : undefined
        if (proxyErr && err instanceof ConnectError && err.code === 'CONNECT_FAILED') {
          throw new ConnectError(hop.host, `host ${hop.host}: ProxyCommand \`${first.proxyCommand}\` failed: ${proxyErr}`, {cause: err})
        }
        throw err
      }
    }
  } catch (err) {
    for (const c of opened.reverse()) c.end()
    proxy?.kill()
    throw err
  }
  const p = proxy
  if (p) opened[0]!.once('close', () => p.kill())
  const client = opened.pop()!
  return {client, jumps: opened}
}

/**
 * Ask the jump host to open a TCP connection onward (`direct-tcpip`, what `ssh -J` does). The jump
 * sshd's own connect to an unreachable target can take minutes, so this has the hop's timeout.
 */
function forwardOut(jump: Ssh2Client, jumpSpec: SshConnectSpec, target: SshConnectSpec, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new TimeoutError(
          target.host,
          timeoutMs,
          `host ${target.host}: jump host ${jumpSpec.host} did not reach ${specHostName(target)}:${specPort(target)} within ${timeoutMs} ms; check the address and that the jump host can route to it`,
        ),
      )
    }, timeoutMs)
    jump.forwardOut('127.0.0.1', 0, specHostName(target), specPort(target), (err, stream) => {
      clearTimeout(timer)
      if (err) {
        reject(
          new ConnectError(
            target.host,
            `host ${target.host}: jump host ${jumpSpec.host} could not open a connection to ${specHostName(target)}:${specPort(target)} (${err.message}); check ProxyJump and that the jump host allows TCP forwarding`,
            {cause: err},
          ),
        )
      } else resolve(stream)
    })
  })
}

/** Options win over ssh_config IdentityAgent, which wins over SSH_AUTH_SOCK; `false` = none. */
function agentSocket(fromOptions: string | false | undefined, fromConfig: string | false | undefined): string | undefined {
  const chosen = fromOptions ?? fromConfig ?? process.env['SSH_AUTH_SOCK']
  return chosen === false || chosen === '' ? undefined : chosen
}

async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = []
  for (const file of files) {
    try {
      all.push(...parseKnownHosts(await readFile(file, 'utf8'), file))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return all
}

async function connectOne(spec: SshConnectSpec, opts: SshConnectOptions, sock: (() => Duplex) | undefined): Promise<Ssh2Client> {
  const home = homedir()
  const hostName = specHostName(spec)
  const port = specPort(spec)
  const username = spec.user ?? userInfo().username
  // Explicit options (command line) win over ssh_config, as `ssh -o UserKnownHostsFile=…` does.
  const userFiles = opts.knownHostsFiles ?? spec.userKnownHostsFiles ?? [join(home, '.ssh/known_hosts'), join(home, '.ssh/known_hosts2')]
  const globalFiles = opts.globalKnownHostsFiles ?? spec.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']
  const entries = await loadKnownHosts([...userFiles, ...globalFiles])
  // OpenSSH uses a HostKeyAlias as it is, without the [host]:port form (sshconnect.c).
  const lookupName = spec.hostKeyAlias !== undefined ? spec.hostKeyAlias.toLowerCase() : knownHostsName(hostName, port)
  const names = [lookupName]

  const explicitIds = [...(opts.identityFiles ?? []), ...(spec.identityFiles ?? [])]
  const auth = await planAuth({
    username,
    identityFiles: explicitIds.length > 0 ? explicitIds : defaultIdentityFiles(home),
    explicitFiles: opts.identityFiles ?? [],
    agent: agentSocket(opts.agent, spec.identityAgent),
    identitiesOnly: spec.identitiesOnly ?? false,
    ...(opts.passphrase !== undefined ? {passphrase: opts.passphrase} : {}),
    ...(opts.askPassphrase ? {askPassphrase: opts.askPassphrase} : {}),
  })
  for (const w of auth.warnings) opts.onWarning?.(`host ${spec.host}: ${w}`)
  if (auth.methods.length > 0) for (const w of auth.locked) opts.onWarning?.(`host ${spec.host}: ${w}`)
  if (auth.methods.length === 0 && auth.locked.length > 0) {
    throw new ConnectError(spec.host, `host ${spec.host}: no usable SSH key: ${auth.locked.join('; ')}`, {code: 'AUTH_FAILED'})
  }
  if (auth.methods.length === 0) {
    throw new ConnectError(spec.host, `host ${spec.host}: no usable SSH key (no identity file and no ssh-agent); pass --identity or set IdentityFile in ~/.ssh/config`, {code: 'AUTH_FAILED'})
  }

  let refusal: HostKeyError | undefined
  const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
    const parsed = ssh2.utils.parseKey(key)
    const presented = {keyType: parsed instanceof Error ? 'unknown' : parsed.type, keyBlob: key}
    const verdict = checkHostKey(entries, names, presented)
    if (verdict.status === 'known') {
      verify(true)
      return
    }
    const ctx = {host: spec.host, lookupName, key: presented, userKnownHostsFile: userFiles[0] ?? '~/.ssh/known_hosts'}
    if (verdict.status === 'unknown' && opts.acceptNewHostKeys && userFiles[0]) {
      const file = userFiles[0]
      const line = hashedKnownHostsLine(lookupName, presented.keyType, key.toString('base64'))
      mkdir(dirname(file), {recursive: true, mode: 0o700})
        .then(() => appendFile(file, `${line}\n`, {mode: 0o600}))
        .then(() => {
          opts.onWarning?.(`Warning: Permanently added '${lookupName}' (${presented.keyType}) to the list of known hosts (${file}).`)
          verify(true)
        })
        .catch((err: unknown) => {
          refusal = hostKeyRefusal(verdict, ctx)
          opts.onWarning?.(`host ${spec.host}: could not record the new host key in ${file}: ${(err as Error).message}`)
          verify(false)
        })
      return
    }
    refusal = hostKeyRefusal(verdict, ctx)
    verify(false)
  }

  const timeoutMs = spec.connectTimeoutMs ?? opts.connectTimeoutMs ?? 20_000
  const config: ConnectConfig = {
    host: hostName,
    port,
    username,
    readyTimeout: timeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: opts.keepaliveCountMax ?? 3,
    hostVerifier,
    authHandler: auth.methods,
    algorithms: {
      serverHostKey: orderServerHostKeyAlgorithms(knownKeyTypes(entries, names), opts.legacyAlgorithms) as NonNullable<
        ConnectConfig['algorithms']
      >['serverHostKey'],
      ...(opts.legacyAlgorithms ? {kex: {append: LEGACY_KEX}} : {}),
    } as ConnectConfig['algorithms'],
    ...(opts.debug ? {debug: opts.debug} : {}),
  }

  const client = new ssh2.Client()
  return new Promise<Ssh2Client>((resolve, reject) => {
    const onError = (err: Error & {level?: string}): void => {
      client.removeListener('ready', onReady)
      // Tearing down emits more errors ("Connection lost before handshake"): absorb them.
      client.on('error', () => {})
      client.end()
      reject(connectFailure(err))
    }
    const connectFailure = (err: Error & {level?: string}): Error => {
      if (refusal) return refusal
      if (err.level === 'client-timeout') {
        return new TimeoutError(spec.host, timeoutMs, `host ${spec.host}: no SSH handshake with ${hostName}:${port} within ${timeoutMs} ms; check the host is up and the port is right (ConnectTimeout)`, {cause: err})
      }
      if (/too many authentication failures/i.test(err.message)) {
        return new ConnectError(
          spec.host,
          `host ${spec.host}: sshd closed the connection after too many authentication failures for ${username}@${hostName} (tried ${auth.tried.join(', ')}); put the right key first (IdentityFile, IdentitiesOnly yes) or remove keys from the agent`,
          {cause: err, code: 'AUTH_FAILED'},
        )
      }
      if (err.level === 'client-authentication') {
        return new ConnectError(
          spec.host,
          `host ${spec.host}: permission denied for ${username}@${hostName} (tried ${auth.tried.join(', ')}); install your public key with ssh-copy-id or set IdentityFile in ~/.ssh/config`,
          {cause: err, code: 'AUTH_FAILED'},
        )
      }
      if (/no matching/i.test(err.message)) {
        return new ConnectError(
          spec.host,
          `host ${spec.host}: SSH handshake with ${hostName}:${port} failed: ${err.message}; an old sshd (before OpenSSH 6.7 / a DSA-only host) needs --ssh-legacy-algorithms`,
          {cause: err},
        )
      }
      return new ConnectError(spec.host, `host ${spec.host}: cannot connect to ${hostName}:${port}: ${err.message}; check the address, port and firewall`, {cause: err})
    }
    const onReady = (): void => {
      client.removeListener('error', onError)
      // A later socket error must never be an unhandled 'error' event; the transport watches
      // 'close' and reports the loss on the operations in flight.
      client.on('error', () => {})
      resolve(client)
    }
    client.once('ready', onReady)
    client.once('error', onError)
    client.connect(sock ? {...config, sock: sock()} : config)
  })
}
