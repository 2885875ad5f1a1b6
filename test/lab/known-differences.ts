/**
 * THE one place where xenlift knowingly differs from the real libvirt 9.0 libxl driver, with
 * the reason. The lab suite fails on any difference no rule here explains, and on any rule
 * that no longer explains anything (a stale entry hides nothing and must be deleted).
 *
 * A rule claims lines of a line diff or an outcome mismatch (`outcome` + `error` pattern), and
 * only for the case ids it names (`cases`, required). With both `onlyLibvirt` and `onlyXenlift`
 * it says "libvirt prints X where xenlift prints Y": it explains a hunk of the diff only when it
 * matches lines of BOTH sides there, never a lone X or a lone Y. With one of them it explains
 * lone lines of that side (libvirt adds something on define). Keep patterns narrow: a rule that
 * claims `.*` would hide real bugs. test/lab/compare-outcomes.test.ts runs every rule on an
 * example of its own (offline).
 */

/** Which comparison a rule is about. */
export type DifferencePhase = 'from-native' | 'to-native' | 'define'

export interface KnownDifference {
  readonly id: string
  readonly phase: DifferencePhase
  /** Why xenlift differs on purpose (or why libvirt is wrong), with the spec section. */
  readonly reason: string
  /** The case ids it applies to (`corpus:…#xm`, `gen:xl:0042`, `…>xl`, `…#sxp@name`). */
  readonly cases: RegExp
  /** A line only libvirt printed (define phase: only `virsh dumpxml` has it). */
  readonly onlyLibvirt?: RegExp
  /** A line only xenlift printed (define phase: only the XML xenlift defined has it). */
  readonly onlyXenlift?: RegExp
  /**
   * Line rewrite under which the two sides agree (both sides' changed lines are rewritten by
   * every applicable rule, then paired); a line rewritten to '' is explained on its own.
   * For differences that are one transformation (key order, a default spelled out).
   */
  readonly equate?: (line: string) => string
  /** An outcome mismatch this rule explains, with the failing side's message. */
  readonly outcome?: 'only-xenlift-fails' | 'only-libvirt-fails'
  readonly error?: RegExp
}

/** Rewrite the quoted items of a `key = [ "a", "b" ]` line (other lines unchanged). */
function listItems(key: string, line: string, map: (items: string[]) => string[]): string {
  const m = new RegExp(`^${key} = \\[ (.*) \\]$`).exec(line)
  if (!m?.[1]) return line
  const items = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1] ?? '')
  return `${key} = [ ${map(items).map((i) => `"${i}"`).join(', ')} ]`
}

/** Every to-native case: a corpus or generated input written back as xl or xm. */
const TO_NATIVE = />(xml>)?(xl|xm)$/

