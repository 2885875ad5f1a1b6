/**
 * Domain → the keys xm and xl configs share, as libvirt 9.0's `xenFormatConfigCommon`
 * (src/libxl/xen_common.c) writes them: identity, memory, vCPUs, HVM features and timers, clock,
 * lifecycle, emulator, graphics (HVM keys or PV `vfb`), sound, vifs, PCI, HVM char devices.
 * Whatever cannot be written is reported through `lost`, never dropped silently.
 */
import type {WriteOptions} from '../write-options.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import {diag} from '../../model/diagnostic.js'
import type {BootDevice, Domain, Graphics} from '../../model/domain.js'
import {commaInSpec, formatChr, formatPci, formatVif, type SpecResult} from './format-specs.js'
import type {NativeLine, NativeValue} from './native-text.js'

export type NativeFormat = 'xm' | 'xl'

/** Collects lines and diagnostics for one native config. */
export class NativeWriter {
  readonly lines: NativeLine[] = []
  readonly diagnostics: Diagnostic[] = []
  readonly format: NativeFormat
  /** Write VNC/SPICE passwords (WriteOptions.securityInfo). */
  readonly securityInfo: boolean
  constructor(format: NativeFormat, opts: WriteOptions = {}) {
    this.format = format
    this.securityInfo = opts.securityInfo ?? false
  }

  set(key: string, value: NativeValue | undefined): void {
    if (value === undefined) return
    const i = this.lines.findIndex((l) => l.key === key)
    if (i >= 0) this.lines[i] = {key, value}
    else this.lines.push({key, value})
  }

  has(key: string): boolean {
    return this.lines.some((l) => l.key === key)
  }

  /** Something of the domain that this format cannot express. */
  lost(message: string, code = 'LOST', severity: 'warning' | 'error' | 'info' = 'warning'): void {
    this.diagnostics.push(diag(code, severity, `${this.format}: ${message}`))
  }

  note(message: string, code = 'CONVERTED'): void {
    this.diagnostics.push(diag(code, 'info', `${this.format}: ${message}`))
  }

  /** Add a spec to a list key, or report why it cannot be. */
  spec(list: string[], r: SpecResult, code?: string): void {
    if ('lost' in r) this.lost(r.lost, code ?? r.code)
    else {
      list.push(r.spec)
      if (r.note !== undefined) this.note(r.note)
    }
  }
}

const BOOT_LETTER: Record<BootDevice, string> = {fd: 'a', hd: 'c', cdrom: 'd', network: 'n'}

export function bootOrder(d: Domain): string {
  const s = d.os.boot.map((b) => BOOT_LETTER[b]).join('')
  return s === '' ? 'c' : s
}

const mib = (kib: number) => Math.ceil(kib / 1024)
const flag = (b: boolean | undefined) => (b ? 1 : 0)

const TSC_MODE: Record<string, string> = {native: 'native', emulate: 'always_emulate', paravirt: 'native_paravirt', auto: 'default', smpsafe: 'default'}

