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
  // ---- from-native: xenlift converts what libvirt refuses, on purpose (xen-formats.md §5.0, §8.1).
  {
    id: 'xm-python-read-statically',
    phase: 'from-native',
    reason:
      "xm configs are Python; libvirt's VIRCONF reader stops at the first statement ('expecting an assignment'). " +
      'xenlift never executes them: it reads the literal assignments and reports every import, call and if-block ' +
      '(PY-IMPORT, PY-EXPR, PY-CONTROL warnings), so the guest can still be migrated (xen-formats.md §8.1).',
    cases: /^corpus:(xen-examples\/xmexample\.vti|wild\/xm\/2[2367]-t-[a-z0-9]+\.cfg)#xm$/,
    outcome: 'only-libvirt-fails',
    error: /^configuration file syntax error: memory conf:\d+: expecting an assignment$/,
  },
  {
    id: 'xm-numeric-tsc-mode',
    phase: 'from-native',
    reason:
      "xm's `tsc_mode = 0..3` is a number (Xen 4.x xm/xend); libvirt 9.0 wants a string and refuses the file. xenlift maps " +
      '0 default, 1 always_emulate, 2 native, 3 native_paravirt as xend did, and reports it (xen-formats.md §5.1).',
    cases: /^corpus:xen-examples\/xmexample\.hvm#xm$/,
    outcome: 'only-libvirt-fails',
    error: /expected a string for 'tsc_mode' parameter/,
  },
  {
    id: 'xm-bare-boot-file-resolved',
    phase: 'from-native',
    reason:
      'xm resolved a bare `kernel = "hvmloader"` / `"pv-grub.gz"` against /usr/lib/xen/boot (XEND image.py); libvirt copies ' +
      'the bare name, which libxl then cannot find. xenlift writes the path Xen used (Xen example configs).',
    onlyLibvirt: /^\s*<(loader type='rom'|kernel)>[^/<][^<]*<\/(loader|kernel)>$/,
    onlyXenlift: /^\s*<(loader type='rom'|kernel)>\/usr\/lib\/xen\/boot\/[^<]+<\/(loader|kernel)>$/,
  },
  {
    id: 'xm-phy-device-name-resolved',
    phase: 'from-native',
    reason:
      "xm's `phy:hda1` names a device under /dev (XEND blkif.py); libvirt copies `hda1` into <source dev>, which the " +
      "driver cannot open. xenlift writes /dev/hda1 as Xen did (Xen's xmexample1, xmexample.pv-grub).",
    onlyLibvirt: /^\s*<source dev='[^/'][^']*'\/>$/,
    onlyXenlift: /^\s*<source dev='\/dev\/[^']+'\/>$/,
  },
  {
    id: 'xm-nbd-disk-refused',
    phase: 'from-native',
    reason:
      "`nbd:HOST PORT` disks need Xen's block-nbd script; libvirt writes <source file='HOST PORT'>, which no libxl " +
      'backend can open. xenlift refuses the disk with a located error telling the user to attach it in dom0 first.',
    cases: /^corpus:xen-examples\/xmexample\.nbd#xm$/,
    outcome: 'only-xenlift-fails',
    error: /nbd: targets need their block script/,
  },
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
    // The inputs holding such an empty CD-ROM (xm `',hdc:cdrom,r'`) and their libvirt vectors.
    cases: /(test-pci-dev(s|-syntax)\.(xml|cfg)|xmexample\.(hvm|vti))#/,
    difference: /^\/domain\/devices\[1\]\/disk\[\d+\]\/@type: defined block, dumpxml file$/,
  },


]
