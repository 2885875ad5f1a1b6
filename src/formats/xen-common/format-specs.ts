/**
 * Device spec strings as libvirt 9.0 writes them for xm/xl configs (`xenFormatNet`,
 * `xenFormatPCI`, `xenFormatSxprChr`, `xenFormatXMDisk` in src/libxl/xen_common.c and xen_xm.c,
 * `xenFormatXLDisk` in xen_xl.c). Each returns the spec, or a reason it cannot be written.
 */
import type {ChrDevice, Disk, Hostdev, Interface} from '../../model/domain.js'

/** A written spec (maybe with a note), or why it cannot be written (with the checklist rule id when one fits). */
export type SpecResult = {readonly spec: string; readonly note?: string} | {readonly lost: string; readonly code?: string}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')

/**
 * xm and xl split device specs on commas with no quoting (xend `parseDeviceSpec`-style splits,
 * libxlu's vif/vfb/channel parsers), so a value holding one cannot be said: writing it would
 * silently give another device. Returns the reason, or undefined when every field is clean.
 */
export function commaInSpec(what: string, fields: Readonly<Record<string, string | undefined>>): {readonly lost: string} | undefined {
  const bad = Object.entries(fields).filter(([, v]) => v?.includes(','))
  if (bad.length === 0) return undefined
  return {lost: `${what}: ${bad.map(([k, v]) => `${k} '${v}'`).join(', ')} holds a comma, which a ${what.split(' ')[0]} spec cannot quote`}
}

/** `mac=…,bridge=…[.tag|:t1:t2],ip=…,script=…,model=…|type=…,vifname=…,rate=…KB/s` */
export function formatVif(nic: Interface, hvm: boolean, format: 'xm' | 'xl'): SpecResult {
  const comma = commaInSpec(`vif ${nic.mac ?? nic.targetDev ?? ''}`.trim(), {
    mac: nic.mac,
    bridge: nic.source?.bridge ?? nic.source?.network,
    ip: nic.ips.map((ip) => ip.address).join(' '),
    script: nic.script,
    model: nic.model,
    vifname: nic.targetDevRuntime ? undefined : nic.targetDev,
    backend: nic.backendDomain,
  })
  if (comma) return comma
  const parts: string[] = []
  if (nic.mac !== undefined) parts.push(`mac=${nic.mac}`)
  let note: string | undefined
  if (nic.type === 'bridge' || nic.type === 'network') {
    let bridge = nic.source?.bridge ?? nic.source?.network ?? ''
    if (nic.virtualport === 'openvswitch' && nic.vlan && nic.vlan.tags.length > 0) {
      bridge += nic.vlan.trunk ? nic.vlan.tags.map((t) => `:${t}`).join('') : `.${nic.vlan.tags[0]}`
    }
    parts.push(`bridge=${bridge}`)
  }
  if (nic.ips.length > 0) parts.push(`ip=${nic.ips.map((ip) => ip.address).join(' ')}`)
  const script = nic.script ?? (nic.virtualport === 'openvswitch' ? 'vif-openvswitch' : undefined)
  if (script !== undefined) parts.push(`script=${script}`)
  if (nic.model === 'netfront' && hvm) parts.push(`type=${format === 'xm' ? 'netfront' : 'vif'}`)
  else if (nic.model !== undefined) parts.push(`model=${nic.model}`)
  // A vifDOMID.N name read from a running domain is the toolstack's own: writing it would pin
  // the next boot to the old domid's name (the libvirt XML writer leaves it out too).
  if (nic.targetDev !== undefined && !nic.targetDevRuntime) parts.push(`vifname=${nic.targetDev}`)
  if (nic.bandwidthOutboundKBps !== undefined && nic.bandwidthOutboundKBps > 0) parts.push(`rate=${nic.bandwidthOutboundKBps}KB/s`)
  if (nic.backendDomain !== undefined) parts.push(`backend=${nic.backendDomain}`)
  return note !== undefined ? {spec: parts.join(','), note} : {spec: parts.join(',')}
}

