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
  /** `define` phase: a semantic difference `PATH: defined X, dumpxml Y` (test/helpers/xml-compare.ts paths). */
  readonly difference?: RegExp
  /** An outcome mismatch this rule explains, with the failing side's message. */
  readonly outcome?: 'only-xenlift-fails' | 'only-libvirt-fails'
  readonly error?: RegExp
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  // ---- define: what the real driver adds when a domain is DEFINED (not by domxml-from-native,
  // whose output xenlift mirrors). None of these change what the domain is.
  {
    id: 'define-ovs-interfaceid',
    phase: 'define',
    reason:
      'libvirt generates a random <parameters interfaceid=…> for an openvswitch <virtualport> when the domain is defined ' +
      '(virNetDevVPortProfile post-parse); domxml-from-native does not, and neither does xenlift.',
    difference: /\/interface\[\d+\]\/virtualport\[1\]\/parameters\[1\]: defined \(absent\), dumpxml <parameters interfaceid='[0-9a-f-]{36}'>$/,
  },
  {
    id: 'define-vnuma-distances',
    phase: 'define',
    reason:
      'for a vNUMA cell without a <distances> list, libvirt fills in the default distances when the domain is defined; ' +
      'the from-native output (libvirt test vector test-fullvirt-vnuma-partialdist) omits them, as xenlift does.',
    difference: /^\/domain\/cpu\[1\]\/numa\[1\]\/cell\[\d+\]\/distances\[1\]: defined \(absent\), dumpxml <distances>/,
  },
  {
    id: 'define-empty-cdrom-type-file',
    phase: 'define',
    reason:
      "an empty CD-ROM from xm's ',hdc:cdrom,r' is <disk type='block'> without <source> in libvirt's from-native output " +
      "(vector test-pci-devs); the driver turns it into type='file' when the domain is defined.",
    cases: /test-pci-dev(s|-syntax)\.xml/,
    difference: /^\/domain\/devices\[1\]\/disk\[\d+\]\/@type: defined block, dumpxml file$/,
  },
  {
    id: 'define-disk-format-raw',
    phase: 'define',
    reason:
      "the libxl driver fills in <driver type='raw'> for a disk whose <driver> names no format when the domain is defined; " +
      'the input XML (libvirt vector sexpr2xml-pv-bootloader.xml) has none and xenlift keeps the input.',
    difference: /^\/domain\/devices\[1\]\/disk\[\d+\]\/driver\[1\]\/@type: defined \(absent\), dumpxml raw$/,
  },
  {
    id: 'define-acpi-rawset-is-libvirt-11',
    phase: 'define',
    reason:
      "libvirt 11.3's vector writes <acpi><table type='rawset'>, a table type libvirt 9.0 does not know; xenlift reads that " +
      'newer XML and passes the type through, the 9.0 lab refuses it. Input newer than the target, not a conversion error.',
    cases: /xl-v11\.3\.0\/test-fullvirt-acpi-slic\.xml/,
    outcome: 'only-libvirt-fails',
    error: /Unknown acpi table type: rawset/,
  },
]
