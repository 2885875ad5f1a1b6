import {ASSUMED_TARGET_PROFILE, type TargetProfile} from '../target-profile.js'

/**
 * The libvirt a conversion is aimed at. libvirt 4.5, 9.0 and 11.3 write different XML for the
 * same input (xenbus controller, `<driver name='xen'/>` on PCI hostdevs, `format='raw'` on the
 * loader, …): every such difference is a field here, decided in one place (`targetFor`), never an
 * `if` on a version number scattered through parsers.
 */
export interface LibvirtTarget {
  /** [major, minor, micro] */
  readonly version: readonly [number, number, number]
  /** Host capabilities: `arch` of `<type>` (test caps and Debian 12: x86_64). */
  readonly arch: string
  /**
   * The target host's own facts: firmware directory (the HVM `<loader>`, `ovmf.bin`), CPU vendor
   * (xl `nestedhvm = 0`: vmx or svm), DRBD release (`drbd:` disks). Assumed unless given.
   */
  readonly profile: TargetProfile
  /** Print `arch=`/`machine=` on `<os><type>` (libvirt ≥ 5 with capabilities; the 4.5 SXP harness did not). */
  readonly typeAttributes: boolean
  /** Add `<controller type='xenbus' index='0'/>` (libvirt ≥ 5.x, upstream commit fb0597574d01). */
  readonly xenbusController: boolean
  /** `<driver name='xen'/>` inside PCI `<hostdev>` (libvirt 9.0; gone in 11.x). */
  readonly pciDriverXen: boolean
  /** `format='raw'` on `<loader>` (libvirt 11.x). */
  readonly loaderFormatRaw: boolean
  /** `type='rom'` on the default HVM `<loader>` (already in the 4.5 sexpr2xml vectors). */
  readonly loaderTypeRom: boolean
  /**
   * `<os><acpi><table type='rawset'>` for xl `acpi_firmware` (libvirt ≥ 11.2, where the Xen driver
   * names the raw table set it always loaded); older releases call the same thing `slic`.
   */
  readonly acpiTableRawset: boolean
  /**
   * Format a live definition rather than an inactive one (libvirt's VIR_DOMAIN_DEF_FORMAT_INACTIVE
   * not set), as libvirt's sexpr2xml/xmconfig/xlconfig test harnesses do: the runtime `id=` of a
   * running domain (SXP dumps) and runtime/generated interface names (`vif3.0`) are printed. A
   * real `virsh domxml-from-native` formats inactive, so the default is false.
   */
  readonly runtimeId: boolean
  /**
   * The XML parser derives a disk's missing `<target bus>` from its name (`xvd*` → xen, `hd*` →
   * ide) before it places the disk in libvirt's order (disk-order.ts). libvirt 9.0 does so only
   * in post-parse, after the placing (conf/domain_postparse.c); 4.5 did it while parsing. The
   * release in between that moved it is not pinned here: the switch is put at 8.0.
   */
  readonly diskBusFromName: boolean
}

export const DEFAULT_LIBVIRT_VERSION = '9.0.0'

export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(text)
  if (!m) return undefined
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

export function compareVersion(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** The target profile for a libvirt version (`'9.0.0'`), with optional overrides. */
export function targetFor(version: string | readonly [number, number, number], overrides: Partial<LibvirtTarget> = {}): LibvirtTarget {
  const v = typeof version === 'string' ? parseVersion(version) : version
  if (!v) throw new TypeError(`not a libvirt version: ${String(version)}`)
  const atLeast = (x: number, y: number) => compareVersion(v, [x, y, 0]) >= 0
  return {
    version: v,
    arch: 'x86_64',
    profile: ASSUMED_TARGET_PROFILE,
    typeAttributes: atLeast(5, 0),
    xenbusController: atLeast(5, 0),
    // xenParsePCI set the Xen PCI backend long before 5.0; 11.3 no longer prints it.
    pciDriverXen: !atLeast(10, 0),
    loaderFormatRaw: atLeast(10, 0),
    loaderTypeRom: atLeast(1, 2),
    acpiTableRawset: atLeast(11, 2),
    runtimeId: false,
    diskBusFromName: !atLeast(8, 0),
    ...overrides,
  }
}
