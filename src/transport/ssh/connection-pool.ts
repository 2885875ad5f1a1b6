/**
 * One SSH connection per host, shared by every step that talks to it (stack-notes §3): opening
 * a connection costs a handshake and an authentication, and each host allows only so many
 * concurrent connections (sshd `MaxStartups`). Concurrent `get`s for the same host share one
 * connect; a connection that was lost is dropped, so the next `get` reconnects explicitly.
 */
import {userInfo} from 'node:os'
import {type SshConnectSpec, specHostName, specPort} from './connect-spec.js'
import {connectSsh, type SshTransport, type SshTransportOptions} from './ssh-transport.js'

export class SshConnectionPool {
  readonly #opts: SshTransportOptions
  readonly #connections = new Map<string, Promise<SshTransport>>()

  constructor(opts: SshTransportOptions = {}) {
    this.#opts = opts
  }

  /** Number of hosts with an open (or opening) connection. */
  get size(): number {
    return this.#connections.size
  }

  get(spec: SshConnectSpec): Promise<SshTransport> {
    const key = connectionKey(spec)
    const existing = this.#connections.get(key)
    if (existing) {
      return existing.then((t) => {
        if (t.connected) return t
        if (this.#connections.get(key) === existing) this.#connections.delete(key)
        return this.get(spec)
      })
    }
    const opening = connectSsh(spec, this.#opts)
    this.#connections.set(key, opening)
    opening.catch(() => {
      if (this.#connections.get(key) === opening) this.#connections.delete(key)
    })
    return opening
  }

  async closeAll(): Promise<void> {
    const all = [...this.#connections.values()]
    this.#connections.clear()
    await Promise.all(all.map((p) => p.then((t) => t.close()).catch(() => {})))
  }
}

/** user@host:port plus the jump chain: the same target reached another way is another connection. */
export function connectionKey(spec: SshConnectSpec): string {
  const one = (s: SshConnectSpec): string => `${s.user ?? userInfo().username}@${specHostName(s)}:${specPort(s)}`
  return [...(spec.proxyJump ?? []).map(one), one(spec)].join(' > ')
}
