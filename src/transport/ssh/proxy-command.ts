/**
 * ssh_config `ProxyCommand`: spawn it and use its stdin/stdout as the SSH connection (ssh2 README
 * `sock`, as OpenSSH does with `/bin/sh -c`). Older fleets reach dom0s this way (`ssh -W %h:%p
 * bastion`, `nc`, corkscrew) and ProxyJump only replaced it in OpenSSH 7.3.
 */
import {spawn} from 'node:child_process'
import {Duplex} from 'node:stream'

export interface ProxyCommandSocket {
  readonly sock: Duplex
  /** What the command wrote to stderr so far (for the error message when it fails). */
  stderr(): string
  /** Resolves when the command has exited and its stderr is read (or after 1 s). */
  settled(): Promise<void>
  kill(): void
}

export function spawnProxyCommand(command: string): ProxyCommandSocket {
  const child = spawn('/bin/sh', ['-c', command], {stdio: ['pipe', 'pipe', 'pipe']})
  let err = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    err = (err + chunk).slice(-2048)
  })
  // A plain Duplex over the child's pipes: ssh2 needs 'end'/'close' when the command dies, which
  // is what tells it the connection is gone (Duplex.from left it waiting for its readyTimeout).
  const sock = new Duplex({
    read() {
      child.stdout.resume()
    },
    write(chunk: Buffer, _enc, cb) {
      if (child.stdin.writable) child.stdin.write(chunk, () => cb())
      else cb()
    },
    final(cb) {
      child.stdin.end()
      cb()
    },
    destroy(err, cb) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      cb(err)
    },
  })
  child.stdin.on('error', () => {
    // EPIPE when the command died: the stdout 'end' below reports it.
  })
  child.stdout.on('data', (chunk: Buffer) => {
    if (!sock.push(chunk)) child.stdout.pause()
  })
  child.stdout.on('end', () => {
    sock.push(null)
  })
  child.on('error', (e) => sock.destroy(e))
  child.on('close', () => {
    // Let the consumer see 'end' first, then 'close'.
    setImmediate(() => sock.destroy())
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    sock,
    stderr: () => err.trim(),
    settled: () => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    },
  }
}