/** `DDDD:BB:SS.F[,permissive=1]` (xl also keeps the options libvirt drops; xm too: xm read them). */
export function formatPci(h: Hostdev): SpecResult {
  if (h.type !== 'pci' || !h.pci) return {lost: `${h.type} host device`}
  const a = h.pci
  const opts: string[] = []
  if (h.permissive === true) opts.push('permissive=1')
  for (const o of h.droppedOptions ?? []) if (!o.startsWith('@') && !o.startsWith('permissive')) opts.push(o)
  return {spec: [`${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${a.function.toString(16)}`, ...opts].join(',')}
}

/** Character device as xm/xl/qemu spell it: `pty`, `/dev/ttyS0`, `file:/p`, `tcp:h:p,server,nowait`, `udp:h:p@h:p`, `unix:/p,server,nowait`. */
export function formatChr(c: ChrDevice): SpecResult {
  const src = c.sources[0]
  // Socket specs carry `,server,nowait` options after the address (qemu's legacy -serial syntax).
  if (c.type === 'unix' || c.type === 'tcp' || c.type === 'udp') {
    const comma = commaInSpec(`${c.type} character device`, Object.fromEntries(c.sources.flatMap((x, i) => [[`path${i}`, x.path], [`host${i}`, x.host], [`service${i}`, x.service]])))
    if (comma) return comma
  }
  switch (c.type) {
    case 'pty':
    case 'vc':
    case 'null':
    case 'stdio':
      return {spec: c.type}
    case 'dev':
      return src?.path ? {spec: src.path} : {lost: 'host device without a path'}
    case 'file':
    case 'pipe':
      return {spec: `${c.type}:${src?.path ?? ''}`}
    case 'tcp':
      return {spec: `${c.protocol === 'telnet' ? 'telnet' : 'tcp'}:${src?.host ?? ''}:${src?.service ?? ''}${src?.mode === 'bind' ? ',server,nowait' : ''}`}
    case 'udp': {
      const connect = c.sources.find((s) => s.mode !== 'bind')
      const bind = c.sources.find((s) => s.mode === 'bind')
      return {spec: `udp:${connect?.host ?? ''}:${connect?.service ?? ''}@${bind?.host ?? ''}:${bind?.service ?? ''}`}
    }
    case 'unix':
      return {spec: `unix:${src?.path ?? ''}${src?.mode === 'bind' ? ',server,nowait' : ''}`}
    default:
      return {lost: `character device type ${String(c.type)}`}
  }
}

function diskPath(d: Disk): string | undefined {
  return d.source?.file ?? d.source?.dev
}

/** xm disk spec `PREFIX:PATH,VDEV[:cdrom],MODE` (`xenFormatXMDisk`). */
export function formatXmDisk(d: Disk): SpecResult {
  if (d.type === 'network') return {lost: `network disk (${d.source?.protocol ?? 'unknown protocol'}) ${d.target.dev}: xm has no syntax for it`}
  if (d.device === 'floppy') return {code: 'FLOPPY', lost: `floppy ${d.target.dev}: xm configs have no floppy disks (use fda/fdb)`}
  const path = diskPath(d)
  const comma = commaInSpec(`disk ${d.target.dev}`, {path, vdev: d.target.dev, script: d.script})
  if (comma) return comma
  let note: string | undefined
  let src = ''
  if (path !== undefined) {
    const driver = d.script ?? d.driver?.name
    if (driver === 'tap' || driver === 'tap2') {
      const fmt = d.driver?.type === undefined || d.driver.type === 'raw' ? 'aio' : d.driver.type
      src = `${driver}:${fmt}:${path}`
    } else if (driver !== undefined && driver !== 'qemu' && driver !== 'file' && driver !== 'phy') {
      src = `${driver}:${path}` // block scripts (iscsi:, drbd:, npiv:…)
    } else {
      // libvirt would write `qemu:` for libxl's qdisk driver, which xm reads as an unknown block
      // script; write the prefix xm itself understood for that disk type instead.
      if (driver === 'qemu') note = `disk ${d.target.dev}: driver qemu written as ${d.type === 'block' ? 'phy:' : 'file:'} (xm has no qdisk prefix)`
      src = `${d.type === 'block' || driver === 'phy' ? 'phy' : 'file'}:${path}`
    }
    if (d.driver?.type !== undefined && !['raw', 'aio'].includes(d.driver.type) && driver !== 'tap' && driver !== 'tap2') {
      return {lost: `disk ${d.target.dev}: ${d.driver.type} image format needs tap:${d.driver.type}: (blktap), which libxl no longer has`}
    }
  }
  if (d.backendDomain !== undefined) return {lost: `disk ${d.target.dev}: a backend (driver) domain '${d.backendDomain}' has no xm disk syntax`, code: 'DRIVER-DOMAIN'}
  const vdev = d.device === 'cdrom' ? `${d.target.dev}:cdrom` : d.target.dev
  const mode = d.readonly || d.device === 'cdrom' ? 'r' : d.shareable ? '!' : 'w'
  const spec = `${src},${vdev},${mode}`
  return note !== undefined ? {spec, note} : {spec}
}

