/**
 * THE one place where xenlift knowingly differs from the real libvirt 9.0 libxl driver, with
 * the reason. The lab suite fails on any difference no rule here explains, and on any rule
 * that no longer explains anything (a stale entry hides nothing and must be deleted).
 *
 * A rule claims single lines of a line diff (`onlyLibvirt`: a line libvirt printed and xenlift
 * did not; `onlyXenlift`: the reverse) or an outcome mismatch (`outcome` + `error` pattern),
 * optionally only for some case ids (`cases`). Keep patterns narrow: a rule that claims `.*`
 * would hide real bugs.
 */

/** Which comparison a rule is about. */
export type DifferencePhase = 'from-native' | 'to-native' | 'define'

export interface KnownDifference {
  readonly id: string
  readonly phase: DifferencePhase
  /** Why xenlift differs on purpose (or why libvirt is wrong), with the spec section. */
  readonly reason: string
  /** Only these case ids (`corpus:…#xm`, `gen:xl:0042`, …). */
  readonly cases?: RegExp
  readonly onlyLibvirt?: RegExp
  readonly onlyXenlift?: RegExp
  /** An outcome mismatch this rule explains, with the failing side's message. */
  readonly outcome?: 'only-xenlift-fails' | 'only-libvirt-fails'
  readonly error?: RegExp
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = []
