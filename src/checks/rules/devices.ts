import {pciWritten} from '../../formats/xen-common/pci-spec.js'
import {isXendDefault} from '../../formats/xen-common/xend-defaults.js'
import {asStrings, isHvm, isOn, locateIn, setting, type Setting} from '../config-view.js'
import type {DomainContext, DomainRule, RuleHit} from '../rule.js'
import {sxpDevices, sxpText, sxpValue} from '../sxp-query.js'
import {settingRule} from './setting-rule.js'
import {ruleSeverity} from '../rule-severity.js'

/** Device rows of checklist §D that are not about NICs (see nics.ts). */

function sxpDeviceHits(ctx: DomainContext, kind: string, message: string): RuleHit[] {
  if (ctx.sxp === undefined) return []
  return sxpDevices(ctx.sxp, kind).map((d) => ({message, evidence: sxpText(d), loc: {...d.loc, path: `domain/device/${kind}`}}))
}

export const pvscsi = settingRule(
  {
    id: 'PVSCSI',
    title: 'SCSI LUN/host passthrough',
    ...ruleSeverity('PVSCSI'),
    detects: 'xm `vscsi = [...]`; SXP `(device (vscsi …))`',
    remediation: 'libvirt-libxl has no PVSCSI mapping: pass the LUN as a `phy:` disk, or pass the HBA through as a PCI device.',
  },
  ['vscsi'],
  {
    message: (s) => `PVSCSI passthrough (${asStrings(s).join('; ')}) is lost in conversion: libvirt-libxl cannot express vscsi`,
    more: (ctx) => sxpDeviceHits(ctx, 'vscsi', 'PVSCSI passthrough is lost in conversion: libvirt-libxl cannot express vscsi'),
  },
)

/** PVUSB: `vusb`, or `usb`/`usbdevice` on a PV domain (xm fed them to the PV USB frontend). */
export const pvusb: DomainRule = {
  id: 'PVUSB',
  title: 'USB passthrough (PV)',
  ...ruleSeverity('PVUSB'),
  scope: 'domain',
  detects: 'xm `vusb = [...]`; `usb`/`usbdevice` on a PV domain; SXP `(device (vusb …))`',
  remediation:
    "Map to xl `usbctrl`/`usbdev` (Xen ≥ 4.7) → libvirt `<controller type='usb' model='qusb2'>` + `<hostdev type='usb'>`; needs the bus/address on the target host.",
  check(ctx) {
    const hits: RuleHit[] = []
    const vusb = setting(ctx, 'vusb')
    if (isOn(vusb) && vusb !== undefined) hits.push({message: 'PV USB passthrough (vusb) is lost in conversion', evidence: vusb.text, ...locOf(vusb)})
    if (!isHvm(ctx)) {
      for (const key of ['usb', 'usbdevice']) {
        const s = setting(ctx, key)
        if (s !== undefined && isOn(s)) hits.push({message: `${key} on a PV domain means PV USB, which libvirt-libxl does not convert`, evidence: s.text, ...locOf(s)})
      }
    }
    hits.push(...sxpDeviceHits(ctx, 'vusb', 'PV USB passthrough (vusb) is lost in conversion'))
    return hits
  },
}

function locOf(s: Setting): {loc?: RuleHit['loc']} {
  return s.loc !== undefined ? {loc: s.loc} : {}
}

const EMULATED_USB = /^(tablet|mouse|keyboard)$/

export const usbHost = settingRule(
  {
    id: 'USB-HOST',
    title: 'HVM emulated USB host device',
    ...ruleSeverity('USB-HOST'),
    detects: "HVM `usbdevice = 'host:VVVV:PPPP'` or `host:bus.addr` (anything but tablet/mouse/keyboard); the empty `(usbdevice '')` of `xm create -n` is no finding",
    remediation: "libvirt drops it silently: add `<hostdev mode='subsystem' type='usb'>` by hand after conversion.",
  },
  ['usbdevice'],
  {
    when: (s, ctx) => isHvm(ctx) && asStrings(s).some((v) => v !== '' && !EMULATED_USB.test(v)),
    message: (s) => `USB host device ${asStrings(s).filter((v) => !EMULATED_USB.test(v)).join(', ')} is dropped by libvirt`,
  },
)

