/**
 * The part of xm and xl parsing that libvirt shares: `xenParseConfigCommon`
 * (`src/libxl/xen_common.c`, libvirt 9.0; xen-formats.md §5.1, §6.2-§6.4), in libvirt's
 * order: general meta (name, uuid, type/builder), memory, lifecycle actions, CPU and features,
 * time offset, `device_model_override`, vifs, PCI, sound, graphics, char devices.
 * Readers' own defaults are applied here (memory 128 MiB, on_crash restart, HVM acpi/apic/pae
 * on, …); libvirt's post-parse defaults are not (formats/libvirt/defaults.ts does those).
 */
import type {Domain, GuestKind, LifecycleAction, Timer} from '../../model/domain.js'
import {newDomain} from '../../model/domain.js'
import {
  type ConfigReadContext,
  configValue,
  entryOf,
  error,
  getBool,
  getNumber,
  getString,
  getStringQuiet,
  report,
} from './config-access.js'
import {normaliseCpuset} from './cpuset.js'
import {readGraphics} from './graphics.js'
import {deterministicUuid, parseUuid} from './uuid.js'
import {readCharDevices, readPci, readSound, readVifs} from './device-keys.js'

export interface CommonOptions {
  readonly format: 'xm' | 'xl'
  /** Seed for the UUID of a config without one (default: file path and name). */
  readonly uuidSeed?: string
}

const LIFECYCLE: readonly LifecycleAction[] = [
  'destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart',
]

/** Read the common keys into a fresh domain. Errors go to ctx.diagnostics. */
export function readCommonKeys(ctx: ConfigReadContext, opts: CommonOptions): Domain {
  const name = readName(ctx)
  const kind = readKind(ctx)
  const d = newDomain(name ?? '', kind)
  const at = entryOf(ctx, 'name')?.loc
  if (at) d.loc = at.file === undefined && ctx.file !== undefined ? Object.assign({}, at, {file: ctx.file}) : Object.assign({}, at)
  readUuid(ctx, d, opts)
  readMemory(ctx, d)
  readLifecycle(ctx, d)
  readCpu(ctx, d)
  readTimeOffset(ctx, d)
  const emulator = getString(ctx, 'device_model_override')
  if (emulator !== undefined) d.devices.emulator = emulator
  readVifs(ctx, d, opts.format === 'xm' ? 'netfront' : 'vif')
  readPci(ctx, d)
  if (kind === 'hvm') readSound(ctx, d)
  const g = readGraphics(ctx, kind === 'hvm')
  if (g) d.devices.graphics.push(g)
  readCharDevices(ctx, d, opts.format)
  return d
}

function readName(ctx: ConfigReadContext): string | undefined {
  const name = getString(ctx, 'name')
  if (name === undefined) {
    if (entryOf(ctx, 'name') !== undefined) return undefined
    const computed = [...ctx.cfg.entries].reverse().find((e) => e.key === 'name')
    if (computed) {
      report(ctx, 'MISSING-KEY', 'error', `name = ${computed.text} is computed when xm runs the file; xenlift cannot evaluate it`, 'name', 'write the domain name as a literal string')
    } else {
      report(ctx, 'MISSING-KEY', 'error', 'config value name was missing', 'name', 'add name = "<domain name>"')
    }
    return undefined
  }
  if (name.includes('/')) error(ctx, `name ${name} cannot contain '/'`, 'name', undefined, 'NAME-CHARS')
  return name
}

function readKind(ctx: ConfigReadContext): GuestKind {
  const type = getStringQuiet(ctx, 'type')
  if (type !== undefined) {
    if (type === 'pv') return 'pv'
    if (type === 'pvh') return 'pvh'
    if (type === 'hvm') return 'hvm'
    error(ctx, `type ${type} is not supported`, 'type', undefined, 'UNSUPPORTED')
    return 'pv'
  }
  return getStringQuiet(ctx, 'builder') === 'hvm' ? 'hvm' : 'pv'
}

