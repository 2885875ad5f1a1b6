import {diag} from '../../model/diagnostic.js'
import {
  newDomain,
  type BootDevice,
  type CpuConfig,
  type Domain,
  type Features,
  type GuestKind,
  type LifecycleAction,
  type OsConfig,
} from '../../model/domain.js'
import type {ReadOptions, ReadResult} from '../../model/read-result.js'
import {
  checkAttributes,
  childrenNamed,
  eachChild,
  enumAttr,
  intAttr,
  memoryKiB,
  report,
  yesNoAttr,
  type ReadContext,
} from './read-context.js'
import {readDevices} from './read-devices.js'
import {XEN_NAMESPACE} from './write.js'
import {parseXmlWithPositions, type XmlNode} from './xml-tree.js'
import {parseUuid} from '../xen-common/uuid.js'
import {located} from '../../model/location.js'

/**
 * libvirt domain XML → Domain: the inverse of `writeLibvirtXml`. It reads what the writer
 * writes (and libvirt's spellings of it); anything else is an `UNSUPPORTED` warning at its line,
 * never silently dropped. Malformed XML is one located `SYNTAX` error. Nothing is defaulted:
 * what the XML does not say stays unset in the model.
 */
export function readLibvirtXml(text: string, opts: ReadOptions = {}): ReadResult {
  const base = {format: 'libvirt' as const, ...(opts.file !== undefined ? {file: opts.file} : {})}
  const parsed = parseXmlWithPositions(text)
  if (!parsed.ok) {
    const at = {
      ...(opts.file !== undefined ? {file: opts.file} : {}),
      ...(parsed.line !== undefined ? {line: parsed.line, column: parsed.column ?? 1} : {}),
    }
    return {...base, domains: [], skipped: [], diagnostics: [diag('SYNTAX', 'error', `malformed XML: ${parsed.message}`, at)]}
  }
  const ctx: ReadContext = {...(opts.file !== undefined ? {file: opts.file} : {}), ...(opts.target !== undefined ? {target: opts.target} : {}), diagnostics: []}
  const root = parsed.root
  if (root.name !== 'domain') {
    report(ctx, 'error', 'NOT-A-CONFIG', `root element is <${root.name}>, not <domain>`, root, root.name)
    return {...base, domains: [], skipped: [], diagnostics: ctx.diagnostics}
  }
  const domain = readDomain(ctx, root)
  if (domain === undefined) return {...base, domains: [], skipped: [], diagnostics: ctx.diagnostics}
  return {...base, domains: [{domain, diagnostics: ctx.diagnostics}], skipped: [], diagnostics: []}
}

const OS_KIND: Record<string, GuestKind> = {hvm: 'hvm', linux: 'pv', xen: 'pv', xenpvh: 'pvh'}
const BOOT_DEVICES: readonly BootDevice[] = ['fd', 'hd', 'cdrom', 'network']
const ACTIONS: readonly LifecycleAction[] = ['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart']

