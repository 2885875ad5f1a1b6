/**
 * xl `cpuid` (libxl form `"host,feat=V,…"`) → `<cpu mode='host-passthrough'>` features, as
 * libvirt 9.0's `xenParseXLCPUID` and `xenTranslateCPUFeature` (`src/libxl/xen_xl.c`;
 * xen-formats.md §5.3): must start with `host`; values `1` force, `0` disable, `x`/`k`/`s`
 * optional, anything else is an error; libxl feature names are translated to libvirt's
 * (`sse3` → `pni`, `page1gb` → `pdpe1gb`, …), unknown names pass through. xend's list form
 * (`['1:ecx=…']`) and strings not starting with `host` are errors (checklist CPU-CPUID).
 */
import type {CpuFeature} from '../../model/domain.js'

/** libxl cpuid name → libvirt cpu_map name, where they differ. */
export const LIBXL_TO_LIBVIRT: Readonly<Record<string, string>> = {
  sse3: 'pni',
  pclmulqdq: 'pclmuldq',
  dscpl: 'ds_cpl',
  cntxid: 'cid',
  cmpxchg16: 'cx16',
  sse4_1: 'sse4.1',
  sse4_2: 'sse4.2',
  cmpxchg8: 'cx8',
  sysenter: 'sep',
  psn: 'pn',
  clfsh: 'clflush',
  htt: 'ht',
  lahfsahf: 'lahf_lm',
  cmplegacy: 'cmp_legacy',
  altmovcr8: 'cr8legacy',
  nodeid: 'nodeid_msr',
  ffxsr: 'fxsr_opt',
  page1gb: 'pdpe1gb',
  cmt: 'cqm',
  'tsc-deadline': 'tsc-deadline',
  'proc-trace': 'intel-pt',
}

export type CpuidResult = {readonly features: CpuFeature[]} | {readonly error: string}

export function parseXlCpuid(text: string): CpuidResult {
  if (text === '') return {features: []}
  const pairs = text.split(',')
  if (pairs[0] !== 'host') {
    return {error: `cpuid starting with ${pairs[0]} is not supported, only libxl format is ("host,feature=value,…")`}
  }
  const features: CpuFeature[] = []
  for (const pair of pairs.slice(1)) {
    const eq = pair.indexOf('=')
    if (eq < 0) return {error: `Invalid libxl cpuid key=value element: ${pair}`}
    const key = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    const policy = value === '1' ? 'force' : value === '0' ? 'disable' : value === 'x' || value === 'k' || value === 's' ? 'optional' : undefined
    if (policy === undefined) return {error: `Invalid libxl cpuid value: ${pair}`}
    const name = LIBXL_TO_LIBVIRT[key] ?? key
    if (features.some((f) => f.name === name)) return {error: `CPU feature '${name}' specified more than once`}
    features.push({policy, name})
  }
  return {features}
}