export function formatCommon(d: Domain, w: NativeWriter): void {
  const hvm = d.os.kind === 'hvm'
  w.set('name', d.name)
  w.set('uuid', d.uuid)
  // Neither xm (xend ignores unknown keys) nor xl has a description; a comment would not survive xl.
  if (d.description !== undefined && d.description !== '') w.lost('the description has no xm/xl key: dropped')
  // Autostart is not a config key for either toolstack: xendomains starts what /etc/xen/auto links to.
  if (d.autostart) w.note('autostart is not a config key: link the written config into /etc/xen/auto (xendomains starts those)', 'MGD-AUTOSTART')
  const cur = d.currentMemoryKiB > 0 ? d.currentMemoryKiB : d.maxMemoryKiB
  w.set('maxmem', mib(Math.max(d.maxMemoryKiB, cur)))
  w.set('memory', mib(cur))
  // vCPUs: `vcpus` is what is online, `maxvcpus` only when fewer are online (xenFormatCPUAllocation).
  if (d.vcpu.current !== undefined && d.vcpu.current < d.vcpu.max) {
    w.set('maxvcpus', d.vcpu.max)
    w.set('vcpus', d.vcpu.current)
  } else {
    w.set('vcpus', d.vcpu.max)
  }
  formatCpuPlacement(d, w)
  if (hvm) {
    w.set('pae', flag(d.features.pae))
    w.set('acpi', flag(d.features.acpi))
    w.set('apic', flag(d.features.apic))
    if (d.features.hap === 'off') w.set('hap', 0)
    w.set('viridian', flag(d.features.viridian))
  } else {
    for (const f of ['pae', 'acpi', 'apic', 'viridian'] as const) if (d.features[f]) w.note(`${f} applies to HVM guests only: not written for this ${d.os.kind.toUpperCase()} guest`)
  }
  if (d.features.passthrough?.state === 'on') {
    if (w.format === 'xl') w.set('passthrough', d.features.passthrough.mode ?? 'enabled')
    else w.lost('passthrough (IOMMU page-table sharing) is an xl key')
  }
  for (const t of d.clock.timers) {
    if (t.name === 'hpet') {
      if (hvm) w.set('hpet', flag(t.present !== false))
      else w.lost('hpet timer applies to HVM guests only')
    } else if (t.name === 'tsc') {
      w.set('tsc_mode', TSC_MODE[t.mode ?? 'auto'] ?? 'default')
    } else {
      w.lost(`timer ${t.name} has no xm/xl key`)
    }
  }
  if (hvm) {
    w.set('rtc_timeoffset', d.clock.offset === 'variable' && d.clock.adjustment !== undefined && /^-?\d+$/.test(d.clock.adjustment) ? Number(d.clock.adjustment) : 0)
    w.set('localtime', flag(d.clock.offset === 'localtime' || d.clock.basis === 'localtime'))
  } else {
    w.set('localtime', flag(d.clock.offset === 'localtime'))
    // rtc_timeoffset is an HVM (device model RTC) key; a PV guest keeps the host's clock.
    if (d.clock.offset === 'variable' && d.clock.adjustment !== undefined && /^-?[1-9]\d*$/.test(d.clock.adjustment)) {
      w.lost(`a clock offset of ${d.clock.adjustment} s applies to HVM guests only (rtc_timeoffset)`, 'TIME-LOCALTIME')
    }
  }
  w.set('on_poweroff', d.lifecycle.onPoweroff ?? 'destroy')
  w.set('on_reboot', d.lifecycle.onReboot ?? 'restart')
  w.set('on_crash', d.lifecycle.onCrash ?? 'restart')
  if (d.lifecycle.onCrash === 'rename-restart' || d.lifecycle.onReboot === 'rename-restart' || d.lifecycle.onPoweroff === 'rename-restart') {
    // xend and xl both do rename-restart; only libvirt's libxl driver refuses it (LIFECYCLE-RENAME).
    w.note('rename-restart is written: xl and xend support it, libvirt-libxl does not', 'LIFECYCLE-RENAME')
  }
  if (d.devices.emulator !== undefined) w.set('device_model_override', d.devices.emulator)
  formatGraphics(d, w)
  formatVideo(d, w)
  if (d.devices.sounds.length > 0) {
    if (hvm) w.set('soundhw', d.devices.sounds.map((s) => s.model).join(','))
    else w.lost('sound cards apply to HVM guests only', 'SOUND')
  }
  const vifs: string[] = []
  for (const nic of d.devices.interfaces) {
    // A libvirt <network> is not a bridge: the guest would attach to a bridge of that name,
    // which usually does not exist. That changes behaviour, so it is a warning (--strict fails).
    if (nic.type === 'network') w.lost(`interface ${nic.mac ?? ''} uses libvirt network '${nic.source?.network ?? ''}': written as bridge=${nic.source?.network ?? ''}; use the bridge that network sits on`, 'LOST', 'warning')
    w.spec(vifs, formatVif(nic, hvm, w.format))
  }
  if (vifs.length > 0) w.set('vif', vifs)
  const pcis: string[] = []
  for (const h of d.devices.hostdevs) if (h.type === 'pci') w.spec(pcis, formatPci(h))
  if (pcis.length > 0) w.set('pci', pcis)
  if (hvm) formatHvmChr(d, w)
  else if (d.devices.serials.length > 0 || d.devices.parallels.length > 0) w.note('serial/parallel ports of a PV guest are not config keys (PV guests use the xen console)', 'LOST')
}