function readDomain(ctx: ReadContext, root: XmlNode): Domain | undefined {
  const P = 'domain'
  checkAttributes(ctx, root, P)
  const type = root.attrs['type']
  if (type !== 'xen') report(ctx, 'warning', 'UNSUPPORTED', `domain type '${type ?? ''}' is not a Xen domain`, root, `${P}/@type`)
  const nameNode = childrenNamed(root, 'name')[0]
  if (!nameNode) {
    report(ctx, 'error', 'MISSING-KEY', 'the domain has no <name>', root, `${P}/name`)
    return undefined
  }
  const osNode = childrenNamed(root, 'os')[0]
  const osType = osNode ? childrenNamed(osNode, 'type')[0]?.text.trim() : undefined
  const kind = OS_KIND[osType ?? 'linux']
  if (kind === undefined) {
    report(ctx, 'error', 'UNSUPPORTED', `os type '${osType}' is not a Xen guest type (hvm, linux, xenpvh)`, osNode ?? root, `${P}/os/type`)
    return undefined
  }
  const d = newDomain(nameNode.text, kind)
  d.loc = located(ctx.file, root.line, root.column)
  const id = intAttr(ctx, root, 'id', P)
  if (id !== undefined && id >= 0) d.id = id
  // xmlns:xen is how <xen:commandline> is recognised, whatever prefix the document uses.
  const xenPrefix = Object.entries(root.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === XEN_NAMESPACE)?.[0].slice(6)
  let sawCurrentMemory = false
  const handlers: Record<string, (c: XmlNode, p: string) => void> = {
    name: () => {},
    uuid: (c, p) => {
      // virDomainDefParseXML: virUUIDParse, else "malformed uuid element".
      const uuid = parseUuid(c.text)
      if (uuid !== undefined) d.uuid = uuid
      else report(ctx, 'error', 'BAD-VALUE', `malformed uuid element '${c.text.trim()}'`, c, p)
    },
    description: (c) => (d.description = c.text),
    title: (c, p) => report(ctx, 'info', 'UNSUPPORTED', '<title> is not carried over', c, p),
    memory: (c, p) => (d.maxMemoryKiB = memoryKiB(ctx, c, c.text, c.attrs['unit'], p) ?? 0),
    currentMemory: (c, p) => {
      sawCurrentMemory = true
      d.currentMemoryKiB = memoryKiB(ctx, c, c.text, c.attrs['unit'], p) ?? 0
    },
    vcpu: (c, p) => {
      const max = Number(c.text.trim())
      if (!/^\d+$/.test(c.text.trim())) report(ctx, 'error', 'BAD-VALUE', `vcpu count '${c.text}' is not a number`, c, p)
      d.vcpu = {max: Number.isFinite(max) ? max : 1}
      const current = intAttr(ctx, c, 'current', p)
      if (current !== undefined) d.vcpu.current = current
      if (c.attrs['cpuset'] !== undefined) d.vcpu.cpuset = c.attrs['cpuset']
    },
    cputune: (c, p) => {
      const t: NonNullable<Domain['cputune']> = {vcpupin: []}
      eachChild(ctx, c, p, {
        shares: (s) => (t.shares = Number(s.text.trim())),
        vcpupin: (v, vp) => t.vcpupin.push({vcpu: intAttr(ctx, v, 'vcpu', vp) ?? 0, cpuset: v.attrs['cpuset'] ?? ''}),
      })
      d.cputune = t
    },
    bootloader: (c) => (d.os.bootloader = c.text),
    bootloader_args: (c) => (d.os.bootloaderArgs = c.text),
    os: (c, p) => readOs(ctx, c, p, d.os),
    features: (c, p) => (d.features = readFeatures(ctx, c, p)),
    cpu: (c, p) => (d.cpu = readCpu(ctx, c, p)),
    clock: (c, p) => {
      const offset = enumAttr(ctx, c, 'offset', ['utc', 'localtime', 'variable'] as const, p) ?? 'utc'
      d.clock = {offset, timers: []}
      if (c.attrs['adjustment'] !== undefined) d.clock.adjustment = c.attrs['adjustment']
      const basis = enumAttr(ctx, c, 'basis', ['utc', 'localtime'] as const, p)
      if (basis !== undefined) d.clock.basis = basis
      eachChild(ctx, c, p, {
        timer: (t, tp) => {
          const timer: Domain['clock']['timers'][number] = {name: t.attrs['name'] ?? ''}
          const present = yesNoAttr(ctx, t, 'present', tp)
          if (present !== undefined) timer.present = present
          if (t.attrs['mode'] !== undefined) timer.mode = t.attrs['mode']
          d.clock.timers.push(timer)
        },
      })
    },
    on_poweroff: (c, p) => (d.lifecycle.onPoweroff = action(ctx, c, p)),
    on_reboot: (c, p) => (d.lifecycle.onReboot = action(ctx, c, p)),
    on_crash: (c, p) => (d.lifecycle.onCrash = action(ctx, c, p)),
    devices: (c, p) => (d.devices = readDevices(ctx, c, p)),
  }
  if (xenPrefix !== undefined) {
    handlers[`${xenPrefix}:commandline`] = (c, p) => {
      d.qemuArgs = []
      eachChild(ctx, c, p, {[`${xenPrefix}:arg`]: (a) => d.qemuArgs!.push(a.attrs['value'] ?? '')})
    }
  }
  eachChild(ctx, root, P, handlers)
  if (!sawCurrentMemory) d.currentMemoryKiB = d.maxMemoryKiB
  return d
}

