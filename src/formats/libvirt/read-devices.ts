import {
  emptyDevices,
  type ChrDevice,
  type ChrType,
  type Devices,
  type Disk,
  type Graphics,
  type Hostdev,
  type Interface,
  type Video,
} from '../../model/domain.js'
import {inLibvirtDiskOrder} from './disk-order.js'
import {eachChild, enumAttr, intAttr, report, setIntAttr, yesNoAttr, type ReadContext} from './read-context.js'
import type {XmlNode} from './xml-tree.js'
import {located} from '../../model/location.js'

/** `<devices>` → Devices; the inverse of write-devices.ts. */
export function readDevices(ctx: ReadContext, node: XmlNode, path: string): Devices {
  const dev = emptyDevices()
  const chr = (list: ChrDevice[]) => (c: XmlNode, p: string) => {
    const x = readChr(ctx, c, p)
    if (x) list.push(x)
  }
  eachChild(ctx, node, path, {
    emulator: (c) => (dev.emulator = c.text),
    disk: (c, p) => dev.disks.push(readDisk(ctx, c, p)),
    controller: (c, p) => {
      const ctl: Devices['controllers'][number] = {type: c.attrs['type'] ?? '', index: intAttr(ctx, c, 'index', p) ?? 0}
      if (c.attrs['model'] !== undefined) ctl.model = c.attrs['model']
      for (const a of ['ports', 'maxGrantFrames', 'maxEventChannels'] as const) setIntAttr(ctx, c, a, p, ctl)
      eachChild(ctx, c, p, {})
      dev.controllers.push(ctl)
    },
    interface: (c, p) => {
      const n = readInterface(ctx, c, p)
      if (n) dev.interfaces.push(n)
    },
    serial: chr(dev.serials),
    parallel: chr(dev.parallels),
    console: chr(dev.consoles),
    channel: chr(dev.channels),
    input: (c, p) => {
      const type = enumAttr(ctx, c, 'type', ['mouse', 'keyboard', 'tablet'] as const, p)
      const bus = enumAttr(ctx, c, 'bus', ['ps2', 'xen', 'usb'] as const, p)
      if (type && bus) dev.inputs.push({type, bus})
    },
    graphics: (c, p) => {
      const g = readGraphics(ctx, c, p)
      if (g) dev.graphics.push(g)
    },
    sound: (c) => dev.sounds.push({model: c.attrs['model'] ?? ''}),
    video: (c, p) =>
      eachChild(ctx, c, p, {
        model: (m, mp) => {
          const model: Video['model'] = {type: m.attrs['type'] ?? ''}
          setIntAttr(ctx, m, 'vram', mp, model)
          setIntAttr(ctx, m, 'heads', mp, model)
          const primary = yesNoAttr(ctx, m, 'primary', mp)
          if (primary !== undefined) model.primary = primary
          dev.videos.push({model})
        },
      }),
    hostdev: (c, p) => {
      const h = readHostdev(ctx, c, p)
      if (h) dev.hostdevs.push(h)
    },
    memballoon: (c) => (dev.memballoon = {model: c.attrs['model'] ?? 'xen'}),
  })
  // libvirt's parser does not keep the document's disk order; 9.0's rule unless told otherwise.
  const placed = inLibvirtDiskOrder(dev.disks, {diskBusFromName: ctx.target?.diskBusFromName ?? false})
  dev.disks = placed.disks
  if (placed.diagnostic) ctx.diagnostics.push(placed.diagnostic)
  return dev
}

function loc(ctx: ReadContext, node: XmlNode, path: string) {
  return located(ctx.file, node.line, node.column, path)
}