const PCI_KEPT_OPTION = /^permissive=/

export const pciOpts: DomainRule = {
  id: 'PCI-OPTS',
  title: 'PCI options dropped',
  ...ruleSeverity('PCI-OPTS'),
  scope: 'domain',
  detects:
    "pci entry options other than `permissive` (`msitranslate`, `power_mgmt`, `@vslot`), `pci_msitranslate = 0`, `pci_power_mgmt = 1`, SXP `(opts …)`/`vdevfn` below `0x100` (xm's `(pci_msitranslate 1) (pci_power_mgmt 0)` and `(vdevfn 0x100)` are no finding)",
  remediation: 'Re-apply them in xl.cfg or accept the defaults; make the device assignable (`xl pci-assignable-add`, or `managed=yes`).',
  check(ctx) {
    const hits: RuleHit[] = []
    const pci = setting(ctx, 'pci')
    if (pci !== undefined && ctx.native) {
      for (const spec of asStrings(pci)) {
        const w = pciWritten(spec)
        const dropped = [...(w.vslot !== undefined ? [w.vslot] : []), ...w.options.filter((o) => !PCI_KEPT_OPTION.test(o))]
        if (dropped.length > 0) hits.push({message: `PCI ${w.address}: option(s) ${dropped.join(', ')} are dropped`, evidence: spec, ...wrapLoc(locateIn(pci, spec))})
      }
    }
    // xend writes both globals into every HVM SXP; they only matter with devices passed through,
    // and only when they differ from xend's defaults (msitranslate 1, power_mgmt 0).
    const hasPci = asStrings(pci).some((p) => p !== '' && p !== '()') || (ctx.sxp !== undefined && sxpDevices(ctx.sxp, 'pci').length > 0)
    for (const key of ['pci_msitranslate', 'pci_power_mgmt']) {
      const s = setting(ctx, key)
      if (s !== undefined && hasPci && !isXendDefault(key, s.value)) hits.push({message: `${key} is dropped by libvirt`, evidence: s.text, ...locOf(s)})
    }
    if (ctx.sxp) {
      for (const p of sxpDevices(ctx.sxp, 'pci')) {
        for (const dev of p.items.filter((i) => i.kind === 'list')) {
          if (dev.kind !== 'list') continue
          const opts = sxpValue(dev, 'opts') ?? dev.items.find((i) => i.kind === 'list' && sxpText(i).startsWith('(opts'))
          const vdevfn = sxpValue(dev, 'vdevfn')
          if (opts !== undefined || (vdevfn !== undefined && vdevfn.value !== '0x100')) {
            hits.push({message: 'PCI device options (opts/vdevfn) are dropped', evidence: sxpText(dev), loc: {...dev.loc, path: 'domain/device/pci/dev'}})
          }
        }
      }
    }
    for (const h of ctx.domain.devices.hostdevs) {
      if (ctx.native || ctx.sxp || !h.droppedOptions?.length) continue
      hits.push({message: `PCI options ${h.droppedOptions.join(', ')} are dropped`, ...(h.loc ? {loc: h.loc} : {})})
    }
    return hits
  },
}

function wrapLoc(loc: RuleHit['loc']): {loc?: RuleHit['loc']} {
  return loc !== undefined ? {loc} : {}
}

export const pciPassthrough: DomainRule = {
  id: 'PCI-PASSTHROUGH',
  title: 'PCI passthrough present',
  ...ruleSeverity('PCI-PASSTHROUGH'),
  scope: 'domain',
  detects: "any `pci` device (the empty `(pci ())` xend and xm write into every image is no finding)",
  remediation: "Converted with `managed='no'`: bind the device to pciback on the target host (SUSE: /etc/sysconfig/pciback).",
  check(ctx) {
    const pci = setting(ctx, 'pci')
    // xend writes an empty `(pci ())` into image/hvm when there is no passthrough.
    const specs = asStrings(pci).filter((p) => p !== '' && p !== '()')
    if (pci !== undefined && specs.length > 0 && !ctx.sxp) return [{message: `PCI passthrough of ${specs.map((p) => pciWritten(p)).map((w) => w.address + (w.vslot ?? '')).join(', ')}`, evidence: pci.text, ...locOf(pci)}]
    if (ctx.sxp) return sxpDeviceHits(ctx, 'pci', 'PCI passthrough device(s)').slice(0, 1)
    const n = ctx.domain.devices.hostdevs.filter((h) => h.type === 'pci').length
    return !ctx.native && n > 0 ? [{message: `${n} PCI passthrough device(s)`}] : []
  },
}

