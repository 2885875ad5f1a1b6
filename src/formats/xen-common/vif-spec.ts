/**
 * One xm/xl `vif` string → an `<interface>`, mirroring libvirt 9.0's `xenParseVif` and
 * `xenParseVifBridge` (`src/libxl/xen_common.c`; xen-formats.md §6.2):
 * - comma-separated `key=value`, spaces/tabs after a comma skipped, keys matched by prefix
 *   (`mac=`, `bridge=`, `script=`, `model=`, `type=`, `vifname=`, `ip=`, `rate=`), the last one
 *   given wins; an element without `=` fails the whole conversion (libvirt: "An error occurred,
 *   but the cause is unknown"); `""` is a default ethernet NIC;
 * - bridge type when `bridge` is set or `script` is exactly `vif-bridge`/`vif-vnic`;
 *   `br.N` → OVS single tag, `br:N[:M…]` → OVS trunk, a non-numeric tag is an error;
 * - `ip` split on single spaces, each must be a numeric IPv4/IPv6 address;
 * - `type=<typename>` (xm `netfront`, xl `vif`) → model netfront unless `model=` is given.
 * Other keys (`backend`, `accel`, `gatewaydev`, …) are ignored by libvirt; they are returned so
 * the caller can report them (VIF-UNKNOWN-KEY).
 */
import type {Interface, IpAddress} from '../../model/domain.js'
import {parseVifRate} from './vif-rate.js'

export interface VifSpecOk {
  readonly iface: Interface
  /** Keys libvirt ignored, with their values. */
  readonly ignored: Readonly<Record<string, string>>
  /** The `@interval` part of `rate`, dropped by libvirt. */
  readonly rateInterval?: string
}

export type VifSpecResult = VifSpecOk | {readonly error: string}

const KEYS = ['mac', 'bridge', 'script', 'model', 'type', 'vifname', 'ip', 'rate'] as const
type VifKey = (typeof KEYS)[number]
/** `item.startsWith(`${key}=`)` for some key ⟺ the text before the item's first `=` is a key. */
const KEY_SET: ReadonlySet<string> = new Set(KEYS)

/** One comma-separated item of a vif string: `name` before its first `=`, `value` after it (undefined without `=`). */
export interface VifItem {
  readonly name: string
  readonly value?: string
  /** The item as written. */
  readonly raw: string
}

/**
 * A vif string's items as xenParseVif splits them: on every comma, spaces and tabs before a name
 * skipped, the value as written (libvirt trims nothing else); `''` has none. The one vif
 * tokenizer: the converter and the checks both read vifs through it.
 */
export function vifItems(spec: string): VifItem[] {
  if (spec === '') return []
  return spec.split(',').map((raw) => {
    const eq = raw.indexOf('=')
    const item = raw.replace(/^[ \t]+/, '')
    return eq < 0 ? {name: item, raw} : {name: item.slice(0, item.indexOf('=')), value: raw.slice(eq + 1), raw}
  })
}

export function parseVifSpec(spec: string, typename: 'netfront' | 'vif'): VifSpecResult {
  const vals: Partial<Record<VifKey, string>> = {}
  const ignored: Record<string, string> = {}
  for (const {name, value, raw} of vifItems(spec)) {
    if (value === undefined) return {error: `vif element '${raw}' is not key=value`}
    // One set lookup instead of a template string per candidate key (CPU profiles).
    if (KEY_SET.has(name)) vals[name as VifKey] = value
    else ignored[name] = value
  }
  const iface: Interface = {type: 'ethernet', ips: []}
  if (vals.mac !== undefined) {
    const mac = parseMac(vals.mac)
    if (mac === undefined) return {error: `malformed mac address '${vals.mac}'`}
    iface.mac = mac
  }
  const bridge = vals.bridge
  if (bridge !== undefined || vals.script === 'vif-bridge' || vals.script === 'vif-vnic') iface.type = 'bridge'
  if (bridge !== undefined) {
    const err = applyBridge(iface, bridge)
    if (err) return {error: err}
  }
  if (vals.ip !== undefined) {
    for (const address of vals.ip.split(' ')) {
      const family = ipFamily(address)
      if (family === undefined) {
        const why = address === '' ? ` (ip='${vals.ip}' has a double, leading or trailing space)` : ''
        return {error: `Cannot parse socket address '${address}': Name or service not known${why}`}
      }
      const ip: IpAddress = {address, family}
      iface.ips.push(ip)
    }
  }
  if (vals.script !== undefined && vals.script !== '') iface.script = vals.script
  if (vals.model !== undefined) iface.model = vals.model
  else if (vals.type === typename) iface.model = 'netfront'
  if (vals.vifname !== undefined && vals.vifname !== '') iface.targetDev = vals.vifname
  let rateInterval: string | undefined
  if (vals.rate !== undefined) {
    const r = parseVifRate(vals.rate)
    if ('error' in r) return {error: r.error}
    if (r.kBps > 0) iface.bandwidthOutboundKBps = r.kBps
    rateInterval = r.interval
  }
  return {iface, ignored, ...(rateInterval !== undefined ? {rateInterval} : {})}
}

