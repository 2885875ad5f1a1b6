import {EXIT} from './exit-codes.js'

/** What a command gets from the SIGINT handler: a signal the core can honour, and the way to remove the handler. */
export interface InterruptHandle {
  readonly signal: AbortSignal
  dispose(): void
}

/**
 * Ctrl-C for every command (installed by BaseCommand): the first SIGINT aborts `signal`, whose
 * listeners run synchronously (e.g. the output batch removes its temp files), then the process
 * exits 130, which closes every socket (SSH connections end with it). No output file is
 * half-written: outputs are staged under temp names and renamed whole. Core loops that never
 * wait on I/O must yield now and then (run-convert does) or the signal is only seen at the end.
 */
export function installInterruptHandler(write: (text: string) => void = (t) => process.stderr.write(t)): InterruptHandle {
  const controller = new AbortController()
  const onSigint = (): void => {
    write('\ninterrupted\n')
    controller.abort()
    // At once: the command must not go on to report outputs the abort just discarded.
    process.exit(EXIT.interrupted)
  }
  process.on('SIGINT', onSigint)
  return {signal: controller.signal, dispose: () => process.off('SIGINT', onSigint)}
}