/** A whole `key = value` line, explained on its own. */
const dropKey = (keys: RegExp) => (line: string) => (keys.test(line) ? '' : line)

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
    id: 'xm-hvm-without-kernel',
    phase: 'from-native',
    reason:
      "an xm HVM config without `kernel =`: xend gave the guest its hvmloader (XendConfig._platform_sanity_check) and libvirt " +
      "reads the same file as xl, but libvirt's xm reader stops ('config value kernel was missing'). xenlift uses the target's " +
      'hvmloader and reports it (BOOT-HVM-LOADER, info): issue 11 §6.',
    cases: /^corpus:wild\/xm\/[^#]+#xm$/,
    outcome: 'only-libvirt-fails',
    error: /config value kernel was missing$/,
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
    // The Xen examples with a bare kernel name (generated configs write absolute paths).
    cases: /^corpus:xen-examples\/xmexample\.(pv-grub|hvm-stubdom|hvm|vti)#xm$/,
    onlyLibvirt: /^\s*<(loader type='rom'|kernel)>[^/<][^<]*<\/(loader|kernel)>$/,
    onlyXenlift: /^\s*<(loader type='rom'|kernel)>\/usr\/lib\/xen\/boot\/[^<]+<\/(loader|kernel)>$/,
  },
  {
    id: 'xm-phy-device-name-resolved',
    phase: 'from-native',
    reason:
      "xm's `phy:hda1` names a device under /dev (XEND blkif.py); libvirt copies `hda1` into <source dev>, which the " +
      "driver cannot open. xenlift writes /dev/hda1 as Xen did (Xen's xmexample1, xmexample.pv-grub).",
    // The Xen examples with `phy:hda1`-style sources (generated configs write /dev paths).
    cases: /^corpus:xen-examples\/xmexample(1|2|3|\.pv-grub|\.hvm-stubdom|\.hvm|\.vti)#xm$/,
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
  // ---- to-native: libvirt's domxml-to-native against xenlift's xl/xm writers (issue #5).
  {
    id: 'to-native-vif-spec-equivalent',
    phase: 'to-native',
    reason:
      'the same vif: libvirt spells out script=vif-bridge on every bridged vif (xenFormatNet, DEFAULT_VIF_SCRIPT), which is ' +
      "xl's and xend's default script anyway, and orders keys differently for routed vifs; both toolstacks read a vif spec " +
      'by key name, so key order and the default script carry no meaning.',
    cases: TO_NATIVE,
    equate: (line) =>
      listItems('vif', line, (items) =>
        items.map((i) =>
          i
            .split(',')
            .filter((kv) => kv !== 'script=vif-bridge')
            .sort()
            .join(','),
        ),
      ),
  },
  {
    id: 'to-native-disk-order',
    phase: 'to-native',
    reason:
      "libvirt's XML parser sorts disks by bus and target name (virDomainDiskInsert), so domxml-to-native lists them in that " +
      "order; xenlift keeps the order of the XML. Each disk is named by its vdev; xenlift's order is the source config's, which " +
      "is also the one libxl's bootloader (pygrub: first disk) relied on.",
    cases: TO_NATIVE,
    equate: (line) => listItems('disk', line, (items) => [...items].sort()),
  },
  {
    id: 'to-native-xl-no-blktap',
    phase: 'to-native',
    reason:
      "libvirt writes backendtype=tap for blktap and an EMPTY backendtype= for blktap2 (which xl rejects); Xen 4.17's libxl has " +
      'no blktap, it serves image files through qemu: xenlift writes backendtype=qdisk and reports the change.',
    cases: />xl$/,
    equate: (line) => (line.startsWith('disk = ') ? line.replace(/backendtype=(tap)?,/g, 'backendtype=qdisk,') : line),
  },
  {
    id: 'to-native-xl-cdrom-qdisk',
    phase: 'to-native',
    reason:
      "an xl CD-ROM is always emulated by qemu (libxl reads devtype=cdrom with the qdisk backend; xen-formats.md §6.1), libvirt " +
      'writes backendtype=phy for a block-type CD-ROM; xenlift writes qdisk.',
    cases: />xl$/,
    equate: (line) => (line.startsWith('disk = ') ? line.replace(/backendtype=phy,devtype=cdrom/g, 'backendtype=qdisk,devtype=cdrom') : line),
  },
  {
    id: 'to-native-xl-vhd-format',
    phase: 'to-native',
    reason: "libvirt 9.0 writes format=xvhd for a VHD image, which xl's disk parser rejects; xl's name is format=vhd, as xenlift writes.",
    cases: />xl$/,
    equate: (line) => (line.startsWith('disk = ') ? line.replace(/format=xvhd,/g, 'format=vhd,') : line),
  },
  {
    id: 'to-native-vfb-no-port',
    phase: 'to-native',
    reason:
      "for <graphics type='vnc' autoport='no'> without a port libvirt writes vncdisplay=-5900 (port -1 minus 5900), which no " +
      'toolstack accepts; xenlift leaves vncdisplay out.',
    cases: TO_NATIVE,
    equate: (line) => (line.startsWith('vfb = ') ? line.replace(/,vncdisplay=-5900\b/g, '') : line),
  },
  {
    id: 'to-native-spice-zero-ports',
    phase: 'to-native',
    reason: "libvirt writes spiceport = 0 / spicetls_port = 0 for an unset port; 0 is libxl's 'not set', xenlift leaves the key out.",
    cases: />xl$/,
    equate: dropKey(/^spice(port|tls_port) = 0$/),
  },
  {
    id: 'to-native-xm-xl-only-keys',
    phase: 'to-native',
    reason:
      'libvirt writes the xl keys passthrough and e820_host into xm configs too; xm/xend have no such keys. xenlift leaves them ' +
      'out of xm output and reports each as LOST.',
    cases: />xm$/,
    equate: dropKey(/^(passthrough|e820_host) = /),
  },
  {
    id: 'to-native-xm-qemu-raw-disk',
    phase: 'to-native',
    reason:
      "as to-native-xm-qdisk-images, for a raw image or device under libvirt's qemu driver: libvirt writes `qemu:PATH`, which " +
      "to-native-xm-qdisk-only-disk-lost takes for its lost-disk case (an equate cannot see the other side), so xenlift's " +
      '`file:PATH` line is left alone; it is the same disk. Listed before to-native-xm-qdisk-images: a line is claimed by the first rule that matches it.',
    cases: /^corpus:libvirt\/xl(-v11\.3\.0)?\/test-(paravirt-cmdline(-extra-root)?|qemu-passthrough)\.xml>xm$/,
    onlyXenlift: /^disk = \[ "file:/,
  },
  {
    id: 'to-native-xm-qdisk-images',
    phase: 'to-native',
    reason:
      "libvirt writes libxl's qdisk driver as a qemu: prefix that xm never had (xend took it for a block script); xenlift writes " +
      "file: for raw images and reports a qcow2/qed image as LOST (xm needs tap:qcow2:, blktap, which libxl no longer has).",
    cases: /^corpus:libvirt\/xl(-v11\.3\.0)?\/[^>]+>xm$/,
    onlyLibvirt: /^disk = \[ .*"qemu:/,
    onlyXenlift: /^disk = \[ /,
  },
  {
    id: 'to-native-xm-qdisk-only-disk-lost',
    phase: 'to-native',
    reason: 'as to-native-xm-qdisk-images, for a guest whose only disk is a qcow2/qed image: the whole disk line is LOST in xm.',
    cases: /^corpus:libvirt\/xl(-v11\.3\.0)?\/[^>]+>xm$/,
    equate: dropKey(/^disk = \[ "qemu:[^"]*" \]$/),
  },
  {
    id: 'to-native-xl-negative-number-quoted',
    phase: 'to-native',
    reason:
      "xl's lexer has no negative numbers (xl.cfg syntax, xen-formats.md §8.2), so libvirt's rtc_timeoffset = -3600 is a syntax " +
      'error for xl; xenlift writes the string "-3600", which libxlu reads as the same number.',
    cases: />xl$/,
    equate: (line) => line.replace(/^rtc_timeoffset = (-\d+)$/, 'rtc_timeoffset = "$1"'),
  },
  {
    id: 'to-native-xl-escaped-quotes',
    phase: 'to-native',
    reason:
      "a path holding both ' and \" (libvirt vector test-escape-paths): libvirt writes its own VIRCONF triple-quoted string, " +
      "which xl's lexer does not know; xenlift writes xl's escape \\\" (xl.cfg string escapes).",
    cases: /test-escape-paths\.xml>xl$/,
    onlyLibvirt: /^disk = \[ .*"""/,
    onlyXenlift: /^disk = \[ .*\\"/,
  },
  {
    id: 'to-native-lifecycle-coredump',
    phase: 'to-native',
    reason:
      "libvirt's XML parser refuses coredump-* for on_poweroff/on_reboot (virDomainDefLifecycleActionAllowed) although its own " +
      'domxml-from-native produced that XML from an accepted config; xl accepts the actions, xenlift writes them back.',
    cases: TO_NATIVE,
    outcome: 'only-libvirt-fails',
    error: /^unsupported configuration: Lifecycle event '(poweroff|reboot)' doesn't support 'coredump-(restart|destroy)' action$/,
  },
  {
    id: 'to-native-bridge-without-source',
    phase: 'to-native',
    reason:
      "a vif with script=vif-bridge but no bridge= becomes <interface type='bridge'> without <source> in libvirt's " +
      'domxml-from-native, which its own XML parser then refuses; xenlift writes the vif back as it was.',
    cases: TO_NATIVE,
    outcome: 'only-libvirt-fails',
    error: /^XML error: interface type='bridge' requires a 'source' element$/,
  },
  {
    id: 'to-native-xm-one-serial',
    phase: 'to-native',
    reason:
      'xm configs hold one serial port; libvirt refuses the whole conversion, xenlift writes the first port and reports the ' +
      'others (SERIAL-MULTI).',
    cases: />xm$/,
    outcome: 'only-libvirt-fails',
    error: /^unsupported configuration: Multiple serial devices are not supported by xen-xm$/,
  },
  {
    id: 'to-native-acpi-rawset-is-libvirt-11',
    phase: 'to-native',
    reason:
      "libvirt 11.3's vector uses <acpi><table type='rawset'>, unknown to libvirt 9.0's parser; xenlift reads the newer XML " +
      '(acpi_firmware is the same raw table set). Input newer than the lab, not a conversion error.',
    cases: /^corpus:libvirt\/xl-v11\.3\.0\/test-fullvirt-acpi-slic\.xml>/,
    outcome: 'only-libvirt-fails',
    error: /Unknown acpi table type: rawset/,
  },
  // ---- define: what the real driver does when a domain is DEFINED, which domxml-from-native
  // (whose output xenlift mirrors) does not: libvirt's own defaults, as the issue allows
  // ("dumpxml gives back the same domain after libvirt's own defaults"). Lines: onlyLibvirt =
  // only in dumpxml, onlyXenlift = only in what xenlift defined.
  {
    id: 'define-ovs-interfaceid',
    phase: 'define',
    reason:
      'libvirt generates a random <parameters interfaceid=…> for an openvswitch <virtualport> when the domain is defined ' +
      '(virNetDevVPortProfile post-parse); domxml-from-native does not, and neither does xenlift.',
    // The only inputs with an openvswitch bridge (`br.N` / `br:N:M` vifs): libvirt's ovswitch vectors.
    cases: /ovswitch/,
    onlyLibvirt: /^\s*(<virtualport type='openvswitch'>|<parameters interfaceid='[0-9a-f-]{36}'\/>|<\/virtualport>)$/,
    onlyXenlift: /^\s*<virtualport type='openvswitch'\/>$/,
  },
  {
    id: 'define-vnuma-distances',
    phase: 'define',
    reason:
      'for a vNUMA cell without a <distances> list, libvirt fills in the default distances when the domain is defined; ' +
      'the from-native output (libvirt test vector test-fullvirt-vnuma-partialdist) omits them, as xenlift does.',
    cases: /vnuma/,
    onlyLibvirt: /^\s*(<cell id='\d+' cpus='[^']*' memory='\d+' unit='KiB'>|<distances>|<sibling id='\d+' value='\d+'\/>|<\/distances>|<\/cell>)$/,
    onlyXenlift: /^\s*<cell id='\d+' cpus='[^']*' memory='\d+' unit='KiB'\/>$/,
  },
  {
    id: 'define-empty-cdrom-type-file',
    phase: 'define',
    reason:
      "an empty CD-ROM from xm's ',hdc:cdrom,r' is <disk type='block'> without <source> in libvirt's from-native output " +
      "(vector test-pci-devs); the driver turns it into type='file' when the domain is defined.",
    // The inputs holding such an empty CD-ROM (xm `',hdc:cdrom,r'`) and their libvirt vectors.
    cases: /(test-pci-dev(s|-syntax)\.(xml|cfg)|xmexample\.(hvm|vti))#/,
    onlyLibvirt: /^\s*<disk type='file' device='cdrom'>$/,
    onlyXenlift: /^\s*<disk type='block' device='cdrom'>$/,
  },
  {
    id: 'define-hvm-pae-on',
    phase: 'define',
    reason:
      "libvirt 9.0's libxl driver turns PAE on for every x86_64 HVM domain it defines; xenlift's xm/xl readers already write " +
      "<pae/> for HVM (as domxml-from-native does), but its SXP reader mirrors xend/libvirt 4.5's xenParseSxpr, which printed " +
      '<pae/> only for (pae 1). The defined domain is the same either way.',
    cases: /#sxp@/,
    onlyLibvirt: /^\s*(<features>|<pae\/>|<\/features>)$/,
  },
  {
    id: 'define-hap-spelling',
    phase: 'define',
    reason:
      "<hap/> and <hap state='on'/> are the same setting; libvirt 9.0 formats the tristate with its state attribute, xenlift's " +
      "SXP path writes libvirt 4.5's spelling for (hap 1).",
    cases: /#sxp@/,
    equate: (line) => line.replace(/^(\s*)<hap\/>$/, "$1<hap state='on'/>"),
  },
]