function formatCpuPlacement(d: Domain, w: NativeWriter): void {
  if (d.vcpu.cpuset !== undefined) w.set('cpus', d.vcpu.cpuset)
  const pins = d.cputune?.vcpupin ?? []
  if (pins.length > 0) {
    if (w.format === 'xl') {
      // An unpinned vCPU keeps the domain's cpuset, else xl's `all` (xl.cfg(5) CPU-LIST).
      const list: string[] = []
      for (let i = 0; i < d.vcpu.max; i++) list.push(pins.find((p) => p.vcpu === i)?.cpuset ?? d.vcpu.cpuset ?? 'all')
      w.set('cpus', list)
    } else {
      w.lost('per-vCPU pinning (<vcpupin>) has no xm syntax', 'CPU-PIN')
    }
  }
  if (d.cputune?.shares !== undefined) w.set('cpu_weight', d.cputune.shares)
}

function formatGraphics(d: Domain, w: NativeWriter): void {
  const gs = d.devices.graphics
  // A password is withheld unless asked for; a guest that had one never comes out without one
  // silently turned off (see formatSpice).
  const passwd = w.securityInfo ? gs[0]?.passwd : undefined
  if (gs.length > 1) w.lost(`only one graphics device can be written; ${gs.length - 1} more dropped`, 'GRAPHICS-EXTRA')
  const g = gs[0]
  if (d.os.kind === 'hvm') {
    if (!g) return
    if (g.type === 'spice') {
      if (w.format === 'xm') {
        w.lost('SPICE graphics are an xl feature')
        return
      }
      w.set('sdl', 0)
      w.set('vnc', 0)
      formatSpice(g, passwd, w)
      return
    }
    w.set('sdl', flag(g.type === 'sdl'))
    w.set('vnc', flag(g.type === 'vnc'))
    if (g.type === 'vnc') {
      w.set('vncunused', flag(g.autoport !== false))
      if (g.autoport === false && g.port !== undefined) w.set('vncdisplay', g.port >= 5900 ? g.port - 5900 : g.port)
      w.set('vnclisten', listenOf(g))
      w.set('vncpasswd', passwd)
      w.set('keymap', g.keymap)
    } else {
      w.set('display', g.display)
      w.set('xauthority', g.xauth)
    }
    return
  }
  if (!g) return
  if (g.type === 'spice') {
    w.lost('SPICE needs an HVM guest')
    return
  }
  const comma = commaInSpec('vfb', {display: g.display, xauthority: g.xauth, vnclisten: listenOf(g), vncpasswd: passwd, keymap: g.keymap})
  if (comma) {
    w.lost(comma.lost)
    return
  }
  const parts: string[] = []
  if (g.type === 'sdl') {
    parts.push('type=sdl')
    if (g.display !== undefined) parts.push(`display=${g.display}`)
    if (g.xauth !== undefined) parts.push(`xauthority=${g.xauth}`)
  } else {
    parts.push('type=vnc')
    // xl's vfb default is vncunused=1, so a fixed port needs an explicit vncunused=0, as libvirt's
    // xenFormatVfb writes it (lab suite, test/lab: domxml-to-native).
    if (g.autoport !== false) parts.push('vncunused=1')
    else {
      parts.push('vncunused=0')
      if (g.port !== undefined) parts.push(`vncdisplay=${g.port >= 5900 ? g.port - 5900 : g.port}`)
    }
    const listen = listenOf(g)
    if (listen !== undefined) parts.push(`vnclisten=${listen}`)
    if (passwd !== undefined) parts.push(`vncpasswd=${passwd}`)
    if (g.keymap !== undefined) parts.push(`keymap=${g.keymap}`)
  }
  w.set('vfb', [parts.join(',')])
}

/**
 * libvirt's writers leave video out (its readers ignore `vga`/`stdvga`/`videoram` and default to
 * cirrus), so the default cirrus card is not written; another emulated card is said the way each
 * toolstack spells it (xl.cfg(5) `vga`, `videoram` in MiB; xm's `stdvga = 1`), or reported.
 */
