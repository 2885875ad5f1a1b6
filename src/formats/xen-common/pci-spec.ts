/**
 * One xm/xl `pci` string → a PCI `<hostdev>`, mirroring libvirt 9.0's `xenParsePCI`
 * (`src/libxl/xen_common.c`; xen-formats.md §6.4): `[DDDD:]BB:SS.F[,opt=val…]`, every field
 * parsed with `strtol(…, 16)` over the whole field (so `0x` prefixes and leading spaces pass,
 * a trailing space, `@VSLOT`, `*`, `BDF=` or a 5th component fail). Only `permissive` is read
 * (`1` → writeFiltering no, `0` → yes, a non-number is an error); the other options
 * (`msitranslate`, `power_mgmt`, `seize`, `rdm_policy`, `vslot`, …) are returned as dropped.
 * libvirt loses the reason of most failures ("An error occurred, but the cause is unknown")
 * and crashes on an empty entry; here each gets its own message.
 */
import type {Hostdev} from '../../model/domain.js'

export type PciSpecResult = {readonly hostdev: Hostdev} | {readonly error: string}

/** strtol(s, NULL, base) that must consume the whole string; int range. */
function strtolWhole(s: string, base: 10 | 16): number | undefined {
  const re = base === 16 ? /^[ \t\n\v\f\r]*([+-]?)(?:0[xX])?([0-9a-fA-F]+)$/ : /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/
  const m = re.exec(s)
  if (!m) return undefined
  const n = Number.parseInt(m[2] ?? '', base) * (m[1] === '-' ? -1 : 1)
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined
}

export function parsePciSpec(spec: string): PciSpecResult {
  if (spec === '') return {error: "empty PCI entry '' (libvirt 9.0 crashes on it)"}
  // g_strsplit(entry, ":", 3)
  const tokens = splitMax(spec, ':', 3)
  let next = 0
  let domain = 0
  if (tokens.length === 3) {
    const d = strtolWhole(tokens[0] ?? '', 16)
    if (d === undefined) return {error: `PCI address '${spec}': domain '${tokens[0]}' is not a hex number`}
    domain = d
    next++
  }
  const busText = tokens[next] ?? ''
  const bus = strtolWhole(busText, 16)
  if (bus === undefined) return {error: `PCI address '${spec}': bus '${busText}' is not a hex number`}
  next++
  const rest = tokens[next]
  if (rest === undefined) return {error: `PCI address '${spec}' has no slot.function (libvirt 9.0 crashes on it)`}
  const options = rest.split(',')
  const sf = options[0] ?? ''
  const dot = sf.indexOf('.')
  if (dot < 0) return {error: `Malformed PCI address ${sf}`}
  const slot = strtolWhole(sf.slice(0, dot), 16)
  if (slot === undefined) return {error: `PCI address '${spec}': slot '${sf.slice(0, dot)}' is not a hex number`}
  const funcText = sf.slice(dot + 1)
  const fn = strtolWhole(funcText, 16)
  if (fn === undefined) {
    const why = funcText.includes('@')
      ? 'the xl virtual slot suffix @VSLOT is not accepted by libvirt'
      : `function '${funcText}' is not a hex number`
    return {error: `PCI address '${spec}': ${why}`}
  }
  const hostdev: Hostdev = {mode: 'subsystem', type: 'pci', managed: false, pci: {domain, bus, slot, function: fn}}
  const dropped: string[] = []
  for (const opt of options.slice(1)) {
    const eq = opt.indexOf('=')
    if (eq < 0) return {error: `Malformed PCI options ${opt}`}
    const key = opt.slice(0, eq)
    const val = opt.slice(eq + 1)
    if (key === 'permissive') {
      const n = strtolWhole(val, 10)
      if (n === undefined) return {error: `PCI option permissive=${val} is not a number`}
      hostdev.permissive = n !== 0
    } else {
      dropped.push(opt)
    }
  }
  if (dropped.length > 0) hostdev.droppedOptions = dropped
  return {hostdev}
}

/** One `pci` string as written, the way xl reads it: `BDF[@VSLOT][,key=value…]`. */
export interface PciWritten {
  /** The address as written, without `@VSLOT`. */
  readonly address: string
  /** `@VSLOT` as written (xl's virtual slot; libvirt refuses it). */
  readonly vslot?: string
  /** The options after the address, trimmed, empty ones left out. */
  readonly options: readonly string[]
}

/**
 * The fields of a `pci` string as written, for the compatibility rules (what xl would keep and
 * what the conversion drops); `parsePciSpec` is libvirt's stricter reading of the same string.
 */
export function pciWritten(spec: string): PciWritten {
  const [first = '', ...rest] = spec.split(',')
  const at = first.indexOf('@')
  return {
    address: at < 0 ? first : first.slice(0, at),
    ...(at >= 0 ? {vslot: first.slice(at)} : {}),
    options: rest.map((o) => o.trim()).filter((o) => o !== ''),
  }
}

/** g_strsplit with max_tokens: the last token holds the rest. */
function splitMax(s: string, sep: string, max: number): string[] {
  const out: string[] = []
  let rest = s
  while (out.length < max - 1) {
    const i = rest.indexOf(sep)
    if (i < 0) break
    out.push(rest.slice(0, i))
    rest = rest.slice(i + 1)
  }
  out.push(rest)
  return out
}