function readDisk(ctx: ReadContext, node: XmlNode, path: string): Disk {
  const disk: Disk = {device: enumAttr(ctx, node, 'device', ['disk', 'cdrom', 'floppy'] as const, path) ?? 'disk', target: {dev: ''}, loc: loc(ctx, node, path)}
  const type = enumAttr(ctx, node, 'type', ['file', 'block', 'network'] as const, path)
  if (type !== undefined) disk.type = type
  eachChild(ctx, node, path, {
    driver: (c) => {
      disk.driver = {}
      if (c.attrs['name'] !== undefined) disk.driver.name = c.attrs['name']
      if (c.attrs['type'] !== undefined) disk.driver.type = c.attrs['type']
    },
    source: (c, p) => {
      const s: NonNullable<Disk['source']> = {}
      for (const k of ['file', 'dev', 'protocol', 'name'] as const) if (c.attrs[k] !== undefined) s[k] = c.attrs[k]
      eachChild(ctx, c, p, {
        host: (h, hp) => {
          const host: NonNullable<NonNullable<Disk['source']>['hosts']>[number] = {name: h.attrs['name'] ?? ''}
          setIntAttr(ctx, h, 'port', hp, host)
          s.hosts ??= []
          s.hosts.push(host)
        },
        auth: (a, ap) =>
          eachChild(ctx, a, ap, {
            secret: (sec) => {
              s.auth = {username: a.attrs['username'] ?? '', secretType: sec.attrs['type'] ?? ''}
              if (sec.attrs['usage'] !== undefined) s.auth.secretUsage = sec.attrs['usage']
              if (sec.attrs['uuid'] !== undefined) s.auth.secretUuid = sec.attrs['uuid']
            },
          }),
      })
      disk.source = s
    },
    backenddomain: (c) => (disk.backendDomain = c.attrs['name'] ?? ''),
    target: (c) => {
      disk.target = {dev: c.attrs['dev'] ?? ''}
      if (c.attrs['bus'] !== undefined) disk.target.bus = c.attrs['bus']
    },
    readonly: () => (disk.readonly = true),
    shareable: () => (disk.shareable = true),
    address: (c, p) => {
      if (c.attrs['type'] !== 'drive') {
        report(ctx, 'warning', 'UNSUPPORTED', `disk address type '${c.attrs['type'] ?? ''}' is not supported`, c, p)
        return
      }
      disk.address = {
        type: 'drive',
        controller: intAttr(ctx, c, 'controller', p) ?? 0,
        bus: intAttr(ctx, c, 'bus', p) ?? 0,
        target: intAttr(ctx, c, 'target', p) ?? 0,
        unit: intAttr(ctx, c, 'unit', p) ?? 0,
      }
    },
  })
  if (disk.target.dev === '') report(ctx, 'error', 'MISSING-KEY', 'disk has no <target dev=…>', node, path)
  return disk
}

function readInterface(ctx: ReadContext, node: XmlNode, path: string): Interface | undefined {
  const type = enumAttr(ctx, node, 'type', ['bridge', 'ethernet', 'network'] as const, path)
  if (type === undefined) return undefined
  const n: Interface = {type, ips: [], loc: loc(ctx, node, path)}
  eachChild(ctx, node, path, {
    mac: (c) => (n.mac = c.attrs['address'] ?? ''),
    source: (c) => {
      n.source = {}
      if (c.attrs['bridge'] !== undefined) n.source.bridge = c.attrs['bridge']
      if (c.attrs['network'] !== undefined) n.source.network = c.attrs['network']
    },
    vlan: (c, p) => {
      const tags: number[] = []
      eachChild(ctx, c, p, {tag: (t, tp) => tags.push(intAttr(ctx, t, 'id', tp) ?? 0)})
      n.vlan = {trunk: c.attrs['trunk'] === 'yes', tags}
    },
    virtualport: (c, p) => {
      const vp = enumAttr(ctx, c, 'type', ['openvswitch'] as const, p)
      if (vp !== undefined) n.virtualport = vp
    },
    bandwidth: (c, p) =>
      eachChild(ctx, c, p, {
        outbound: (o, op) => {
          const avg = intAttr(ctx, o, 'average', op)
          if (avg !== undefined) n.bandwidthOutboundKBps = avg
        },
      }),
    ip: (c, p) => {
      const ip: Interface['ips'][number] = {address: c.attrs['address'] ?? ''}
      const family = enumAttr(ctx, c, 'family', ['ipv4', 'ipv6'] as const, p)
      if (family !== undefined) ip.family = family
      setIntAttr(ctx, c, 'prefix', p, ip)
      n.ips.push(ip)
    },
    script: (c) => (n.script = c.attrs['path'] ?? ''),
    backenddomain: (c) => (n.backendDomain = c.attrs['name'] ?? ''),
    target: (c) => (n.targetDev = c.attrs['dev'] ?? ''),
    model: (c) => (n.model = c.attrs['type'] ?? ''),
  })
  return n
}

const CHR_TYPES: readonly ChrType[] = ['pty', 'dev', 'file', 'pipe', 'null', 'stdio', 'vc', 'tcp', 'udp', 'unix']

