import type {ExecResult} from '../../transport/transport.js'
import {StepError} from '../step.js'

/**
 * One unit's state as `systemctl is-enabled` / `is-active` report it before the switch:
 * rollback enables only what was `enabled` and starts only what was `active`.
 */
export interface UnitState {
  readonly unit: string
  /** `enabled`, `disabled`, `static`, `masked`, … as is-enabled prints it; `not-found` for a missing unit. */
  readonly enabled: string
  /** `active`, `inactive`, `failed`, … as is-active prints it. */
  readonly active: string
}

/**
 * Both queries for every unit in one remote command, one line per unit
 * (`unit TAB is-enabled-exit TAB is-enabled-output TAB is-active-exit TAB is-active-output`):
 * `systemctl is-enabled a b` alone cannot be used, since a missing unit prints nothing on stdout
 * (only on stderr) with older systemd and the lines would no longer match the units.
 */
const QUERY_SCRIPT = [
  'for u in "$@"; do',
  '  e=$(systemctl is-enabled "$u" 2>&1); ec=$?',
  '  a=$(systemctl is-active "$u" 2>&1); ac=$?',
  `  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$u" "$ec" "$(printf %s "$e" | tr '\\t\\n' '  ')" "$ac" "$(printf %s "$a" | tr '\\t\\n' '  ')"`,
  'done',
].join('\n')

/** The argv of the state query (shown in the plan as it runs). */
export function unitStateArgv(units: readonly string[]): string[] {
  return ['sh', '-c', QUERY_SCRIPT, 'xenlift-units', ...units]
}

const ENABLED_WORDS = /^(enabled|enabled-runtime|linked|linked-runtime|alias|masked|masked-runtime|static|indirect|disabled|generated|transient|bad|not-found)$/
const ACTIVE_WORDS = /^(active|reloading|inactive|failed|activating|deactivating|maintenance|refreshing|unknown)$/

/** A unit systemd does not know (a host without xend): exit 4/5 or systemctl's "not found" wording. */
export function unitMissingText(text: string): boolean {
  return /not[- ](be )?found|not loaded|does not exist|No such file/i.test(text)
}

/**
 * Parse the query's lines into one state per unit; a unit whose state cannot be read (systemctl
 * failed for another reason, or printed no line) is an error naming that unit, so one bad unit
 * is reported as itself.
 */