export const gfxPassthru = settingRule(
  {
    id: 'GFX-PASSTHRU',
    title: 'VGA passthrough',
    ...ruleSeverity('GFX-PASSTHRU'),
    detects: '`gfx_passthru = 1`',
    remediation: 'libvirt-libxl has no mapping: keep this domain on xl, or redo the graphics setup.',
  },
  ['gfx_passthru'],
  {message: () => 'VGA passthrough (gfx_passthru) is lost in conversion'},
)

export const vtpm = settingRule(
  {
    id: 'VTPM',
    title: 'vTPM',
    ...ruleSeverity('VTPM'),
    detects: '`vtpm = [...]`; SXP `(device (vtpm …))`',
    remediation: 'The vTPM manager differs and libvirt-libxl does not support vTPM: plan a new TPM setup for this guest.',
  },
  ['vtpm'],
  {message: () => 'vTPM is lost in conversion', more: (ctx) => sxpDeviceHits(ctx, 'vtpm', 'vTPM is lost in conversion')},
)

export const ioportsIrq = settingRule(
  {
    id: 'IOPORTS-IRQ',
    title: 'Raw I/O ports / IRQs',
    ...ruleSeverity('IOPORTS-IRQ'),
    detects: '`ioports`, `irq`; SXP `(device (ioports …))`, `(device (irq …))`',
    remediation: 'No libvirt mapping: keep the domain on xl (`ioports=`/`irqs=`) or drop the passthrough.',
  },
  ['ioports', 'irq'],
  {
    message: (s) => `raw ${s.key} passthrough is lost in conversion`,
    more: (ctx) => [...sxpDeviceHits(ctx, 'ioports', 'raw ioports passthrough is lost in conversion'), ...sxpDeviceHits(ctx, 'irq', 'raw irq passthrough is lost in conversion')],
  },
)

export const floppy = settingRule(
  {
    id: 'FLOPPY',
    title: 'Floppy images',
    ...ruleSeverity('FLOPPY'),
    detects: "non-empty `fda`, `fdb` (the `(fda '') (fdb '')` of `xm create -n` is no finding)",
    remediation: "Not converted: add `<disk device='floppy'>` by hand if the guest still needs it.",
  },
  ['fda', 'fdb'],
  {message: (s) => `floppy ${s.key} (${asStrings(s).join('')}) is not converted`},
)

export const serialMulti = settingRule(
  {
    id: 'SERIAL-MULTI',
    title: 'Several serial ports',
    ...ruleSeverity('SERIAL-MULTI'),
    detects: '`serial = [..]` list in xm; SXP `(serial (…))` list',
    remediation: "Fine for xl and xenlift; libvirt's own xm reader refuses a list here.",
  },
  ['serial'],
  {
    when: (s) => Array.isArray(s.value) && (s.value.length > 1 || s.text.includes('[')),
    message: (s) => `serial is a list of ${asStrings(s).length} port(s)`,
  },
)

export const sound = settingRule(
  {
    id: 'SOUND',
    title: 'Sound card',
    ...ruleSeverity('SOUND'),
    detects: "non-empty `soundhw` (the `(soundhw '')` of `xm create -n` is no finding)",
    remediation: '`all` becomes es1370 + sb16 only; an unknown model is an error: name the model explicitly.',
  },
  ['soundhw'],
  {message: (s) => `sound hardware ${asStrings(s).join(',')}`},
)

function vfbStrings(ctx: DomainContext): {s: Setting; items: string[]} | undefined {
  const s = setting(ctx, 'vfb')
  return s === undefined ? undefined : {s, items: asStrings(s)}
}