function readUuid(ctx: ConfigReadContext, d: Domain, opts: CommonOptions): void {
  const v = configValue(ctx, 'uuid')
  if (v === undefined) {
    const seed = opts.uuidSeed ?? `${ctx.file ?? ''}\u0000${d.name}`
    d.uuid = deterministicUuid(seed)
    const computed = ctx.cfg.entries.some((e) => e.key === 'uuid')
    if (computed) {
      report(ctx, 'UUID-MISSING', 'warning', `uuid is computed when xm runs the file: xenlift cannot evaluate it and derived ${d.uuid} instead`, 'uuid', 'write the domain UUID as a literal string')
    } else {
      report(ctx, 'UUID-MISSING', 'info', `no uuid: xenlift derived ${d.uuid} from the file and name (libvirt would pick a random one on every conversion)`)
    }
    return
  }
  if (typeof v !== 'string') {
    error(ctx, "expected a string for 'uuid' parameter", 'uuid')
    return
  }
  const uuid = parseUuid(v)
  if (uuid === undefined) error(ctx, `${v} not parseable as a UUID (need 32 hex digits)`, 'uuid', undefined, 'SYNTAX')
  else d.uuid = uuid
}

function readMemory(ctx: ConfigReadContext, d: Domain): void {
  if (entryOf(ctx, 'memory') === undefined) report(ctx, 'MEM-DEFAULT', 'warning', 'no memory: the default of 128 MiB applies')
  const memory = getNumber(ctx, 'memory', 128)
  const maxmem = getNumber(ctx, 'maxmem', memory)
  d.maxMemoryKiB = maxmem * 1024
  // virDomainDefPostParseMemory: a balloon of 0 or above the maximum becomes the maximum.
  d.currentMemoryKiB = (memory === 0 ? maxmem : Math.min(memory, maxmem)) * 1024
  if (memory < maxmem) report(ctx, 'MEM-BALLOON', 'info', `memory (${memory} MiB) < maxmem (${maxmem} MiB): ballooning`, 'memory')
}

/**
 * virDomainDefPostParseMemory's check, once the readers are done (xl `vnuma` may still set the
 * size): a domain of 0 KiB is an error.
 */
export function checkMemory(ctx: ConfigReadContext, d: Domain): void {
  if (d.maxMemoryKiB > 0) return
  const key = entryOf(ctx, 'maxmem') !== undefined ? 'maxmem' : 'memory'
  error(ctx, `${key} = 0: Memory size must be specified via <memory> or in the <numa> configuration`, key)
}

function readLifecycle(ctx: ConfigReadContext, d: Domain): void {
  const keys = [
    ['on_poweroff', 'destroy', 'onPoweroff'],
    ['on_reboot', 'restart', 'onReboot'],
    ['on_crash', 'restart', 'onCrash'],
  ] as const
  for (const [key, dflt, field] of keys) {
    const v = getString(ctx, key) ?? dflt
    const action = LIFECYCLE.find((a) => a === v)
    if (action === undefined) {
      error(ctx, `unexpected value ${v} for ${key}`, key, undefined, 'BAD-VALUE')
      continue
    }
    d.lifecycle[field] = action
    if (action === 'rename-restart') report(ctx, 'LIFECYCLE-RENAME', 'warning', `${key} = rename-restart is not supported by libxl`, key)
  }
}

function readCpu(ctx: ConfigReadContext, d: Domain): void {
  const vcpus = vcpuCount(ctx, 'vcpus', 1)
  d.vcpu = {max: vcpus}
  if (entryOf(ctx, 'maxvcpus') !== undefined) {
    const max = vcpuCount(ctx, 'maxvcpus', 0)
    d.vcpu = max > vcpus ? {max, current: vcpus} : {max}
  }
  readCpus(ctx, d)
  const tsc = readTsc(ctx)
  if (tsc) d.clock.timers.push(tsc)
  if (d.os.kind === 'hvm') {
    // libvirt 9.0 prints <pae/> for every HVM domain: `pae = 0` is read (a malformed value is
    // still an error) but ignored, as xen-formats.md §5.1 says and the real driver confirms
    // (lab suite, test/lab: domxml-from-native keeps <pae/> for `pae = 0`).
    getBool(ctx, 'pae', true)
    d.features.pae = true
    if (getBool(ctx, 'acpi', true)) d.features.acpi = true
    if (getBool(ctx, 'apic', true)) d.features.apic = true
    if (!getBool(ctx, 'hap', true)) d.features.hap = 'off'
    if (getBool(ctx, 'viridian', false)) d.features.viridian = true
    const hpet = getBool(ctx, 'hpet', undefined)
    if (hpet !== undefined) d.clock.timers.push({name: 'hpet', present: hpet})
  } else if (getBool(ctx, 'e820_host', false)) {
    d.features.e820Host = true
  }
  readPassthrough(ctx, d)
}