function formatVideo(d: Domain, w: NativeWriter): void {
  const videos = d.devices.videos
  if (d.os.kind !== 'hvm' || videos.length === 0) return
  if (videos.length > 1) w.lost(`only one video card can be written; ${videos.length - 1} more dropped`, 'GRAPHICS-EXTRA')
  const m = videos[0]!.model
  if (m.type === 'cirrus') return
  const xl: Record<string, string> = {vga: 'stdvga', qxl: 'qxl', none: 'none'}
  if (w.format === 'xl' && xl[m.type] !== undefined) w.set('vga', xl[m.type])
  else if (w.format === 'xm' && m.type === 'vga') w.set('stdvga', 1)
  else {
    w.lost(`video model ${m.type} has no ${w.format} key`, 'GRAPHICS-EXTRA')
    return
  }
  if (m.vram !== undefined && m.type !== 'none') w.set('videoram', Math.ceil(m.vram / 1024))
}

function listenOf(g: Graphics): string | undefined {
  return g.listens.find((l) => l.address !== undefined)?.address ?? g.listen
}

function formatSpice(g: Graphics, passwd: string | undefined, w: NativeWriter): void {
  w.set('spice', 1)
  w.set('spicehost', listenOf(g))
  if (g.port !== undefined && g.port > 0) w.set('spiceport', g.port)
  if (g.tlsPort !== undefined && g.tlsPort > 0) w.set('spicetls_port', g.tlsPort)
  if (g.passwd !== undefined) {
    // Withheld, ticketing stays on: xl then refuses to start the guest until a password is set,
    // rather than opening its console to anyone.
    w.set('spicedisable_ticketing', 0)
    w.set('spicepasswd', passwd)
  } else {
    w.set('spicedisable_ticketing', 1)
  }
  if (g.mouseMode !== undefined) w.set('spiceagent_mouse', flag(g.mouseMode === 'client'))
  // libxl needs the vdagent for the client (agent) mouse as for clipboard sharing; libvirt's
  // xenFormatXLSpice sets it for both (lab suite, test/lab: domxml-to-native).
  if (g.mouseMode === 'client' || g.clipboardCopyPaste) w.set('spicevdagent', 1)
  if (g.clipboardCopyPaste) w.set('spice_clipboard_sharing', 1)
}

function formatHvmChr(d: Domain, w: NativeWriter): void {
  const par = d.devices.parallels[0]
  if (d.devices.parallels.length > 1) w.lost('only one parallel port can be written')
  if (par) {
    const r = formatChr(par)
    if ('lost' in r) w.lost(`parallel port: ${r.lost}`)
    w.set('parallel', 'spec' in r ? r.spec : 'none')
  } else {
    w.set('parallel', 'none')
  }
  const serials = [...d.devices.serials].sort((a, b) => (a.target.port ?? 0) - (b.target.port ?? 0))
  if (serials.length === 0) {
    w.set('serial', 'none')
    return
  }
  const specOf = (c: (typeof serials)[number]): string => {
    const r = formatChr(c)
    if ('lost' in r) {
      w.lost(`serial port ${c.target.port ?? 0}: ${r.lost}`)
      return 'none'
    }
    return r.spec
  }
  const single = serials.length === 1 && (serials[0]!.target.port ?? 0) === 0
  if (single) {
    w.set('serial', specOf(serials[0]!))
    return
  }
  if (w.format === 'xm') {
    w.lost(`${serials.length} serial ports (or one not on port 0): xm configs hold one; only the first is written`, 'SERIAL-MULTI')
    w.set('serial', specOf(serials[0]!))
    return
  }
  // xl: one list entry per port, `none` keeping the place of a missing one.
  const last = Math.max(...serials.map((s) => s.target.port ?? 0))
  const list: string[] = []
  for (let p = 0; p <= last; p++) {
    const s = serials.find((x) => (x.target.port ?? 0) === p)
    list.push(s ? specOf(s) : 'none')
  }
  w.set('serial', list)
}
