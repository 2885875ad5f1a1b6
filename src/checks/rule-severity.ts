import type {Diagnostic} from '../model/diagnostic.js'
import type {FindingSeverity} from './finding.js'

/** A checklist rule's severity, and the one other severity some of its findings have. */
export interface RuleSeverity {
  readonly severity: FindingSeverity
  /** The rule (or the reader) that finds it knows the context and gives such a finding `to` instead. */
  readonly varies?: {readonly to: FindingSeverity; readonly when: string}
}

/**
 * The severity of every built-in rule of checklist.md, defined once. Each built-in rule takes its
 * `severity`/`blocker` from here (`ruleSeverity`), and every reader diagnostic carrying a rule id
 * is given the same severity (`withRuleSeverity`, applied where configs are read), so a finding
 * reads the same in `convert`, `check`, `import` and `scan`: STUBDOM is a blocker everywhere, never
 * a warning inside a line that `import` calls a blocker. A reader keeps its own severity only when it is
 * `error` (nothing could be converted) or the other severity a `varies` rule allows.
 * Kept free of imports of the rules themselves, so the convert path can use it without loading them.
 */
export const RULE_SEVERITIES = {
  'PY-IMPORT': {severity: 'blocker'},
  'PY-CONTROL': {severity: 'blocker'},
  'PY-EXPR': {severity: 'blocker', varies: {to: 'warning', when: 'a warning when xenlift evaluated the expression statically from literals (the computed value is shown)'}},
  'PY-CMDLINE-VAR': {severity: 'blocker'},
  'PY-LITERAL': {severity: 'warning'},
  'PY-DUPKEY': {severity: 'warning'},
  'XL-SYNTAX': {severity: 'warning', varies: {to: 'blocker', when: 'a blocker when the target is xl configs (`check --target xl`)'}},
  'SXP-VM-ROOT': {severity: 'warning'},
  'SXP-QUOTING': {severity: 'info'},
  'SXP-RUNTIME': {severity: 'info'},
  'MIG-LIVE': {severity: 'blocker'},
  'RUNNING-UNKNOWN': {severity: 'blocker'},
  'MGD-DOMAIN': {severity: 'warning'},
  'MGD-AUTOSTART': {severity: 'warning', varies: {to: 'info', when: 'info for a dangling /etc/xen/auto link (nothing was started from it)'}},
  'MGD-AUTOSTOP': {severity: 'info'},
  'XL-STATE-001': {severity: 'blocker'},
  'XEND-NET': {severity: 'blocker', varies: {to: 'warning', when: 'a warning when no distro network config is known and the bridge is only named like xend\'s (`xenbr0`, `eth0`)'}},
  'FILE-NOT-CONFIG': {severity: 'info'},
  'DISK-SOURCE-MISSING': {severity: 'warning'},
  'STATELESS-MIX': {severity: 'info'},
  'DUP-NAME': {severity: 'blocker'},
  'DUP-SOURCE': {severity: 'warning'},
  'DUP-MAC': {severity: 'warning', varies: {to: 'blocker', when: 'a blocker when both domains are running or autostarted'}},
  'SXP-UUID-DIR': {severity: 'warning'},
  'DISK-SHARED': {severity: 'warning', varies: {to: 'blocker', when: 'a blocker when the target is xl configs (xl refuses `w!`)'}},
  'DISK-SCRIPT': {severity: 'blocker'},
  'DISK-DRBD': {severity: 'blocker'},
  'DISK-BLKTAP1': {severity: 'warning'},
  'DISK-TAP-UNKNOWN': {severity: 'blocker'},
  'DISK-FORMAT-QCOW1': {severity: 'warning'},
  'DISK-NOPREFIX': {severity: 'info'},
  'DISK-EXTRA-FIELDS': {severity: 'warning'},
  'DISK-BOOTABLE': {severity: 'info'},
  'DISK-HVM-IOEMU': {severity: 'info'},
  'DISK-PV-HD': {severity: 'warning'},
  'DISK-PARTITION-VDEV': {severity: 'warning'},
  'DISK-CDROM-EMPTY': {severity: 'info'},
  'PVSCSI': {severity: 'blocker'},
  'PVUSB': {severity: 'blocker'},
  'USB-HOST': {severity: 'warning'},
  'PCI-OPTS': {severity: 'warning'},
  'PCI-PASSTHROUGH': {severity: 'info'},
  'GFX-PASSTHRU': {severity: 'blocker'},
  'VTPM': {severity: 'blocker'},
  'IOPORTS-IRQ': {severity: 'blocker'},
  'FLOPPY': {severity: 'warning'},
  'SERIAL-MULTI': {severity: 'warning'},
  'SOUND': {severity: 'info'},
  'GRAPHICS-SDL': {severity: 'warning'},
  'GRAPHICS-EXTRA': {severity: 'info'},
  'VNC-PASSWORD': {severity: 'info'},
  'VIF-EMPTY': {severity: 'warning'},
  'VIF-IOEMU': {severity: 'info'},
  'VIF-RATE': {severity: 'info'},
  'VIF-UNKNOWN-KEY': {severity: 'warning'},
  'VIF2': {severity: 'blocker'},
  'XEND-VIFSCRIPT': {severity: 'warning'},
  'BOOT-HVM-DIRECT': {severity: 'blocker', varies: {to: 'warning', when: 'a warning for xl input (xl reads an HVM `kernel` as a direct boot, and so does libvirt\'s xl reader)'}},
  'BOOT-HVM-LOADER': {severity: 'info'},
  'BOOT-DOMULOADER': {severity: 'warning'},
  'BOOT-PYGRUB': {severity: 'info'},
  'BOOT-PV-NOKERNEL': {severity: 'blocker'},
  'BOOT-ORDER-UNKNOWN': {severity: 'info'},
  'CPU-WEIGHT': {severity: 'warning'},
  'CPU-PIN': {severity: 'warning'},
  'CPU-POOL': {severity: 'warning'},
  'CPU-CPUID': {severity: 'blocker'},
  'MEM-SHADOW': {severity: 'info'},
  'MEM-BALLOON': {severity: 'info'},
  'MEM-DEFAULT': {severity: 'warning'},
  'TIME-TSC': {severity: 'info'},
  'TIME-LOCALTIME': {severity: 'info'},
  'HVM-FEATURE-DEFAULTS': {severity: 'info'},
  'LIFECYCLE': {severity: 'info'},
  'LIFECYCLE-COREDUMP': {severity: 'blocker', varies: {to: 'warning', when: 'a warning in convert and with --target xl (libvirt converts it but refuses to define it)'}},
  'VIF-BRIDGE-NOSOURCE': {severity: 'blocker', varies: {to: 'warning', when: 'a warning in convert and with --target xl (libvirt converts it but refuses to define it)'}},
  'LIFECYCLE-RENAME': {severity: 'warning'},
  'DM-PATH': {severity: 'warning'},
  'STUBDOM': {severity: 'blocker'},
  'DRIVER-DOMAIN': {severity: 'warning'},
  'ACM-XSM': {severity: 'warning'},
  'VM-HELPERS': {severity: 'warning'},
  'NAME-CHARS': {severity: 'blocker'},
  'UUID-MISSING': {severity: 'info'},
  'XM-DROPPED-KEY': {severity: 'warning'},
} as const satisfies Readonly<Record<string, RuleSeverity>>

