/**
 * One SXP `(domain …)` (or `(vm …)`) → the neutral domain model, exactly as libvirt's
 * `xenParseSxpr` (`src/xenconfig/xen_sxpr.c`, libvirt 4.5 — the vectors in
 * `shared/corpus/libvirt/sexpr2xml`) maps it; xen-formats.md §3-§4. libvirt's post-parse
 * defaults (inputs, video, PV console, memballoon, controllers, disk addresses) are **not**
 * added here (see `formats/libvirt/defaults.ts`).
 *
 * Deliberate differences, each reported as a diagnostic:
 * - `(vm …)` roots (`xm create -n`) are read like `(domain …)` (SXP-VM-ROOT);
 * - Domain-0 (name `Domain-0` or domid 0) is skipped instead of half-converted;
 * - per-vCPU affinity `cpus` → `<vcpu cpuset>` / `<vcpupin>` and `cpu_weight` →
 *   `<cputune><shares>` (libvirt's SXP reader ignores both; CPU-PIN, CPU-WEIGHT);
 * - a missing `maxmem` falls back to `memory` instead of a 0 KiB domain;
 * - a libvirt error on one device drops that device with a located error, not the domain.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {deterministicUuid} from '../xen-common/uuid.js'
import {ASSUMED_TARGET_PROFILE, type TargetProfile} from '../target-profile.js'
import {type Domain, type LifecycleAction, newDomain} from '../../model/domain.js'
import {type SxpContext, report} from './sxp-context.js'
import {collectLosses} from './sxp-losses.js'
import {childList, copyText, hasKey, headOf, intOf, lookupList, strtol, valueAtom, valueText} from './sxp-lookup.js'
import type {SxpAtom, SxpList, SxpNode} from './sxp-node.js'
import {readMemory, readVcpus} from './to-cpu.js'
import {parseDisks, parseNets, parsePci} from './to-devices.js'
import {parseChars, parseFloppies, parseGraphics, parseSound, parseUsbInputs} from './to-display.js'
import {readBootloader, readOs} from './to-os.js'
import {parseUuid} from '../xen-common/uuid.js'
import {withPath} from '../../model/location.js'

export type SxpDomainResult =
  | {readonly kind: 'domain'; readonly domain: Domain; readonly diagnostics: Diagnostic[]}
  | {readonly kind: 'skip'; readonly name?: string; readonly reason: string; readonly diagnostics: Diagnostic[]}
  | {readonly kind: 'error'; readonly diagnostics: Diagnostic[]}

/** Map one top-level SXP list to a domain. Never throws. */
export function sxpToDomain(root: SxpList, opts: {readonly file?: string; readonly profile?: TargetProfile} = {}): SxpDomainResult {
  const diagnostics: Diagnostic[] = []
  const base = {root, diagnostics, hvm: false, profile: opts.profile ?? ASSUMED_TARGET_PROFILE, ...(opts.file !== undefined ? {file: opts.file} : {})}
  const head = headOf(root)
  if (head === 'vm') {
    report(base, 'SXP-VM-ROOT', 'warning', '(vm …) root written by xm create -n/-F: read as (domain …); libvirt cannot read it', root, 'vm')
  }
  const domidText = valueText(root, 'domid')
  const domid = domidText !== undefined ? strtol(domidText) : undefined
  // sexpr_node_copy: an empty name is no name.
  const nameAtom = [valueAtom(root, 'name'), valueAtom(root, 'name_label')].find((a) => a !== undefined && a.value !== '')
  if (!nameAtom) {
    report(base, 'MISSING-KEY', 'error', 'domain information incomplete: missing (name …)', root, 'domain/name')
    return {kind: 'error', diagnostics}
  }
  const name = nameAtom.value
  if (name === 'Domain-0' || domid === 0) {
    return {kind: 'skip', name, reason: 'Domain-0 (the host itself) is not a guest to convert', diagnostics}
  }
  const uuidAtom = valueAtom(root, 'uuid')
  let uuid: string | undefined
  if (!uuidAtom) {
    if (head !== 'vm') {
      // xend writes (uuid …) into every config.sxp; a (domain …) without one is damaged.
      report(base, 'MISSING-KEY', 'error', `domain '${name}': missing (uuid …)`, root, 'domain/uuid')
      return {kind: 'error', diagnostics}
    }
    // `xm create -n` prints no uuid unless the config had one: xend made one up at create time
    // (XendConfig), so xenlift derives a stable one, as it does for an xm config.
    uuid = deterministicUuid(`${opts.file ?? ''}\u0000${name}`)
    report(base, 'UUID-MISSING', 'info', `no (uuid …): xenlift derived ${uuid} from the file and name (xend generated one when it created the domain)`, root, 'vm')
  } else uuid = parseUuid(uuidAtom.value)
  if (uuid === undefined) {
    report(base, 'BAD-VALUE', 'error', `domain '${name}': uuid '${uuidAtom?.value}' is not 32 hex digits`, uuidAtom ?? root, 'domain/uuid')
    return {kind: 'error', diagnostics}
  }
  // sexpr_lookup only finds lists with at least one value: `(image (hvm))` is not HVM.
  const hvm = (lookupList(root, 'image/hvm')?.items.length ?? 0) > 1
  const ctx: SxpContext = {...base, hvm, ...(domid !== undefined && domid > 0 ? {domid} : {})}
  const d = newDomain(name, hvm ? 'hvm' : 'pv')
  d.uuid = uuid
  d.loc = withPath(root.loc, head ?? 'domain')
  if (domid !== undefined && domid > 0) d.id = domid
  // xend writes `(description '')` for "none"; libvirt would print an empty element.
  const description = valueText(root, 'description')
  if (description !== undefined && description !== '') d.description = description
  readRuntimeNotes(ctx)
  readBootloader(ctx, d)
  if ((lookupList(root, 'image')?.items.length ?? 0) > 1) readOs(ctx, d)
  readMemory(ctx, d)
  readVcpus(ctx, d)
  readLifecycle(ctx, d)
  readFeaturesAndClock(ctx, d)
  readManagement(ctx, d)
  const img = hvm ? 'image/hvm' : 'image/linux'
  const emulator = copyText(root, `${img}/device_model`)
  if (emulator !== undefined) d.devices.emulator = emulator
  d.devices.disks = parseDisks(ctx)
  d.devices.interfaces = parseNets(ctx)
  d.devices.hostdevs = parsePci(ctx)
  d.devices.graphics = parseGraphics(ctx)
  d.devices.disks.push(...parseFloppies(ctx))
  d.devices.inputs = parseUsbInputs(ctx)
  const chars = parseChars(ctx)
  d.devices.serials = chars.serials
  d.devices.parallels = chars.parallels
  d.devices.sounds = parseSound(ctx)
  collectLosses(ctx, d.extra)
  reportQuoting(ctx)
  return {kind: 'domain', domain: d, diagnostics}
}