export const graphicsSdl = settingRule(
  {
    id: 'GRAPHICS-SDL',
    title: 'SDL display',
    ...ruleSeverity('GRAPHICS-SDL'),
    detects: '`sdl = 1` or a vfb with `type=sdl`/`sdl=1`',
    remediation: 'SDL needs X on dom0: use VNC or SPICE instead.',
  },
  ['sdl'],
  {
    message: () => 'SDL display: needs an X display on dom0',
    more: (ctx) => {
      const v = vfbStrings(ctx)
      const hits: RuleHit[] = []
      for (const item of v?.items ?? []) if (/(^|,)\s*(type=sdl|sdl=1)/.test(item) && v) hits.push({message: 'vfb uses SDL: needs an X display on dom0', evidence: item, ...wrapLoc(locateIn(v.s, item))})
      if (ctx.sxp) for (const d of sxpDevices(ctx.sxp, 'vfb')) if (sxpValue(d, 'type')?.value === 'sdl' || sxpValue(d, 'sdl')?.value === '1') hits.push({message: 'vfb uses SDL: needs an X display on dom0', evidence: sxpText(d), loc: {...d.loc, path: 'domain/device/vfb'}})
      return hits
    },
  },
)

export const graphicsExtra = settingRule(
  {
    id: 'GRAPHICS-EXTRA',
    title: 'Display options dropped',
    ...ruleSeverity('GRAPHICS-EXTRA'),
    detects: "`vncconsole`, `vncviewer`, `stdvga`, `nographic` = 1, `opengl`, `videoram` ≠ 4, or more than one vfb (xm's `(videoram 4) (stdvga 0) (nographic 0)` are no finding)",
    remediation: 'Re-add as a `<video>` model/vram after conversion, or drop them.',
  },
  ['vncconsole', 'vncviewer', 'opengl', 'stdvga', 'videoram', 'nographic'],
  {
    message: (s) => `display option ${s.key} is dropped`,
    more: (ctx) => {
      const v = vfbStrings(ctx)
      const n = v?.items.length ?? (ctx.sxp ? sxpDevices(ctx.sxp, 'vfb').length : 0)
      return n > 1 ? [{message: `${n} vfb devices: only the first is converted`, ...(v ? {evidence: v.s.text, ...locOf(v.s)} : {})}] : []
    },
  },
)

/** VNC-PASSWORD: the evidence goes through redaction like every finding; only its presence is reported. */
export const vncPassword: DomainRule = {
  id: 'VNC-PASSWORD',
  title: 'VNC password in clear',
  ...ruleSeverity('VNC-PASSWORD'),
  scope: 'domain',
  detects: '`vncpasswd`/`spicepasswd` non-empty (top level, in a vfb string or SXP)',
  remediation: 'It is carried to the XML `passwd=` attribute; keep converted files private and rotate the password. Reports mask it.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const key of ['vncpasswd', 'spicepasswd']) {
      const s = setting(ctx, key)
      if (s !== undefined && asStrings(s).some((v) => v !== '')) hits.push({message: `${key} is stored in clear text in the config`, evidence: s.text, ...locOf(s)})
    }
    const v = vfbStrings(ctx)
    for (const item of v?.items ?? []) if (/vncpasswd=[^,\s]/.test(item) && v) hits.push({message: 'vfb vncpasswd is stored in clear text in the config', evidence: item, ...wrapLoc(locateIn(v.s, item))})
    if (ctx.sxp) {
      for (const d of sxpDevices(ctx.sxp, 'vfb')) {
        const p = sxpValue(d, 'vncpasswd')
        if (p !== undefined && p.value !== '') hits.push({message: 'vfb vncpasswd is stored in clear text in the config', evidence: sxpText(d), loc: {...p.loc, path: 'domain/device/vfb/vncpasswd'}})
      }
    }
    return hits
  },
}

export const deviceRules: readonly DomainRule[] = [
  pvscsi,
  pvusb,
  usbHost,
  pciOpts,
  pciPassthrough,
  gfxPassthru,
  vtpm,
  ioportsIrq,
  floppy,
  serialMulti,
  sound,
  graphicsSdl,
  graphicsExtra,
  vncPassword,
]
