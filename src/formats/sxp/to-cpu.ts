/**
 * SXP memory and vCPU keys → `<memory>`, `<currentMemory>`, `<vcpu>`, `<cputune>`, as libvirt's
 * `xenParseSxpr` (xen-formats.md §4.1, §4.3), plus xenlift's affinity and credit-weight
 * improvements (libvirt's SXP reader ignores both).
 */
import type {Domain} from '../../model/domain.js'
import {type SxpContext, report} from './sxp-context.js'
import {childList, dictValue, hasKey, intOf, lookupList, strtol, valueText} from './sxp-lookup.js'
import type {SxpAtom} from './sxp-node.js'

/** C strtoull of a MiB value, ×1024 → KiB (sexpr_u64). */
function mibToKiB(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const m = /^\s*\+?(\d+)/.exec(text)
  return m ? Number(m[1]) * 1024 : 0
}

function bytesToKiB(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^\s*(\d+)/.exec(text)
  return m ? Math.floor(Number(m[1]) / 1024) : undefined
}

export function readMemory(ctx: SxpContext, d: Domain): void {
  let max = mibToKiB(valueText(ctx.root, 'maxmem'))
  let cur = mibToKiB(valueText(ctx.root, 'memory'))
  if (max === undefined) {
    max = bytesToKiB(valueText(ctx.root, 'memory_static_max')) ?? cur
    if (max !== undefined) report(ctx, 'MISSING-KEY', 'info', `no (maxmem …): maximum memory taken from ${valueText(ctx.root, 'memory_static_max') !== undefined ? 'memory_static_max' : 'memory'} (libvirt would use 0)`, ctx.root, 'maxmem')
  }
  if (cur === undefined) cur = bytesToKiB(valueText(ctx.root, 'memory_dynamic_max')) ?? max
  if (max === undefined || cur === undefined) {
    report(ctx, 'MISSING-KEY', 'error', 'domain has no memory size: neither (memory …) nor (maxmem …)', ctx.root, 'memory')
    return
  }
  // xenParseSxpr clamps the balloon target to the maximum; post-parse turns 0 into the maximum.
  if (cur > max) cur = max
  if (cur === 0) cur = max
  d.maxMemoryKiB = max
  d.currentMemoryKiB = cur
  if (cur < max) {
    report(ctx, 'MEM-BALLOON', 'info', `memory ${cur / 1024} MiB < maxmem ${max / 1024} MiB: kept as current/maximum; HVM needs PV drivers to balloon`, childList(ctx.root, 'memory'), 'memory')
  }
}

function popcount(text: string): number {
  let v: bigint
  try {
    v = BigInt(/^\s*(0[xX][0-9a-fA-F]+|\d+)/.exec(text)?.[1] ?? '0')
  } catch {
    return 0
  }
  let n = 0
  while (v > 0n) {
    n += Number(v & 1n)
    v >>= 1n
  }
  return n
}

export function readVcpus(ctx: SxpContext, d: Domain): void {
  let max = intOf(ctx.root, 'vcpus')
  if (max <= 0) {
    const alt = strtol(valueText(ctx.root, 'VCPUs_max'))
    max = alt > 0 ? alt : 1
    report(ctx, 'MISSING-KEY', 'warning', `no usable (vcpus …): using ${max}`, childList(ctx.root, 'vcpus') ?? ctx.root, 'vcpus')
  }
  d.vcpu = {max}
  const avail = valueText(ctx.root, 'vcpu_avail')
  if (avail !== undefined) {
    const n = popcount(avail)
    if (n > 0 && n < max) d.vcpu.current = n
  }
  readAffinity(ctx, d)
  readScheduler(ctx, d)
}

/** Compress sorted CPU numbers into libvirt's bitmap text (`0-3,6`). */
function cpuList(nums: number[]): string {
  const s = [...new Set(nums)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < s.length; ) {
    let j = i
    while (j + 1 < s.length && (s[j + 1] as number) === (s[j] as number) + 1) j++
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** xenlift improvement: `(cpus ((0 1) (0 1)))` per-vCPU affinity → cpuset or vcpupin. */
function readAffinity(ctx: SxpContext, d: Domain): void {
  const list = childList(ctx.root, 'cpus')
  const v = list?.items[1]
  if (!list || !v) return
  if (v.kind === 'atom') {
    if (v.value === '') return
    d.vcpu.cpuset = v.value
    report(ctx, 'CPU-PIN', 'warning', `vCPU affinity '${v.value}' converted to <vcpu cpuset> (libvirt's SXP reader ignores it)`, v, 'cpus')
    return
  }
  const per: string[] = []
  for (const entry of v.items) {
    const nums = entry.kind === 'list' ? entry.items.filter((x): x is SxpAtom => x.kind === 'atom').map((x) => strtol(x.value)) : [strtol(entry.value)]
    per.push(cpuList(nums))
  }
  if (per.every((p) => p === '')) return
  if (per.every((p) => p === per[0]) && per.length >= d.vcpu.max) {
    d.vcpu.cpuset = per[0] as string
  } else {
    d.cputune = {...(d.cputune ?? {}), vcpupin: per.flatMap((cpuset, vcpu) => (cpuset === '' ? [] : [{vcpu, cpuset}]))}
  }
  report(ctx, 'CPU-PIN', 'warning', 'per-vCPU affinity (cpus) converted to ' + (d.vcpu.cpuset !== undefined ? `<vcpu cpuset='${d.vcpu.cpuset}'>` : '<cputune><vcpupin>') + " (libvirt's SXP reader ignores it)", list, 'cpus')
}

/** xenlift improvement: credit weight → `<cputune><shares>`; cap has no libvirt element. */
function readScheduler(ctx: SxpContext, d: Domain): void {
  const params = childList(ctx.root, 'vcpus_params')
  const weight = valueText(ctx.root, 'cpu_weight') ?? dictValue(params, 'weight')
  const cap = valueText(ctx.root, 'cpu_cap') ?? dictValue(params, 'cap')
  const path = hasKey(ctx.root, 'cpu_weight') ? 'cpu_weight' : 'vcpus_params'
  if (weight !== undefined && strtol(weight) > 0 && strtol(weight) !== 256) {
    d.cputune = {vcpupin: [], ...(d.cputune ?? {}), shares: strtol(weight)}
    report(ctx, 'CPU-WEIGHT', 'warning', `credit scheduler weight ${strtol(weight)} converted to <cputune><shares> (libvirt's SXP reader ignores it)`, lookupList(ctx.root, path), path)
  }
  if (cap !== undefined && strtol(cap) !== 0) {
    d.extra.cpu_cap = strtol(cap)
    report(ctx, 'CPU-WEIGHT', 'warning', `credit scheduler cap ${strtol(cap)}% has no libvirt element and is not converted`, lookupList(ctx.root, hasKey(ctx.root, 'cpu_cap') ? 'cpu_cap' : 'vcpus_params'), 'cpu_cap', 'set it after start with xl sched-credit -c')
  }
}
