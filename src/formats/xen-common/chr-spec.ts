/**
 * Xen character-device strings (`serial`, `parallel`: `pty`, `/dev/ttyS0`, `file:/x`,
 * `tcp:host:port,server,nowait`, `udp:a:p@b:q`, `unix:/s,server`, …) → a libvirt char device.
 *
 * Mirrors libvirt's `xenParseSxprChar` (`src/xenconfig/xen_sxpr.c`), which both the SXP reader
 * and the xm/xl reader (`xenParseConfigCommon`) call, so xm, xl and SXP behave the same
 * (xen-formats.md §4.7, §5.1). Quirks kept on purpose:
 * - a value starting with `/` is a host device; otherwise the text before the first `:` is
 *   libvirt's chr type name (`null vc pty dev file pipe stdio udp tcp unix spicevmc spiceport
 *   nmdm`), any prefix starting `telnet` is TCP with the telnet protocol;
 * - `dev:/dev/ttyS1` gives a `dev` device **without** a path (libvirt drops it);
 * - `pty` has no source (the runtime tty path is not known);
 * - tcp: `[HOST]:PORT[,…]`, `,server` anywhere after the port → bind, else connect;
 * - udp: `[HOST]:PORT[@[BINDHOST]:BINDPORT]` → bind source (when given) then connect source;
 * - unix: `PATH[,server]`.
 * Unknown types and malformed tcp/udp give an error message instead of a device.
 */
import type {ChrDevice, ChrSource, ChrType} from '../../model/domain.js'

export type ChrSpecResult = {readonly device: ChrDevice} | {readonly error: string}

/** libvirt's virDomainChrType names that `xenParseSxprChar` accepts as a prefix. */
const CHR_TYPES: Readonly<Record<string, ChrType | 'unsupported'>> = {
  null: 'null',
  vc: 'vc',
  pty: 'pty',
  dev: 'dev',
  file: 'file',
  pipe: 'pipe',
  stdio: 'stdio',
  udp: 'udp',
  tcp: 'tcp',
  unix: 'unix',
  // Valid libvirt types the model has no shape for; libvirt would accept them.
  spicevmc: 'unsupported',
  spiceport: 'unsupported',
  nmdm: 'unsupported',
}

/** Parse one char-device string (`none` must be filtered by the caller: it means "no device"). */
export function parseChrSpec(value: string): ChrSpecResult {
  if (value.startsWith('/')) return {device: {type: 'dev', sources: [{path: value}], target: {}}}
  const colon = value.indexOf(':')
  const prefix = colon >= 0 ? value.slice(0, colon) : value
  const rest = colon >= 0 ? value.slice(colon + 1) : value
  if (prefix.startsWith('telnet')) return parseTcp(rest, 'telnet')
  const type = Object.hasOwn(CHR_TYPES, prefix) ? CHR_TYPES[prefix] : undefined
  if (type === undefined) return {error: `unknown chr device type '${prefix}'`}
  if (type === 'unsupported') return {error: `chr device type '${prefix}' is not supported by xenlift`}
  switch (type) {
    case 'file':
    case 'pipe':
      return {device: {type, sources: [{path: rest}], target: {}}}
    case 'tcp':
      return parseTcp(rest, 'raw')
    case 'udp':
      return parseUdp(rest)
    case 'unix': {
      const comma = rest.indexOf(',')
      const path = comma >= 0 ? rest.slice(0, comma) : rest
      const listen = comma >= 0 && rest.slice(comma).includes(',server')
      return {device: {type, sources: [{mode: listen ? 'bind' : 'connect', path}], target: {}}}
    }
    default:
      // pty, vc, null, stdio and `dev:` (whose path libvirt drops).
      return {device: {type, sources: [], target: {}}}
  }
}

function parseTcp(value: string, protocol: 'raw' | 'telnet'): ChrSpecResult {
  const colon = value.indexOf(':')
  if (colon < 0) return {error: 'malformed char device string'}
  const host = value.slice(0, colon)
  const comma = value.indexOf(',', colon)
  const service = comma >= 0 ? value.slice(colon + 1, comma) : value.slice(colon + 1)
  const listen = comma >= 0 && value.slice(comma).includes(',server')
  const src: ChrSource = {mode: listen ? 'bind' : 'connect', ...(host !== '' ? {host} : {}), service}
  return {device: {type: 'tcp', sources: [src], protocol, target: {}}}
}

function parseUdp(value: string): ChrSpecResult {
  const colon = value.indexOf(':')
  if (colon < 0) return {error: 'malformed char device string'}
  const connectHost = value.slice(0, colon)
  const at = value.indexOf('@', colon)
  const connect = (service: string): ChrSource => ({mode: 'connect', ...(connectHost !== '' ? {host: connectHost} : {}), service})
  if (at < 0) return {device: {type: 'udp', sources: [connect(value.slice(colon + 1))], target: {}}}
  const connectService = value.slice(colon + 1, at)
  const colon3 = value.indexOf(':', at)
  if (colon3 < 0) return {error: 'malformed char device string'}
  const bindHost = value.slice(at + 1, colon3)
  const bindService = value.slice(colon3 + 1)
  const sources: ChrSource[] = [
    {mode: 'bind', ...(bindHost !== '' ? {host: bindHost} : {}), service: bindService},
  ]
  // libvirt prints the connect source only when it has a host or a service.
  if (connectHost !== '' || connectService !== '') sources.push(connect(connectService))
  return {device: {type: 'udp', sources, target: {}}}
}