/** A built-in rule id. */
export type BuiltinRuleId = keyof typeof RULE_SEVERITIES

const TABLE: Readonly<Record<string, RuleSeverity>> = RULE_SEVERITIES

/** `severity` and `blocker` of a built-in rule, for its definition (`...ruleSeverity('STUBDOM')`). */
export function ruleSeverity(id: BuiltinRuleId): {readonly severity: FindingSeverity; readonly blocker: boolean} {
  const {severity} = RULE_SEVERITIES[id]
  return {severity, blocker: severity === 'blocker'}
}

/**
 * A reader diagnostic as every command shows it: one carrying a built-in rule id gets that rule's
 * severity, unless it is an error (nothing converted) or the other severity the rule allows
 * (`varies`: the reader knew the context, e.g. PY-EXPR evaluated from literals). Other codes
 * (`UNSUPPORTED`, `SYNTAX`) keep theirs.
 */
export function withRuleSeverity(d: Diagnostic): Diagnostic {
  if (d.severity === 'error') return d
  const entry = TABLE[d.code]
  if (entry === undefined || entry.severity === d.severity || entry.varies?.to === d.severity) return d
  return Object.assign({}, d, {severity: entry.severity})
}

/** All reader diagnostics of a list as every command shows them (the same array when none changes). */
export function withRuleSeverities(ds: readonly Diagnostic[]): Diagnostic[] {
  let out: Diagnostic[] | undefined
  for (let i = 0; i < ds.length; i++) {
    const d = ds[i] as Diagnostic
    const n = withRuleSeverity(d)
    if (n !== d) {
      out ??= ds.slice()
      out[i] = n
    }
  }
  return out ?? (ds as Diagnostic[])
}
