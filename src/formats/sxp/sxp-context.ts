/**
 * What the SXP → domain mapping carries while it walks one `(domain …)`: the root, the guest
 * kind, the runtime domid and the diagnostics collected so far, with one helper that locates a
 * diagnostic at the node it is about.
 */
import {diag, type Diagnostic, type Severity} from '../../model/diagnostic.js'
import type {TargetProfile} from '../target-profile.js'
import type {SxpList, SxpNode} from './sxp-node.js'
import {located} from '../../model/location.js'

export interface SxpContext {
  readonly root: SxpList
  readonly file?: string
  readonly hvm: boolean
  /** `(domid N)` of a runtime dump; undefined for a stored config.sxp. */
  readonly domid?: number
  readonly diagnostics: Diagnostic[]
  /** The target host's facts (firmware directory, DRBD release). */
  readonly profile: TargetProfile
}

/** Add a diagnostic located at `node` (or the domain root), with the SXP path it is about. */
export function report(
  ctx: SxpContext,
  code: string,
  severity: Severity,
  message: string,
  node: SxpNode | undefined,
  path: string,
  hint?: string,
): void {
  const loc = (node ?? ctx.root).loc
  ctx.diagnostics.push(
    diag(code, severity, oneLine(message), located(ctx.file, loc.line, loc.column, path), hint),
  )
}

/**
 * Diagnostics are one line: values quoted into a message may hold newlines or control
 * characters (hostile names), which are shown escaped, and very long values are cut.
 */
export function oneLine(text: string, max = 400): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}
