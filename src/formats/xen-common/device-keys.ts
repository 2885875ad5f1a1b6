/**
 * Device keys of `xenParseConfigCommon` (`src/libxl/xen_common.c`, libvirt 9.0): `vif`, `pci`,
 * HVM `soundhw`, HVM `serial`/`parallel` (xen-formats.md §5.1, §6.2, §6.4). Each list element
 * that fails is a located error naming the element (`vif[1]`); libvirt's losses are reported
 * under their checklist ids.
 */
import type {ChrDevice, Domain} from '../../model/domain.js'
import {parseChrSpec} from './chr-spec.js'
import {type ConfigReadContext, configValue, entryOf, error, getListStrings, getString, report} from './config-access.js'
import {parsePciSpec} from './pci-spec.js'
import {parseVifSpec} from './vif-spec.js'
import {withPath} from '../../model/location.js'

/** libvirt 9.0's virDomainSoundModel names. */
const SOUND_MODELS = new Set(['sb16', 'es1370', 'pcspk', 'ac97', 'ich6', 'ich9', 'usb', 'ich7'])

export function readVifs(ctx: ConfigReadContext, d: Domain, typename: 'netfront' | 'vif'): void {
  const list = getListStrings(ctx, 'vif')
  const e = entryOf(ctx, 'vif')
  for (const {value, index} of list ?? []) {
    const path = `vif[${index}]`
    const r = parseVifSpec(value, typename)
    if ('error' in r) {
      error(ctx, `${path}: ${r.error}`, 'vif', path)
      continue
    }
    if (e) r.iface.loc = withPath(e.loc, path)
    d.devices.interfaces.push(r.iface)
    const ignored = Object.keys(r.ignored)
    if (ignored.length > 0) d.extra[path] = {...r.ignored}
    // `backend=0` is dom0, what libvirt does anyway (xend wrote `(backend 0)` into every vif).
    const lost = ignored.filter((k) => !(k === 'backend' && r.ignored[k] === '0'))
    if (lost.length > 0) {
      const backend = r.ignored.backend
      const code = backend !== undefined && backend !== '0' && backend !== '' ? 'DRIVER-DOMAIN' : 'VIF-UNKNOWN-KEY'
      report(ctx, code, 'warning', `${path}: libvirt ignores ${lost.map((k) => `${k}=${r.ignored[k]}`).join(', ')}`, 'vif', undefined, path)
    }
    if (r.rateInterval !== undefined) report(ctx, 'VIF-RATE', 'info', `${path}: rate interval @${r.rateInterval} dropped`, 'vif', undefined, path)
  }
}

export function readPci(ctx: ConfigReadContext, d: Domain): void {
  const list = getListStrings(ctx, 'pci')
  const e = entryOf(ctx, 'pci')
  for (const {value, index} of list ?? []) {
    const path = `pci[${index}]`
    const r = parsePciSpec(value)
    if ('error' in r) {
      error(ctx, `${path}: ${r.error}`, 'pci', path)
      continue
    }
    if (e) r.hostdev.loc = withPath(e.loc, path)
    d.devices.hostdevs.push(r.hostdev)
    if (r.hostdev.droppedOptions) {
      report(ctx, 'PCI-OPTS', 'warning', `${path}: libvirt drops the PCI options ${r.hostdev.droppedOptions.join(',')}`, 'pci', undefined, path)
    }
  }
  if (d.devices.hostdevs.length > 0) report(ctx, 'PCI-PASSTHROUGH', 'info', 'PCI passthrough converted with managed=no: bind the devices to pciback on the new host', 'pci')
}

export function readSound(ctx: ConfigReadContext, d: Domain): void {
  const v = getString(ctx, 'soundhw')
  if (v === undefined) return
  if (v === 'all') {
    d.devices.sounds.push({model: 'sb16'}, {model: 'es1370'})
    report(ctx, 'SOUND', 'info', 'soundhw = "all" becomes sb16 and es1370 only', 'soundhw')
    return
  }
  for (const model of v.split(',')) {
    if (model === '') continue
    if (!SOUND_MODELS.has(model)) {
      error(ctx, `unknown sound model '${model}' (libvirt knows ${[...SOUND_MODELS].join(', ')})`, 'soundhw')
      return
    }
    d.devices.sounds.push({model})
  }
}

export function readCharDevices(ctx: ConfigReadContext, d: Domain, format: 'xm' | 'xl'): void {
  if (d.os.kind !== 'hvm') return
  const parallel = getString(ctx, 'parallel')
  if (parallel !== undefined && parallel !== 'none') {
    const c = chr(ctx, parallel, 'parallel', 'parallel', 0)
    if (c) d.devices.parallels.push(c)
  }
  const serial = configValue(ctx, 'serial')
  if (Array.isArray(serial)) {
    if (format === 'xm') {
      error(ctx, 'Multiple serial devices are not supported by xen-xm (serial must be a string)', 'serial', undefined, 'SERIAL-MULTI')
      return
    }
    serial.forEach((s, port) => {
      if (typeof s !== 'string') {
        error(ctx, `serial[${port}] is not a string`, 'serial', `serial[${port}]`)
        return
      }
      if (s === 'none') return
      const c = chr(ctx, s, 'serial', `serial[${port}]`, port)
      if (c) d.devices.serials.push(c)
    })
    return
  }
  const s = getString(ctx, 'serial')
  if (s !== undefined && s !== 'none') {
    const c = chr(ctx, s, 'serial', 'serial', 0)
    if (c) d.devices.serials.push(c)
  }
}

function chr(ctx: ConfigReadContext, value: string, key: string, path: string, port: number): ChrDevice | undefined {
  const r = parseChrSpec(value)
  if ('error' in r) {
    error(ctx, `${path}: ${r.error}`, key, path)
    return undefined
  }
  const e = entryOf(ctx, key)
  const dev: ChrDevice = {...r.device, target: {port}}
  if (e) dev.loc = withPath(e.loc, path)
  return dev
}