/** Far above any Xen guest (HVM 128, PV 512 vCPUs); libvirt 9.0 crashes on absurd counts. */
const MAX_VCPUS = 4096

function vcpuCount(ctx: ConfigReadContext, key: string, dflt: number): number {
  const n = getNumber(ctx, key, dflt)
  if (n <= MAX_VCPUS) return n
  error(ctx, `${key} = ${n} is larger than any Xen guest can have (libvirt 9.0's daemon crashes on such counts)`, key)
  return dflt
}

/** `cpus`: a libvirt bitmap string; xl's per-vCPU list form becomes `<vcpupin>` (libvirt rejects it). */
function readCpus(ctx: ConfigReadContext, d: Domain): void {
  const v = configValue(ctx, 'cpus')
  if (v === undefined) return
  if (typeof v === 'string') {
    const set = normaliseCpuset(v)
    if (set === undefined) error(ctx, `Failed to parse bitmap '${v}'`, 'cpus')
    else d.vcpu.cpuset = set
    return
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    const pins: {vcpu: number; cpuset: string}[] = []
    v.forEach((x, vcpu) => {
      // xl accepts `all` for a vCPU that may run anywhere: no pin for it.
      if ((x as string).trim() === 'all') return
      const set = normaliseCpuset(x as string)
      if (set === undefined) error(ctx, `Failed to parse bitmap '${String(x)}'`, 'cpus', `cpus[${vcpu}]`)
      else pins.push({vcpu, cpuset: set})
    })
    d.cputune = {vcpupin: pins}
    report(ctx, 'CPU-PIN', 'info', 'per-vCPU cpus list converted to <vcpupin> (libvirt would reject the list)', 'cpus')
    return
  }
  error(ctx, "expected a string for 'cpus' parameter", 'cpus')
}

/** `tsc_mode` (xen_common.c): a name → `<timer name='tsc'>`; xm's numeric form is translated (TIME-TSC). */
function readTsc(ctx: ConfigReadContext): Timer | undefined {
  const v = configValue(ctx, 'tsc_mode')
  if (v === undefined) return undefined
  const modes: Record<string, string> = {always_emulate: 'emulate', native: 'native', native_paravirt: 'paravirt'}
  if (typeof v === 'string') return {name: 'tsc', present: true, mode: modes[v] ?? 'auto'}
  const numeric = ['auto', 'emulate', 'native', 'paravirt']
  if (typeof v === 'number' && numeric[v] !== undefined) {
    // 0 is the default (xend wrote it into every config): read as auto, nothing to say.
    if (v !== 0) report(ctx, 'TIME-TSC', 'info', `numeric tsc_mode = ${v} read as ${numeric[v]} (libvirt accepts only the names)`, 'tsc_mode')
    return {name: 'tsc', present: true, mode: numeric[v]}
  }
  error(ctx, "expected a string for 'tsc_mode' parameter", 'tsc_mode')
  return undefined
}

function readPassthrough(ctx: ConfigReadContext, d: Domain): void {
  const v = getString(ctx, 'passthrough')
  if (v === undefined) return
  // `disabled` gives no element at all in libvirt 9.0 (xen-formats.md §5.1; lab suite, test/lab).
  if (v === 'disabled') return
  if (v === 'enabled') d.features.passthrough = {state: 'on'}
  else if (v === 'sync_pt' || v === 'share_pt') d.features.passthrough = {state: 'on', mode: v}
  else error(ctx, `unknown value '${v}' for passthrough`, 'passthrough')
}

function readTimeOffset(ctx: ConfigReadContext, d: Domain): void {
  const localtime = getBool(ctx, 'localtime', false)
  if (d.os.kind === 'hvm') {
    const offset = getNumber(ctx, 'rtc_timeoffset', 0, true)
    d.clock.offset = 'variable'
    d.clock.adjustment = String(offset)
    d.clock.basis = localtime ? 'localtime' : 'utc'
  } else {
    d.clock.offset = localtime ? 'localtime' : 'utc'
    d.clock.adjustment = 'reset'
  }
}