const RUNTIME_KEYS = ['domid', 'state', 'store_mfn', 'console_mfn', 'start_time', 'cpu_time', 'online_vcpus'] as const

function readRuntimeNotes(ctx: SxpContext): void {
  const found = RUNTIME_KEYS.filter((k) => hasKey(ctx.root, k))
  if (found.length === 0) return
  report(ctx, 'SXP-RUNTIME', 'info', `runtime dump (xm list -l): ${found.join(', ')} ignored; converted as an inactive definition`, childList(ctx.root, found[0] as string), found[0] as string)
}

const ACTIONS = new Set<string>(['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart'])

function readLifecycle(ctx: SxpContext, d: Domain): void {
  // SXP defaults (xenParseSxpr): destroy / restart / destroy. on_crash differs from xm/xl
  // (restart), so it is always written out explicitly.
  const defaults = {on_poweroff: 'destroy', on_reboot: 'restart', on_crash: 'destroy'} as const
  const out: Record<string, LifecycleAction> = {}
  for (const key of ['on_poweroff', 'on_reboot', 'on_crash'] as const) {
    const atom = valueAtom(ctx.root, key)
    let v: string = defaults[key]
    if (atom !== undefined) {
      if (!ACTIONS.has(atom.value)) {
        report(ctx, 'BAD-VALUE', 'error', `unknown lifecycle action '${atom.value}' for ${key}`, atom, key)
      } else {
        v = atom.value
      }
      if (atom.value === 'rename-restart') report(ctx, 'LIFECYCLE-RENAME', 'warning', `${key} rename-restart is not supported by libxl; use restart`, atom, key)
    } else if (key === 'on_crash') {
      report(ctx, 'LIFECYCLE', 'info', 'no on_crash: the SXP default destroy is written explicitly (xm/xl would restart)', ctx.root, key)
    }
    out[key] = v as LifecycleAction
  }
  d.lifecycle = {onPoweroff: out.on_poweroff, onReboot: out.on_reboot, onCrash: out.on_crash}
}

