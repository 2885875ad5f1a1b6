/**
 * A TCP relay on a loopback address that holds every chunk for `delayMs` in each direction, so
 * a connection through it sees a round-trip time of 2 × delayMs (bytes stay in order: Node runs
 * timers of equal duration in the order they were set). It stands in for `tc netem delay` where
 * the kernel has no sch_netem (the bench and tests prefer netem in a network namespace when it
 * exists). Latency only: bandwidth and loss are not modelled.
 */
import {createServer, connect, type Server, type Socket} from 'node:net'

export interface DelayRelay {
  readonly address: string
  readonly port: number
  /**
   * Round trips seen on the wire, over all connections: each time the server's side sends after
   * the client's side has (an answer the client had to wait for). The TCP handshake itself is
   * not seen (+1 per connection). A count, not a clock: it does not depend on this machine's speed.
   */
  readonly roundTrips: number
  /** Connections relayed. */
  readonly connections: number
  close(): Promise<void>
}

export async function startDelayRelay(opts: {listen: string; target: {host: string; port: number}; delayMs: number}): Promise<DelayRelay> {
  const sockets = new Set<Socket>()
  let roundTrips = 0
  let connections = 0
  const server: Server = createServer((client) => {
    connections++
    let clientSpoke = false
    client.on('data', () => (clientSpoke = true))
    const upstream = connect(opts.target)
    upstream.on('data', () => {
      if (clientSpoke) roundTrips++
      clientSpoke = false
    })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    const pipeDelayed = (from: Socket, to: Socket): void => {
      from.on('data', (b) => setTimeout(() => to.writable && to.write(b), opts.delayMs))
      from.on('end', () => setTimeout(() => to.end(), opts.delayMs))
    }
    pipeDelayed(client, upstream)
    pipeDelayed(upstream, client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({host: opts.listen, port: 0}, () => resolve())
  })
  const port = (server.address() as {port: number}).port
  return {
    address: opts.listen,
    port,
    get roundTrips() {
      return roundTrips
    },
    get connections() {
      return connections
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
