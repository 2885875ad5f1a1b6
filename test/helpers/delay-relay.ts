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
  close(): Promise<void>
}

export async function startDelayRelay(opts: {listen: string; target: {host: string; port: number}; delayMs: number}): Promise<DelayRelay> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(opts.target)
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