export function parseUnitStates(r: ExecResult, units: readonly string[]): {states: UnitState[]; errors: string[]} {
  const byUnit = new Map<string, string[]>()
  for (const line of r.stdout.split('\n')) {
    const f = line.split('\t')
    if (f.length === 5 && f[0]) byUnit.set(f[0], f)
  }
  const states: UnitState[] = []
  const errors: string[] = []
  for (const unit of units) {
    const f = byUnit.get(unit)
    if (!f) {
      errors.push(`${unit}: no state reported (${r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode ?? r.signal ?? '?'}`})`)
      continue
    }
    const [, ec, eOut = '', , aOut = ''] = f
    const e = eOut.trim()
    const a = aOut.trim()
    // 127: no systemctl at all ("systemctl: not found" must not read as a missing unit)
    const enabled = ec === '127' ? undefined : ENABLED_WORDS.test(e) ? e : ec === '4' || unitMissingText(e) ? 'not-found' : undefined
    const active = ACTIVE_WORDS.test(a) ? a : undefined
    if (enabled === undefined) errors.push(`${unit}: systemctl is-enabled: ${e || (ec === '127' ? 'systemctl not found (exit 127)' : `exit ${ec}`)}`)
    else if (active === undefined) errors.push(`${unit}: systemctl is-active: ${a || `exit ${f[3]}`}`)
    else states.push({unit, enabled, active})
  }
  return {states, errors}
}

/**
 * The switch's `systemctl stop` then `systemctl disable` of each unit in turn, in one remote
 * command, one line per call (`verb TAB unit TAB exit TAB output`). A unit systemd does not know
 * is passed over (a host without xend); any other failure ends the script there (exit 1) with
 * its line last, as the per-unit calls stopped before. Each call is idempotent, so a switch
 * redone after a dropped connection runs the whole script again.
 */
const OFF_SCRIPT = [
  'for u in "$@"; do',
  '  for v in stop disable; do',
  '    o=$(systemctl "$v" "$u" 2>&1); c=$?',
  `    printf '%s\\t%s\\t%s\\t%s\\n' "$v" "$u" "$c" "$(printf %s "$o" | tr '\\t\\n' '  ')"`,
  '    [ "$c" -eq 0 ] && continue',
  '    case "$c:$o" in',
  '      127:*) exit 1 ;;',
  `      5:*|*"not found"*|*"not loaded"*|*"does not exist"*|*"No such file"*) continue 2 ;;`,
  '    esac',
  '    exit 1',
  '  done',
  'done',
].join('\n')

/** The argv of the switch's stop-and-disable of xend's services (shown in the plan as it runs). */
export function unitsOffArgv(units: readonly string[]): string[] {
  return ['sh', '-c', OFF_SCRIPT, 'xenlift-units-off', ...units]
}

/**
 * Read the stop-and-disable script's lines: the units found missing, and the failure (the
 * `systemctl verb unit: why` of the call that failed, or why the script itself did).
 */
export function parseUnitsOff(r: ExecResult, units: readonly string[]): {missing: string[]; failure?: string} {
  const missing: string[] = []
  let failure: string | undefined
  const lines = r.stdout.split('\n').map((l) => l.split('\t')).filter((f) => f.length === 4)
  for (const [verb, unit, code, out = ''] of lines) {
    if (code === '0' || !unit) continue
    if (code !== '127' && (code === '5' || unitMissingText(out))) {
      if (verb === 'stop') missing.push(unit)
      continue
    }
    failure = `systemctl ${verb} ${unit}: ${out.trim().replace(/^error:\s*/i, '') || `exit ${code}`}`
  }
  if (failure === undefined && r.exitCode !== 0) {
    const done = new Set(lines.map((f) => f[1]))
    failure = `stopping ${units.filter((u) => !done.has(u)).join(', ') || units.join(', ')}: ${r.stderr.trim().split('\n').at(-1) || `exit ${r.exitCode ?? r.signal ?? '?'}`}`
  }
  return {missing, ...(failure !== undefined ? {failure} : {})}
}

/** One `systemctl VERB UNIT` of rollback's restore of xend's services. */
export interface UnitCall {
  readonly verb: 'enable' | 'start'
  readonly unit: string
}

/**
 * Rollback's `systemctl enable` / `systemctl start` calls in one remote command, in the order
 * given, one line per call (`verb TAB unit TAB exit TAB last non-blank line of its stderr`, what
 * rollback's single calls reported). A failed `enable` is passed over, as rollback always did; a
 * failed `start` ends the script there (exit 1), as it ended rollback.
 */
const ON_SCRIPT = [
  'while [ "$#" -ge 2 ]; do',
  '  v=$1; u=$2; shift 2',
  '  o=$(systemctl "$v" "$u" 2>&1 >/dev/null); c=$?',
  `  printf '%s\\t%s\\t%s\\t%s\\n' "$v" "$u" "$c" "$(printf '%s\\n' "$o" | sed -n '/[^[:space:]]/h; $ {x; p; }')"`,
  '  [ "$c" -eq 0 ] || [ "$v" = enable ] || exit 1',
  'done',
].join('\n')

/** The argv of rollback's restore of xend's services: the calls as `VERB UNIT` pairs after the script. */
export function unitsOnArgv(calls: readonly UnitCall[]): string[] {
  return ['sh', '-c', ON_SCRIPT, 'xenlift-units-on', ...calls.flatMap((c) => [c.verb, c.unit])]
}

/**
 * Read the restore script's lines: for each call, whether it succeeded and, when not, the last
 * line of its stderr; a call the script never reached (it could not run, or a `start` before it
 * failed) has the last line of the whole command's stderr.
 */
export function parseUnitsOn(r: ExecResult, calls: readonly UnitCall[]): {call: UnitCall; ok: boolean; why: string}[] {
  const done = new Map<string, {code: string; why: string}>()
  for (const line of r.stdout.split('\n')) {
    const [verb, unit, code, ...rest] = line.split('\t')
    if (verb && unit && code !== undefined && rest.length > 0) done.set(`${verb} ${unit}`, {code, why: rest.join('\t').trim()})
  }
  const whole = r.stderr.trim().split('\n').at(-1) ?? ''
  return calls.map((call) => {
    const d = done.get(`${call.verb} ${call.unit}`)
    return {call, ok: d?.code === '0', why: d ? d.why : whole}
  })
}

/** Run the query with `run` and return every unit's state, or throw a StepError listing the units it could not read. */
export async function queryUnitStates(run: (argv: readonly string[]) => Promise<ExecResult>, units: readonly string[]): Promise<UnitState[]> {
  if (units.length === 0) return []
  const r = await run(unitStateArgv(units))
  const {states, errors} = parseUnitStates(r, units)
  if (errors.length) throw new StepError(`cannot read the state of ${errors.join('; ')}`)
  return states
}
