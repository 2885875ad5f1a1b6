import type {Location} from './domain.js'
import {redactSecrets} from './redact.js'

/**
 * `error`: nothing could be converted (no output for that domain or file). `blocker`: converted,
 * but by checklist.md the domain cannot be defined or run as it is on libvirt-libxl (a rule's
 * severity: src/checks/rule-severity.ts gives every diagnostic with a rule id its rule's severity).
 * `warning`: converted, but a setting is dropped or behaves differently. `info`: advisory.
 */
export type Severity = 'error' | 'blocker' | 'warning' | 'info'

/**
 * A located message about an input. Bad input is data, not an exception: parsers return
 * diagnostics and keep going where they can.
 *
 * `code` is either a parser code (`SYNTAX`, `MISSING-KEY`, `BAD-VALUE`, `UNSUPPORTED`, `IO`,
 * `NOT-A-CONFIG`) or, for conversion losses and compatibility findings, the stable rule id of
 * `checklist.md` (`PY-IMPORT`, `DISK-SHARED`, `PVSCSI`, …) so that `check` can surface it.
 */
export interface Diagnostic {
  readonly code: string
  readonly severity: Severity
  /** One line, no stack. */
  readonly message: string
  readonly file?: string
  /** 1-based; absent when the problem is not tied to a place (e.g. a missing key). */
  readonly line?: number
  readonly column?: number
  /** Config key or SXP path the message is about. */
  readonly path?: string
  readonly hint?: string
}

export function diag(
  code: string,
  severity: Severity,
  message: string,
  at?: Partial<Location> & {file?: string},
  hint?: string,
): Diagnostic {
  // Masked where it is made, so no printer, JSON result or report downstream can leak it.
  const d: {-readonly [K in keyof Diagnostic]: Diagnostic[K]} = {code, severity, message: redactSecrets(message)}
  if (at?.file !== undefined) d.file = at.file
  if (at?.line !== undefined) d.line = at.line
  if (at?.column !== undefined) d.column = at.column
  if (at?.path !== undefined) d.path = at.path
  if (hint !== undefined) d.hint = redactSecrets(hint)
  return d
}

/**
 * `file:line:col: message` as compilers print it (parts that are unknown are left out): the one
 * diagnostic printer of every command, masking secrets again for diagnostics not made by `diag`.
 */
export function formatDiagnostic(d: Diagnostic, fallbackFile?: string): string {
  const file = d.file ?? fallbackFile
  const place = [file, d.line, d.line !== undefined ? d.column : undefined].filter((p) => p !== undefined).join(':')
  const sev = d.severity === 'error' ? 'error' : d.severity
  return redactSecrets(`${place ? `${place}: ` : ''}${sev}: ${d.message}${d.code ? ` [${d.code}]` : ''}`)
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error')
}
