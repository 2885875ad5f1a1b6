/**
 * Domain UUIDs: the one UUID parser of xenlift (SXP `(uuid …)`, xm/xl `uuid`, libvirt `<uuid>`,
 * the checks' identity rules), and derived UUIDs for xm/xl configs without one.
 *
 * `parseUuid` mirrors libvirt's `virUUIDParse` (`src/util/viruuid.c`), which every one of those
 * inputs goes through in libvirt: leading ASCII whitespace skipped, then 16 bytes of two hex
 * digits each, with `-` or space allowed between bytes (so `ce-816e…` and `ce816e63 5de4 …`
 * pass), then trailing ASCII whitespace only: a trailing `-` is refused. Output is dashed lower case.
 *
 * `deterministicUuid`: libvirt generates a random UUID for a config without one (a new one on
 * every conversion, xen-formats.md §5.1); xenlift derives a name-based RFC 4122 version-5 UUID
 * from a seed (file path + domain name by default) so repeated runs agree. SHA-1 is written
 * out here because the core is pure (no node:crypto).
 */

/** xenlift's namespace for v5 UUIDs (itself a fixed random UUID). */
const NAMESPACE = hexBytes('6f1d3c0a9b2e4c5d8e7f60718293a4b5')

/** The canonical dashed form, which virUUIDParse maps to itself (lower-cased). */
const CANONICAL_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export function parseUuid(text: string): string | undefined {
  // Fast path for what nearly every config holds; the byte loop below gives the same result.
  if (CANONICAL_UUID.test(text)) return text.toLowerCase()
  let i = 0
  while (i < text.length && isAsciiSpace(text[i])) i++
  const bytes: string[] = []
  while (bytes.length < 16) {
    const c = text[i]
    if (c === undefined) return undefined
    if (c === '-' || c === ' ') {
      i++
      continue
    }
    const pair = text.slice(i, i + 2)
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return undefined
    bytes.push(pair.toLowerCase())
    i += 2
  }
  for (; i < text.length; i++) if (!isAsciiSpace(text[i])) return undefined
  return formatUuid(bytes.join(''))
}

/** g_ascii_isspace: space, \t, \n, \v, \f, \r (not the Unicode spaces `\s` also matches). */
function isAsciiSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

/** A version-5 UUID from `seed` in xenlift's namespace. */
export function deterministicUuid(seed: string): string {
  const name = new TextEncoder().encode(seed)
  const data = new Uint8Array(NAMESPACE.length + name.length)
  data.set(NAMESPACE, 0)
  data.set(name, NAMESPACE.length)
  const h = sha1(data).slice(0, 16)
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80
  return formatUuid(Array.from(h, (b) => b.toString(16).padStart(2, '0')).join(''))
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** FIPS 180-4 SHA-1 over bytes. */
export function sha1(msg: Uint8Array): Uint8Array {
  const ml = msg.length
  const total = Math.ceil((ml + 9) / 64) * 64
  const buf = new Uint8Array(total)
  buf.set(msg)
  buf[ml] = 0x80
  const view = new DataView(buf.buffer)
  view.setUint32(total - 8, Math.floor((ml * 8) / 2 ** 32))
  view.setUint32(total - 4, (ml * 8) >>> 0)
  let h0 = 0x67452301
  let h1 = 0xefcdab89
  let h2 = 0x98badcfe
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0
  const w = new Uint32Array(80)
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4)
    for (let t = 16; t < 80; t++) {
      const x = (w[t - 3] ?? 0) ^ (w[t - 8] ?? 0) ^ (w[t - 14] ?? 0) ^ (w[t - 16] ?? 0)
      w[t] = (x << 1) | (x >>> 31)
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    for (let t = 0; t < 80; t++) {
      let f: number
      let k: number
      if (t < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (t < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + (w[t] ?? 0)) >>> 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = temp
    }
    h0 = (h0 + a) >>> 0
    h1 = (h1 + b) >>> 0
    h2 = (h2 + c) >>> 0
    h3 = (h3 + d) >>> 0
    h4 = (h4 + e) >>> 0
  }
  const out = new Uint8Array(20)
  const ov = new DataView(out.buffer)
  ;[h0, h1, h2, h3, h4].forEach((h, i) => {
    ov.setUint32(i * 4, h >>> 0)
  })
  return out
}