const XL_FORMATS = new Set(['raw', 'qcow', 'qcow2', 'vhd', 'qed'])

/** xl disk spec `format=…,vdev=…,access=…,backendtype=…[,devtype=cdrom][,script=…],target=…` (`xenFormatXLDisk`). */
export function formatXlDisk(d: Disk): SpecResult {
  if (d.shareable) return {lost: `disk ${d.target.dev} is shared writable (<shareable/>, w!): xl has no such access mode`}
  if (d.device === 'floppy') return {code: 'FLOPPY', lost: `floppy ${d.target.dev}: libxl has no floppy disks`}
  // `target=` comes last and takes the rest of the spec, commas included (xl-disk-configuration(5)).
  const comma = commaInSpec(`disk ${d.target.dev}`, {vdev: d.target.dev, script: d.script, backend: d.backendDomain})
  if (comma) return comma
  const parts: string[] = []
  const fmt = d.driver?.type ?? 'raw'
  if (!XL_FORMATS.has(fmt)) return {lost: `disk ${d.target.dev}: image format ${fmt} is not one xl reads (raw, qcow, qcow2, vhd, qed)`}
  parts.push(`format=${fmt}`, `vdev=${d.target.dev}`, `access=${d.readonly || d.device === 'cdrom' ? 'ro' : 'rw'}`)
  const driver = d.driver?.name
  let note: string | undefined
  if (d.device === 'cdrom' || d.type === 'network') parts.push('backendtype=qdisk')
  else if (driver === 'phy' || (driver === undefined && d.type === 'block')) parts.push('backendtype=phy')
  else if (driver === 'tap' || driver === 'tap2') {
    parts.push('backendtype=qdisk')
    note = `disk ${d.target.dev}: blktap (${driver}) written as qdisk: libxl serves image files through qemu`
  } else parts.push('backendtype=qdisk')
  if (d.device === 'cdrom') parts.push('devtype=cdrom')
  if (d.script !== undefined) parts.push(`script=block-${d.script}`)
  if (d.backendDomain !== undefined) parts.push(`backend=${d.backendDomain}`)
  if (d.type === 'network') {
    if (d.source?.protocol !== 'rbd' || d.source.name === undefined) return {lost: `network disk ${d.target.dev} (${d.source?.protocol ?? '?'}): only rbd can be written for xl`}
    const hosts = (d.source.hosts ?? []).map((h) => `${h.name}${h.port !== undefined ? `\\:${h.port}` : ''}`).join('\\;')
    const opts = [d.source.auth ? `id=${d.source.auth.username}` : 'auth_supported=none', ...(hosts ? [`mon_host=${hosts}`] : [])]
    parts.push(`target=rbd:${d.source.name}:${opts.join(':')}`)
  } else {
    const path = diskPath(d)
    // libxlu's `target=` rule strips trailing commas (STRIP(',') in libxlu_disk_l.l).
    if (path?.endsWith(',')) return {lost: `disk ${d.target.dev}: path '${path}' ends in a comma, which xl strips from a disk target`}
    if (path !== undefined) parts.push(`target=${path}`)
  }
  const spec = parts.join(',')
  return note !== undefined ? {spec, note} : {spec}
}
