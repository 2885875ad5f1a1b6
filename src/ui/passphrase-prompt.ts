/**
 * Asking for an SSH key's passphrase on the terminal, as ssh(1) does: without echo, once per key
 * per run (a fleet of 50 hosts asks once), one prompt at a time (hosts connect in parallel).
 * The passphrase is kept in memory only: never logged, never in a message.
 */
import type {AskPassphrase} from '../transport/ssh/auth.js'

interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean
  setRawMode?: (raw: boolean) => unknown
}

/**
 * A prompt on `input`/`output` (the terminal: stdin and stderr). A passphrase that worked is
 * remembered per file, so later hosts do not ask again; Ctrl-C at the prompt interrupts the run
 * (`onInterrupt`, default: SIGINT to this process, so the command's handler exits 130).
 */
export function createPassphrasePrompt(
  input: TtyInput,
  output: NodeJS.WritableStream,
  onInterrupt: () => void = () => process.kill(process.pid, 'SIGINT'),
): AskPassphrase {
  const known = new Map<string, string>()
  let queue: Promise<unknown> = Promise.resolve()
  return (file, retry) => {
    const asked = queue.then(async () => {
      const remembered = known.get(file)
      if (remembered !== undefined && !retry) return remembered
      const answer = await readHidden(input, output, `${retry ? 'Bad passphrase, try again. ' : ''}Enter passphrase for key '${file}': `, onInterrupt)
      if (answer !== undefined) known.set(file, answer)
      return answer
    })
    queue = asked.catch(() => undefined)
    return asked
  }
}

/** One line from `input` with the terminal's echo off (raw mode); `undefined` on EOF or Ctrl-D on an empty line. */
function readHidden(input: TtyInput, output: NodeJS.WritableStream, prompt: string, onInterrupt: () => void): Promise<string | undefined> {
  return new Promise((resolve) => {
    // Echo off BEFORE the prompt shows: what is typed after seeing it must never be echoed.
    const raw = input.isTTY === true && typeof input.setRawMode === 'function'
    if (raw) input.setRawMode?.(true)
    output.write(prompt)
    let text = ''
    const finish = (value: string | undefined, interrupted = false): void => {
      input.removeListener('data', onData)
      input.removeListener('end', onEnd)
      if (raw) input.setRawMode?.(false)
      input.pause()
      output.write('\n')
      resolve(value)
      if (interrupted) onInterrupt()
    }
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0003' || (ch === '\u0004' && text === '')) {
          if (ch === '\u0003') finish(undefined, true)
          else finish(ch === '\u0004' ? undefined : text)
          return
        }
        if (ch === '\u0004') continue
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
        else if (ch === '\u0015') text = ''
        else text += ch
      }
    }
    const onEnd = (): void => finish(text === '' ? undefined : text)
    input.on('data', onData)
    input.on('end', onEnd)
    input.resume()
  })
}