function readFeaturesAndClock(ctx: SxpContext, d: Domain): void {
  const img = ctx.hvm ? 'image/hvm' : 'image/linux'
  // Keys looked up in the image list found once: the same as the `${img}/${k}` paths, without
  // a path string built and walked per key (a measurable share of the SXP mapping).
  const imgList = lookupList(ctx.root, img)
  const imgHas = (k: string) => imgList !== undefined && hasKey(imgList, k)
  const imgInt = (k: string) => (imgList !== undefined ? intOf(imgList, k) : 0)
  if (ctx.hvm) {
    const on = (k: string) => imgInt(k) !== 0
    // The SXP reader has no feature defaults: absent or 0 is off (xm/xl default acpi, apic,
    // pae and hap on), so the off state is recorded explicitly for the xl/xm writers.
    d.features.acpi = on('acpi')
    d.features.apic = on('apic')
    d.features.pae = on('pae')
    if (on('hap')) d.features.hap = 'on'
    else if (imgHas('hap')) d.features.hap = 'off'
    if (on('viridian')) d.features.viridian = true
    const missing = ['acpi', 'apic', 'pae'].filter((k) => !imgHas(k))
    if (missing.length > 0) {
      report(ctx, 'HVM-FEATURE-DEFAULTS', 'info', `HVM SXP without ${missing.join(', ')}: off for the SXP reader (xm/xl would default to on)`, lookupList(ctx.root, img), img)
    }
    if (imgHas('hpet')) d.clock.timers.push({name: 'hpet', present: on('hpet')})
  }
  // Image-level localtime (old xend) wins over the domain-level key (xend ≥ 3.0.3).
  const localtime = imgHas('localtime') ? imgInt('localtime') !== 0 : intOf(ctx.root, 'localtime') !== 0
  if (ctx.hvm) {
    d.clock.offset = 'variable'
    d.clock.adjustment = String(imgInt('rtc_timeoffset'))
    d.clock.basis = localtime ? 'localtime' : 'utc'
  } else {
    d.clock.offset = localtime ? 'localtime' : 'utc'
    d.clock.adjustment = 'reset'
  }
}

/** xend's management keys: autostart/auto-stop behaviour that becomes virsh/libvirt-guests settings. */
function readManagement(ctx: SxpContext, d: Domain): void {
  const start = valueAtom(ctx.root, 'on_xend_start')
  const power = valueAtom(ctx.root, 'auto_power_on')
  if (start?.value === 'start' || power?.value === 'True' || power?.value === '1') {
    d.autostart = true
    report(ctx, 'MGD-AUTOSTART', 'warning', 'xend started this domain with the host: run virsh autostart after defining it', start?.value === 'start' ? start : power, start?.value === 'start' ? 'on_xend_start' : 'auto_power_on')
  }
  const stop = valueAtom(ctx.root, 'on_xend_stop')
  if (stop && (stop.value === 'shutdown' || stop.value === 'suspend')) {
    d.extra.on_xend_stop = stop.value
    report(ctx, 'MGD-AUTOSTOP', 'info', `xend would ${stop.value} this domain on host shutdown: configure libvirt-guests ON_SHUTDOWN=${stop.value}`, stop, 'on_xend_stop')
  }
}

/** SXP-QUOTING: values libvirt's own SXP reader would mis-read (double quotes, escapes). */
function reportQuoting(ctx: SxpContext): void {
  let count = 0
  let first: SxpAtom | undefined
  const stack: SxpNode[] = [ctx.root]
  while (stack.length > 0) {
    const n = stack.pop() as SxpNode
    if (n.kind === 'list') {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i] as SxpNode)
    } else if (n.quote === 'double' || n.escaped) {
      count++
      if (!first || n.loc.line < first.loc.line || (n.loc.line === first.loc.line && n.loc.column < first.loc.column)) first = n
    }
  }
  if (!first) return
  report(
    ctx,
    'SXP-QUOTING',
    'info',
    `${count} value(s) double-quoted or escaped (first: ${JSON.stringify(first.value.slice(0, 40))}): read with xend's rules; virsh domxml-from-native xen-sxpr would read them differently`,
    first,
    'domain',
  )
}
