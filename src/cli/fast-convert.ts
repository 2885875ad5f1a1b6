import {parseArgs} from 'node:util'
import {type ConvertFlags, convertUsageProblem, executeConvert} from '../convert/convert-cli.js'
import {installInterruptHandler} from './interrupt.js'
import {jsonResultText, stdoutMayBeColoured} from './json-output.js'

/**
 * Start-up fast path for `xenlift convert`. Importing @oclif/core alone costs ~60 ms on this
 * machine, more than the whole start-up budget (2.5x `node -e 0`), and `convert` is what runbooks
 * call once per file. So `bin/run.js` tries this first: a plain `node:util` parse of the same
 * flags, then the same `executeConvert` the oclif command runs. Anything it does not handle
 * itself (help, unknown flags, usage errors, `--json` where oclif might colour it,
 * XENLIFT_CONTENT_TYPE) returns undefined BEFORE any output, and oclif then runs the command
 * and gives its canonical messages.
 */
export const FAST_CONVERT_FLAGS = {
  from: {type: 'string'},
  to: {type: 'string'},
  'libvirt-version': {type: 'string'},
  recursive: {type: 'boolean', short: 'r'},
  output: {type: 'string', short: 'o'},
  force: {type: 'boolean'},
  validate: {type: 'boolean'},
  strict: {type: 'boolean'},
  'security-info': {type: 'boolean'},
} as const

const FROM = ['auto', 'sxp', 'xm', 'xl', 'libvirt'] as const
const TO = ['libvirt', 'xl', 'xm'] as const

function oneOf<T extends string>(value: string | undefined, options: readonly T[], fallback: T): T | undefined {
  if (value === undefined) return fallback
  return (options as readonly string[]).includes(value) ? (value as T) : undefined
}

/** The exit code when handled; undefined when oclif must handle this call. */
export async function fastConvert(argv: readonly string[]): Promise<number | undefined> {
  // oclif's <BIN>_CONTENT_TYPE=json turns --json on from the environment: oclif's business.
  if (process.env.XENLIFT_CONTENT_TYPE !== undefined) return undefined
  let parsed
  try {
    parsed = parseArgs({args: [...argv], options: {...FAST_CONVERT_FLAGS, json: {type: 'boolean'}}, allowPositionals: true, strict: true})
  } catch {
    return undefined
  }
  const v = parsed.values
  const json = v.json ?? false
  if (json && stdoutMayBeColoured(process.env, process.stdout.isTTY === true)) return undefined
  const from = oneOf(v.from, FROM, 'auto')
  const to = oneOf(v.to, TO, 'libvirt')
  if (from === undefined || to === undefined) return undefined
  const flags: ConvertFlags = {
    from,
    to,
    recursive: v.recursive ?? false,
    force: v.force ?? false,
    validate: v.validate ?? false,
    strict: v.strict ?? false,
    'security-info': v['security-info'] ?? false,
    ...(v['libvirt-version'] !== undefined ? {'libvirt-version': v['libvirt-version']} : {}),
    ...(v.output !== undefined ? {output: v.output} : {}),
  }
  if (convertUsageProblem(parsed.positionals, flags, json) !== undefined) return undefined
  // Ctrl-C as in every oclif command (BaseCommand): staged outputs removed, exit 130.
  const interrupt = installInterruptHandler()
  const outcome = await executeConvert(parsed.positionals, flags, {
    json,
    signal: interrupt.signal,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).finally(() => interrupt.dispose())
  // What the oclif command does in JSON mode: the records as its result (BaseCommand.logJson).
  if (json) process.stdout.write(jsonResultText(outcome.records))
  if (outcome.usage) {
    process.stderr.write(`Error: ${outcome.usage}\n`)
    return 2
  }
  return outcome.exitCode
}
