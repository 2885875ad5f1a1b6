import type {ClockConfig, CpuConfig, Domain, Features, OsConfig} from '../../model/domain.js'
import type {WriteOptions} from '../write-options.js'
import type {LibvirtTarget} from './target.js'
import {devicesElement} from './write-devices.js'
import {el, serializeXml, textEl, type XmlElement} from './xml-text.js'

/** libvirt's namespace for `<xen:commandline>` (src/libxl/libxl_domain.c, LIBXL_NAMESPACE_HREF). */
export const XEN_NAMESPACE = 'http://libvirt.org/schemas/domain/xen/1.0'

/**
 * Domain → libvirt domain XML text, formatted exactly as libvirt's virDomainDefFormat does for
 * the Xen driver: same element order, attribute order and quoting. Nothing is defaulted here
 * (that is `applyLibvirtDefaults`); the writer prints what the model says, with the target
 * deciding only version-dependent spellings (loader `format`, PCI `<driver name='xen'/>`) and
 * what a real `virsh` would hide (runtime id); passwords only with `opts.securityInfo`.
 */
export function writeLibvirtXml(domain: Domain, target: LibvirtTarget, opts: WriteOptions = {}): string {
  return serializeXml(domainElement(domain, target, opts))
}

/** The element tree `writeLibvirtXml` serializes (exposed for tests and the reader's round trip). */
export function domainElement(d: Domain, target: LibvirtTarget, opts: WriteOptions = {}): XmlElement {
  const qemuArgs = d.qemuArgs ?? []
  return el(
    'domain',
    [
      ['type', 'xen'],
      ['id', target.runtimeId && d.id !== undefined ? d.id : undefined],
      ['xmlns:xen', qemuArgs.length > 0 ? XEN_NAMESPACE : undefined],
    ],
    [
      textEl('name', d.name),
      d.uuid !== undefined && textEl('uuid', d.uuid),
      d.description !== undefined && textEl('description', d.description),
      textEl('memory', String(d.maxMemoryKiB), [['unit', 'KiB']]),
      textEl('currentMemory', String(d.currentMemoryKiB), [['unit', 'KiB']]),
      textEl('vcpu', String(d.vcpu.max), [
        ['placement', 'static'],
        ['cpuset', d.vcpu.cpuset],
        ['current', d.vcpu.current !== undefined && d.vcpu.current !== d.vcpu.max ? d.vcpu.current : undefined],
      ]),
      cputuneElement(d),
      // libvirt prints bootloader outside <os> (virDomainDefFormatInternal), even an empty one.
      d.os.bootloader !== undefined && textEl('bootloader', d.os.bootloader),
      d.os.bootloaderArgs !== undefined && textEl('bootloader_args', d.os.bootloaderArgs),
      osElement(d.os, target),
      featuresElement(d.features),
      d.cpu !== undefined && cpuElement(d.cpu),
      clockElement(d.clock),
      textEl('on_poweroff', d.lifecycle.onPoweroff ?? 'destroy'),
      textEl('on_reboot', d.lifecycle.onReboot ?? 'restart'),
      textEl('on_crash', d.lifecycle.onCrash ?? 'destroy'),
      devicesElement(d.devices, target, opts),
      qemuArgs.length > 0 &&
        el(
          'xen:commandline',
          [],
          qemuArgs.map((a) => el('xen:arg', [['value', a]])),
        ),
    ],
  )
}

function cputuneElement(d: Domain): XmlElement | undefined {
  const t = d.cputune
  if (!t || (t.shares === undefined && t.vcpupin.length === 0)) return undefined
  return el('cputune', [], [
    t.shares !== undefined && textEl('shares', String(t.shares)),
    ...t.vcpupin.map((p) => el('vcpupin', [['vcpu', p.vcpu], ['cpuset', p.cpuset]])),
  ])
}

/** `<type>` text: libvirt's os type names (virDomainOSType): `linux` is PV, `xenpvh` is PVH. */
const OS_TYPE = {hvm: 'hvm', pv: 'linux', pvh: 'xenpvh'} as const

function osElement(os: OsConfig, target: LibvirtTarget): XmlElement {
  const loader = os.loader
  return el('os', [], [
    textEl('type', OS_TYPE[os.kind], [['arch', os.arch], ['machine', os.machine]]),
    loader?.path !== undefined &&
      textEl('loader', loader.path, [
        ['readonly', loader.readonly === undefined ? undefined : loader.readonly ? 'yes' : 'no'],
        ['type', loader.type],
        // libvirt ≥ 10 prints the (default) firmware format next to the type.
        ['format', target.loaderFormatRaw && loader.type !== undefined ? 'raw' : undefined],
      ]),
    os.kernel !== undefined && textEl('kernel', os.kernel),
    os.initrd !== undefined && textEl('initrd', os.initrd),
    os.cmdline !== undefined && textEl('cmdline', os.cmdline),
    os.root !== undefined && textEl('root', os.root),
    os.acpiTables !== undefined &&
      os.acpiTables.length > 0 &&
      el('acpi', [], os.acpiTables.map((t) => textEl('table', t.path, [['type', t.type]]))),
    ...os.boot.map((b) => el('boot', [['dev', b]])),
  ])
}

function featuresElement(f: Features): XmlElement | undefined {
  const xen =
    f.e820Host || f.passthrough
      ? el('xen', [], [
          f.e820Host && el('e820_host', [['state', 'on']]),
          f.passthrough && el('passthrough', [['state', f.passthrough.state], ['mode', f.passthrough.mode]]),
        ])
      : undefined
  const children = [
    f.acpi && el('acpi'),
    f.apic && el('apic'),
    f.pae && el('pae'),
    f.hap === 'on' && el('hap'),
    f.hap === 'off' && el('hap', [['state', 'off']]),
    f.viridian && el('viridian'),
    xen,
  ]
  return children.some(Boolean) ? el('features', [], children) : undefined
}

function cpuElement(cpu: CpuConfig): XmlElement {
  return el('cpu', [['mode', cpu.mode]], [
    ...cpu.features.map((f) => el('feature', [['policy', f.policy], ['name', f.name]])),
    cpu.numa !== undefined &&
      cpu.numa.length > 0 &&
      el(
        'numa',
        [],
        cpu.numa.map((c) =>
          el(
            'cell',
            [['id', c.id], ['cpus', c.cpus], ['memory', c.memoryKiB], ['unit', 'KiB']],
            [
              c.distances !== undefined &&
                c.distances.length > 0 &&
                el('distances', [], c.distances.map((s) => el('sibling', [['id', s.id], ['value', s.value]]))),
            ],
          ),
        ),
      ),
  ])
}

function clockElement(c: ClockConfig): XmlElement {
  return el(
    'clock',
    [['offset', c.offset], ['adjustment', c.adjustment], ['basis', c.basis]],
    c.timers.map((t) =>
      el('timer', [
        ['name', t.name],
        ['present', t.present === undefined ? undefined : t.present ? 'yes' : 'no'],
        ['mode', t.mode],
      ]),
    ),
  )
}
