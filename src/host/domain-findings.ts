import type {Diagnostic} from '../model/diagnostic.js'

/** Counts per severity, as `check` reports them. */
export interface FindingCounts {
  readonly blocker: number
  readonly warning: number
  readonly info: number
}

/**
 * checklist.md ids whose severity is "blocker" for a libvirt target: a reader that reports one of
 * these (even as a warning, e.g. a dropped PVSCSI device) means the domain cannot be defined and
 * run as it was.
 */
const BLOCKER_RULES = new Set([
  'PY-IMPORT',
  'PY-CONTROL',
  'PY-CMDLINE-VAR',
  'XL-STATE-001',
  'DUP-NAME',
  'XEND-NET',
  'DISK-SCRIPT',
  'DISK-TAP-UNKNOWN',
  'PVSCSI',
  'PVUSB',
  'GFX-PASSTHRU',
  'VTPM',
  'IOPORTS-IRQ',
  'VIF2',
  'BOOT-PV-NOKERNEL',
  'CPU-CPUID',
  'STUBDOM',
  'NAME-CHARS',
])

/** Is this reader diagnostic a blocker: an error, or a blocker rule id of checklist.md? */
export function isBlocker(d: Diagnostic): boolean {
  return d.severity === 'error' || (d.severity === 'warning' && BLOCKER_RULES.has(d.code))
}

/**
 * Count a domain's findings from the converter's diagnostics. TODO(#3): replace by `runChecks`
 * from src/checks once it is on main, so scan and check count the same findings.
 */
export function countFindings(ds: readonly Diagnostic[]): FindingCounts {
  let blocker = 0
  let warning = 0
  let info = 0
  for (const d of ds) {
    if (isBlocker(d)) blocker++
    else if (d.severity === 'warning') warning++
    else info++
  }
  return {blocker, warning, info}
}