function action(ctx: ReadContext, c: XmlNode, p: string): LifecycleAction | undefined {
  const v = c.text.trim()
  if ((ACTIONS as readonly string[]).includes(v)) return v as LifecycleAction
  report(ctx, 'error', 'BAD-VALUE', `unknown lifecycle action '${v}'`, c, p)
  return undefined
}

function readOs(ctx: ReadContext, node: XmlNode, path: string, os: OsConfig): void {
  eachChild(ctx, node, path, {
    type: (c) => {
      if (c.attrs['arch'] !== undefined) os.arch = c.attrs['arch']
      if (c.attrs['machine'] !== undefined) os.machine = c.attrs['machine']
    },
    loader: (c, p) => {
      os.loader = {path: c.text}
      const type = enumAttr(ctx, c, 'type', ['rom', 'pflash'] as const, p)
      if (type !== undefined) os.loader.type = type
      const ro = yesNoAttr(ctx, c, 'readonly', p)
      if (ro !== undefined) os.loader.readonly = ro
    },
    kernel: (c) => (os.kernel = c.text),
    initrd: (c) => (os.initrd = c.text),
    cmdline: (c) => (os.cmdline = c.text),
    root: (c) => (os.root = c.text),
    acpi: (c, p) =>
      eachChild(ctx, c, p, {
        table: (t) => {
          os.acpiTables ??= []
          os.acpiTables.push({type: t.attrs['type'] ?? 'slic', path: t.text})
        },
      }),
    boot: (c, p) => {
      const dev = enumAttr(ctx, c, 'dev', BOOT_DEVICES, p)
      if (dev !== undefined) os.boot.push(dev)
    },
  })
}

function readFeatures(ctx: ReadContext, node: XmlNode, path: string): Features {
  const f: Features = {}
  const on = (c: XmlNode, p: string) => yesNoAttr(ctx, c, 'state', p) !== false
  eachChild(ctx, node, path, {
    acpi: (c, p) => (f.acpi = on(c, p)),
    apic: (c, p) => (f.apic = on(c, p)),
    pae: (c, p) => (f.pae = on(c, p)),
    hap: (c, p) => (f.hap = on(c, p) ? 'on' : 'off'),
    viridian: (c, p) => (f.viridian = on(c, p)),
    xen: (c, p) =>
      eachChild(ctx, c, p, {
        e820_host: (e, ep) => (f.e820Host = on(e, ep)),
        passthrough: (e, ep) => {
          f.passthrough = {state: on(e, ep) ? 'on' : 'off'}
          if (e.attrs['mode'] !== undefined) f.passthrough.mode = e.attrs['mode']
        },
      }),
  })
  return f
}

const POLICIES = ['force', 'require', 'optional', 'disable', 'forbid'] as const

function readCpu(ctx: ReadContext, node: XmlNode, path: string): CpuConfig {
  const cpu: CpuConfig = {features: []}
  const mode = enumAttr(ctx, node, 'mode', ['host-passthrough', 'host-model', 'custom'] as const, path)
  if (mode !== undefined) cpu.mode = mode
  eachChild(ctx, node, path, {
    feature: (c, p) => cpu.features.push({policy: enumAttr(ctx, c, 'policy', POLICIES, p) ?? 'require', name: c.attrs['name'] ?? ''}),
    numa: (c, p) => {
      cpu.numa = []
      eachChild(ctx, c, p, {
        cell: (cell, cp) => {
          const memory = memoryKiB(ctx, cell, cell.attrs['memory'] ?? '', cell.attrs['unit'], `${cp}/@memory`) ?? 0
          const out: NonNullable<CpuConfig['numa']>[number] = {id: intAttr(ctx, cell, 'id', cp) ?? cpu.numa!.length, cpus: cell.attrs['cpus'] ?? '', memoryKiB: memory}
          eachChild(ctx, cell, cp, {
            distances: (ds, dp) => {
              out.distances = []
              eachChild(ctx, ds, dp, {
                sibling: (s, sp) => out.distances!.push({id: intAttr(ctx, s, 'id', sp) ?? 0, value: intAttr(ctx, s, 'value', sp) ?? 0}),
              })
            },
          })
          cpu.numa!.push(out)
        },
      })
    },
  })
  return cpu
}