function applyBridge(iface: Interface, bridge: string): string | undefined {
  const dot = bridge.indexOf('.')
  const colon = bridge.indexOf(':')
  if (dot >= 0) {
    const tag = parseTag(bridge.slice(dot + 1))
    if (tag === undefined) return `bridge '${bridge}': VLAN tag '${bridge.slice(dot + 1)}' is not a number`
    iface.source = {bridge: bridge.slice(0, dot)}
    iface.vlan = {trunk: false, tags: [tag]}
    iface.virtualport = 'openvswitch'
    return undefined
  }
  if (colon >= 0) {
    const parts = bridge.split(':')
    const tags: number[] = []
    for (const p of parts.slice(1)) {
      const tag = parseTag(p)
      if (tag === undefined) return `bridge '${bridge}': VLAN trunk tag '${p}' is not a number`
      tags.push(tag)
    }
    iface.source = {bridge: parts[0] ?? ''}
    iface.vlan = {trunk: true, tags}
    iface.virtualport = 'openvswitch'
    return undefined
  }
  iface.source = {bridge}
  return undefined
}

/** virStrToLong_ui, base 10, whole string. */
function parseTag(s: string): number | undefined {
  if (!/^[ \t\n\v\f\r]*\+?[0-9]+$/.test(s)) return undefined
  const n = Number(s.trim())
  return n <= 0xffffffff ? n : undefined
}

const CANONICAL_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/

/**
 * virMacAddrParse: six `:`-separated octets of 1-2 hex digits, printed as two lower-case
 * digits each; after the sixth octet anything at or below a space ends the address.
 */
export function parseMac(text: string): string | undefined {
  // Fast path: an address already in the printed form maps to itself.
  if (CANONICAL_MAC.test(text)) return text
  const m = /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})(?![0-9a-fA-F])(.*)$/s.exec(text)
  if (!m) return undefined
  const rest = m[7] ?? ''
  if (rest !== '' && rest.charCodeAt(0) > 32) return undefined
  return m
    .slice(1, 7)
    .map((o) => o.toLowerCase().padStart(2, '0'))
    .join(':')
}

/** getaddrinfo(AI_NUMERICHOST)-style check: dotted-quad IPv4 or an IPv6 literal. */
export function ipFamily(address: string): 'ipv4' | 'ipv6' | undefined {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(address)) return 'ipv4'
  return isIpv6(address) ? 'ipv6' : undefined
}

function isIpv6(a: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(a) || !a.includes(':')) return false
  const halves = a.split('::')
  if (halves.length > 2) return false
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const left = groups(halves[0] ?? '')
  const right = halves.length === 2 ? groups(halves[1] ?? '') : []
  const all = [...left, ...right]
  let count = 0
  for (let i = 0; i < all.length; i++) {
    const g = all[i] ?? ''
    if (g.includes('.')) {
      if (i !== all.length - 1 || ipFamily(g) !== 'ipv4') return false
      count += 2
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count++
    else return false
  }
  return halves.length === 2 ? count < 8 : count === 8
}
