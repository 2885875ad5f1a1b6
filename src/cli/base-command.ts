import {Command} from '@oclif/core'
import {redactSecrets} from '../model/redact.js'
import {EXIT} from './exit-codes.js'
import {type InterruptHandle, installInterruptHandler} from './interrupt.js'
import type {ErrorJson} from './json-contract.js'
import {jsonResultText} from './json-output.js'

/**
 * Base of every xenlift command. The one place where errors become exit codes:
 * - oclif's flag/argument parse errors are usage errors: exit 2;
 * - in `--json` mode oclif's `catch()` uses `err.exitCode ?? 1` and loses the code a CLIError
 *   keeps in `err.oclif.exit` (stack-notes §1.3): copy it over so `--json` exits like text mode.
 * Commands set `process.exitCode` for "ran, but some inputs failed" (1) instead of throwing, so
 * their JSON result is still printed.
 *
 * Start-up: without an oclif.manifest.json (a checkout, an install from git) oclif imports every
 * command module on every run to learn its flags. So a command module imports at its top only
 * what its class needs (oclif, this class, the flag helpers, types) and loads its core in run()
 * with one `await import('../cli/cores/<command>.js')`; this module stays as light.
 * test/cli/start-up.test.ts keeps it so.
 */
export abstract class BaseCommand extends Command {
  /** A command that handles SIGINT itself (upgrade apply finishes its step in flight) sets this. */
  static handlesSigint = false
  /**
   * A command whose `--json` is its own NDJSON stream (upgrade apply) rather than oclif's: a
   * failure is printed as one more line, the error shape, so a consumer of the stream sees it.
   */
  static ndjsonFlag = false
  #interrupt: InterruptHandle | undefined

  /** Aborted on Ctrl-C (then the process exits 130); pass it to core calls that can stop early. */
  protected get interruptSignal(): AbortSignal | undefined {
    return this.#interrupt?.signal
  }

  override async init(): Promise<void> {
    await super.init()
    if (!(this.constructor as typeof BaseCommand).handlesSigint) this.#interrupt = installInterruptHandler()
  }

  override async finally(err: Error | undefined): Promise<unknown> {
    this.#interrupt?.dispose()
    return super.finally(err)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (isParseError(err)) {
      err.oclif = {...err.oclif, exit: EXIT.usage}
      err.exitCode = EXIT.usage
    } else if (err.exitCode === undefined && typeof err.oclif?.exit === 'number') {
      err.exitCode = err.oclif.exit
    }
    if ((this.constructor as typeof BaseCommand).ndjsonFlag && !this.jsonEnabled() && this.argv.includes('--json')) process.stdout.write(`${JSON.stringify(this.toErrorJson(err))}\n`)
    return super.catch(err)
  }

  /**
   * `--json` on failure: one documented shape (schemas/error.json) instead of oclif's spread of
   * whatever enumerable fields the error object had; the message masked like every output.
   */
  protected override toErrorJson(err: unknown): ErrorJson {
    const e = (err ?? {}) as {name?: unknown; message?: unknown; exitCode?: unknown; code?: unknown; oclif?: {exit?: unknown}}
    const exitCode = typeof e.exitCode === 'number' ? e.exitCode : typeof e.oclif?.exit === 'number' ? e.oclif.exit : EXIT.failed
    return {
      error: {
        name: typeof e.name === 'string' ? e.name : 'Error',
        message: redactSecrets(typeof e.message === 'string' ? e.message : String(err)),
        exitCode,
        ...(typeof e.code === 'string' ? {code: e.code} : {}),
      },
    }
  }

  /**
   * oclif's colouriser only changes the text when a theme colours JSON (src/cli/json-output.ts);
   * otherwise print the same bytes without it. A value JSON.stringify refuses (a cycle in an
   * error's cause) goes to oclif, whose stringifier prints cycles as `[Circular]`.
   */
  override logJson(json: unknown): void {
    let text: string | undefined
    if (this.config.theme?.json === undefined) {
      try {
        text = jsonResultText(json)
      } catch {
        text = undefined
      }
    }
    if (text === undefined) super.logJson(json)
    else process.stdout.write(text)
  }

  /** Exit with a usage error (2), printed as `Error: message`. */
  protected usageError(message: string): never {
    this.error(message, {exit: EXIT.usage})
  }
}

function isParseError(err: unknown): boolean {
  const name = (err as {constructor?: {name?: string}})?.constructor?.name ?? ''
  return /^(FailedFlagValidation|RequiredArgs|UnexpectedArgs|NonExistentFlags|FlagInvalidOption|ArgInvalidOption|ViolatedFlagConstraint|InvalidArgsSpec|CLIParse)Error$/.test(name)
}
