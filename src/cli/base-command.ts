import {Command} from '@oclif/core'
import {EXIT} from './exit-codes.js'
import {type InterruptHandle, installInterruptHandler} from './interrupt.js'
import {jsonResultText} from './json-output.js'

/**
 * Base of every xenlift command. The one place where errors become exit codes:
 * - oclif's flag/argument parse errors are usage errors: exit 2;
 * - in `--json` mode oclif's `catch()` uses `err.exitCode ?? 1` and loses the code a CLIError
 *   keeps in `err.oclif.exit` (stack-notes §1.3): copy it over so `--json` exits like text mode.
 * Commands set `process.exitCode` for "ran, but some inputs failed" (1) instead of throwing, so
 * their JSON result is still printed.
 */
export abstract class BaseCommand extends Command {
  /** A command that handles SIGINT itself (upgrade apply finishes its step in flight) sets this. */
  static handlesSigint = false
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
    return super.catch(err)
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
