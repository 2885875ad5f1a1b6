/**
 * The vif `rate` grammar → KB/s for `<bandwidth><outbound average=…>`, as libvirt's
 * `xenParseSxprVifRate` (`src/xenconfig/xen_sxpr.c`; also used by xm/xl, xen-formats.md §4.5,
 * §6.2): `^[0-9]+[GMK]?[Bb]/s$` after cutting an `@interval` suffix; G ×1024², M ×1024, K or
 * no prefix ×1 (so `1000B/s` is 1000 KB/s: libvirt's quirk), a `b` (bits) anywhere in the unit
 * ÷ 8 (integer division). The interval is dropped (checklist VIF-RATE).
 */

export type VifRateResult =
  | {readonly kBps: number; readonly interval?: string}
  | {readonly error: string}

const RATE = /^([0-9]+)([GMK]?)([Bb])\/s$/

export function parseVifRate(rate: string): VifRateResult {
  const at = rate.indexOf('@')
  const main = at >= 0 ? rate.slice(0, at) : rate
  const m = RATE.exec(main)
  if (!m) return {error: `Invalid rate '${rate}' specified`}
  let v = Number(m[1])
  if (!Number.isSafeInteger(v)) return {error: `Failed to parse rate '${rate}'`}
  if (m[2] === 'G') v *= 1024 * 1024
  else if (m[2] === 'M') v *= 1024
  if (m[3] === 'b') v = Math.floor(v / 8)
  return at >= 0 ? {kBps: v, interval: rate.slice(at + 1)} : {kBps: v}
}