function readChr(ctx: ReadContext, node: XmlNode, path: string): ChrDevice | undefined {
  // libvirt's default chardev type is pty (`<console tty='/dev/pts/4'/>` has no type).
  const type = node.attrs['type'] === undefined ? 'pty' : enumAttr(ctx, node, 'type', CHR_TYPES, path)
  if (type === undefined) return undefined
  const c: ChrDevice = {type, sources: [], target: {}, loc: loc(ctx, node, path)}
  if (node.attrs['tty'] !== undefined) c.tty = node.attrs['tty']
  eachChild(ctx, node, path, {
    source: (s, p) => {
      const src: ChrDevice['sources'][number] = {}
      const mode = enumAttr(ctx, s, 'mode', ['bind', 'connect'] as const, p)
      if (mode !== undefined) src.mode = mode
      for (const k of ['path', 'host', 'service'] as const) if (s.attrs[k] !== undefined) src[k] = s.attrs[k]
      c.sources.push(src)
    },
    protocol: (s, p) => {
      const proto = enumAttr(ctx, s, 'type', ['raw', 'telnet'] as const, p)
      if (proto !== undefined) c.protocol = proto
    },
    target: (t, p) => {
      if (t.attrs['type'] !== undefined) c.target.type = t.attrs['type']
      setIntAttr(ctx, t, 'port', p, c.target)
      if (t.attrs['name'] !== undefined) c.target.name = t.attrs['name']
    },
  })
  return c
}

function readGraphics(ctx: ReadContext, node: XmlNode, path: string): Graphics | undefined {
  const type = enumAttr(ctx, node, 'type', ['vnc', 'sdl', 'spice'] as const, path)
  if (type === undefined) return undefined
  const g: Graphics = {type, listens: [], loc: loc(ctx, node, path)}
  const a = node.attrs
  setIntAttr(ctx, node, 'port', path, g)
  setIntAttr(ctx, node, 'tlsPort', path, g)
  const autoport = yesNoAttr(ctx, node, 'autoport', path)
  if (autoport !== undefined) g.autoport = autoport
  else if (type !== 'sdl' && g.port === -1) g.autoport = true
  if (a['listen'] !== undefined) g.listen = a['listen']
  if (a['passwd'] !== undefined) g.passwd = a['passwd']
  if (a['keymap'] !== undefined) g.keymap = a['keymap']
  if (a['display'] !== undefined) g.display = a['display']
  if (a['xauth'] !== undefined) g.xauth = a['xauth']
  eachChild(ctx, node, path, {
    listen: (l, p) => {
      if (l.attrs['type'] !== 'address') {
        report(ctx, 'warning', 'UNSUPPORTED', `listen type '${l.attrs['type'] ?? ''}' is not supported`, l, p)
        return
      }
      g.listens.push(l.attrs['address'] !== undefined ? {type: 'address', address: l.attrs['address']} : {type: 'address'})
    },
    mouse: (m, p) => {
      const mode = enumAttr(ctx, m, 'mode', ['client', 'server'] as const, p)
      if (mode !== undefined) g.mouseMode = mode
    },
    clipboard: (c, p) => {
      const v = yesNoAttr(ctx, c, 'copypaste', p)
      if (v !== undefined) g.clipboardCopyPaste = v
    },
  })
  return g
}

function readHostdev(ctx: ReadContext, node: XmlNode, path: string): Hostdev | undefined {
  const type = enumAttr(ctx, node, 'type', ['pci', 'usb'] as const, path)
  if (node.attrs['mode'] !== 'subsystem' || type === undefined) {
    report(ctx, 'warning', 'UNSUPPORTED', `hostdev mode='${node.attrs['mode'] ?? ''}' type='${node.attrs['type'] ?? ''}' is not supported`, node, path)
    return undefined
  }
  const h: Hostdev = {mode: 'subsystem', type, managed: node.attrs['managed'] === 'yes', loc: loc(ctx, node, path)}
  eachChild(ctx, node, path, {
    // <driver name='xen'/> is the only PCI backend libxl has; the writer prints it per target.
    driver: () => {},
    source: (s, p) => {
      const wf = yesNoAttr(ctx, s, 'writeFiltering', p)
      if (wf !== undefined) h.permissive = !wf
      eachChild(ctx, s, p, {
        address: (ad, ap) => {
          if (type === 'pci') {
            h.pci = {
              domain: intAttr(ctx, ad, 'domain', ap) ?? 0,
              bus: intAttr(ctx, ad, 'bus', ap) ?? 0,
              slot: intAttr(ctx, ad, 'slot', ap) ?? 0,
              function: intAttr(ctx, ad, 'function', ap) ?? 0,
            }
          } else {
            h.usb = {bus: intAttr(ctx, ad, 'bus', ap) ?? 0, device: intAttr(ctx, ad, 'device', ap) ?? 0}
          }
        },
      })
    },
  })
  return h
}
