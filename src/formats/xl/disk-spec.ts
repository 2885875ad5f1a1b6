/**
 * xl disk specs, as libxlu's scanner reads them (`tools/libs/util/libxlu_disk_l.l`, Xen
 * 4.17; docs/misc/xl-disk-configuration.txt) followed by libvirt 9.0's `xenParseXLDisk`
 * (`src/libxl/xen_xl.c`; xen-formats.md §6.1, xl column).
 *
 * The scanner is flex: at each position the longest-matching rule wins, ties go to the
 * earlier rule, and trailing context (`phy:/.*`) counts towards the length, which is why a
 * deprecated prefix beats the positional rule. Rules, in order: whitespace; `format=`,
 * `cdrom`, `devtype=`, `access=`, `backend=`, `backendtype=`, `vdev=`, `script=`, flags
 * (`discard`, `direct-io-safe`, colo options, `trusted`); `target=` eats the rest; other
 * `key=` is an error; deprecated prefixes (`raw: qcow: qcow2: vhd:` set the format,
 * `iscsi: nbd: enbd: drbd:` a block script, `tapdisk: tap: tap2: aio: ioemu: file: phy:` are
 * dropped); any other `xxx:` prefix is an error; then positional `target,format,vdev,access`
 * (after a deprecated prefix the format slot is skipped). libvirt reports every failure here as
 * "An error occurred, but the cause is unknown"; we say which rule failed.
 */
import type {Disk} from '../../model/domain.js'

export interface XlDiskSpec {
  target?: string
  format: 'unknown' | 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'qed' | 'empty'
  vdev?: string
  readwrite: boolean
  isCdrom: boolean
  backend: 'unknown' | 'phy' | 'tap' | 'qdisk'
  script?: string
  backendDomain?: string
  /** A deprecated `xxx:` prefix was seen (then the positional format slot is skipped). */
  deprecatedPrefix?: string
  /** The positional access slot was used. */
  accessSet?: boolean
}

export type XlDiskParse = {readonly spec: XlDiskSpec} | {readonly error: string}

type Action = (text: string, dpc: XlDiskSpec) => string | undefined

interface Rule {
  /** Length of the match at `pos` (trailing context included) and the consumed length. */
  readonly match: (s: string, pos: number) => {len: number; consumed: number} | undefined
  readonly action: Action
  /**
   * A literal every match starts with (`format=`, `tap`): a cheap `startsWith` check skips the
   * regex for the ~30 rules that cannot match here. Only a speed-up: the regex still decides.
   */
  readonly literal?: string
}

/**
 * The literal prefix of a regex source: the characters before the first metacharacter, minus
 * the last one when a quantifier follows it (`tap2?:` → `tap`, `cdrom,?` → `cdrom`).
 */
function literalPrefix(source: string): string | undefined {
  let i = 0
  while (i < source.length && !'\\[](){}.*+?|^$'.includes(source[i] as string)) i++
  const end = i < source.length && '*+?{'.includes(source[i] as string) ? i - 1 : i
  return end > 0 ? source.slice(0, end) : undefined
}

const FORMATS = new Set(['raw', 'qcow', 'qcow2', 'vhd', 'qed', 'empty'])

function setFormat(v: string, dpc: XlDiskSpec): string | undefined {
  // libxlu: an empty format means raw.
  if (v === '') dpc.format = 'raw'
  else if (FORMATS.has(v)) dpc.format = v as XlDiskSpec['format']
  else return `unknown value for format: '${v}' (raw, qcow, qcow2, vhd, qed or empty)`
  return undefined
}

function setAccess(v: string, dpc: XlDiskSpec): string | undefined {
  if (v === '' || v === 'rw' || v === 'w') dpc.readwrite = true
  else if (v === 'r' || v === 'ro') dpc.readwrite = false
  else if (v === 'w!' || v === '!') return `access '${v}': shared writable disks are not supported by xl (checklist DISK-SHARED)`
  else return `unknown value for access: '${v}' (r, ro, w, rw)`
  return undefined
}

function saveString(what: 'target' | 'vdev' | 'script' | 'backendDomain', v: string, dpc: XlDiskSpec): string | undefined {
  const old = dpc[what]
  if (old !== undefined && old !== '') return `${what === 'backendDomain' ? 'backend' : what} respecified ('${old}', then '${v}')`
  dpc[what] = v
  return undefined
}

const stripComma = (t: string) => (t.endsWith(',') ? t.slice(0, -1) : t)
const fromEquals = (t: string) => stripComma(t).slice(t.indexOf('=') + 1)

/** A rule matching a regex at pos (sticky), with no trailing context. */
function re(pattern: RegExp, action: Action): Rule {
  const y = new RegExp(pattern.source, 'y')
  const literal = literalPrefix(pattern.source)
  return {
    match: (s, pos) => {
      y.lastIndex = pos
      const m = y.exec(s)
      return m ? {len: m[0].length, consumed: m[0].length} : undefined
    },
    action,
    ...(literal !== undefined ? {literal} : {}),
  }
}

/** A `prefix:/.*` rule: matches the prefix, but its length is the whole rest of the line. */
function prefixed(pattern: RegExp, action: Action, lookahead?: RegExp): Rule {
  const y = new RegExp(pattern.source, 'y')
  const la = lookahead ? new RegExp(lookahead.source, 'y') : undefined
  const literal = literalPrefix(pattern.source)
  return {
    match: (s, pos) => {
      y.lastIndex = pos
      const m = y.exec(s)
      if (!m) return undefined
      if (la) {
        la.lastIndex = pos + m[0].length
        if (!la.test(s)) return undefined
      }
      const eol = s.indexOf('\n', pos)
      return {len: (eol < 0 ? s.length : eol) - pos, consumed: m[0].length}
    },
    action,
    ...(literal !== undefined ? {literal} : {}),
  }
}

const ignore: Action = () => undefined
const deprecated: Action = (t, dpc) => {
  dpc.deprecatedPrefix ??= t.slice(0, -1)
  return undefined
}

/** Sticky regexes of the hand-written rules, built once (a literal in the closure is a new RegExp per call). */
const WHITESPACE_RUN = /[ \t\n]+/y
const POSITIONAL = /[^=,]*/y

const RULES: readonly Rule[] = [
  {
    // whitespace before parameters (its trailing context makes it win over positional)
    match: (s, pos) => {
      const c = s.charCodeAt(pos)
      if (c !== 32 && c !== 9 && c !== 10) return undefined
      const m = WHITESPACE_RUN
      m.lastIndex = pos
      const r = m.exec(s)
      if (!r) return undefined
      const after = pos + r[0].length
      const eol = s.indexOf('\n', after)
      const tail = after < s.length && !/[ \t\n]/.test(s[after] ?? '') ? (eol < 0 ? s.length : eol) - after : 0
      return {len: r[0].length + tail, consumed: r[0].length}
    },
    action: ignore,
  },
  re(/format=[^,]*,?/, (t, dpc) => setFormat(fromEquals(t), dpc)),
  re(/cdrom,?/, (_t, dpc) => {
    dpc.isCdrom = true
    return undefined
  }),
  re(/devtype=cdrom,?/, (_t, dpc) => {
    dpc.isCdrom = true
    return undefined
  }),
  re(/devtype=disk,?/, (_t, dpc) => {
    dpc.isCdrom = false
    return undefined
  }),
  re(/devtype=[^,]*,?/, (t) => `unknown value for devtype: '${fromEquals(t)}' (disk or cdrom)`),
  re(/access=[^,]*,?/, (t, dpc) => setAccess(fromEquals(t), dpc)),
  re(/backend=[^,]*,?/, (t, dpc) => saveString('backendDomain', fromEquals(t), dpc)),
  re(/backendtype=[^,]*,?/, (t, dpc) => {
    const v = fromEquals(t)
    if (v === 'phy' || v === 'tap' || v === 'qdisk') dpc.backend = v
    else return `unknown value for backendtype: '${v}' (phy, tap or qdisk)`
    return undefined
  }),
  re(/vdev=[^,]*,?/, (t, dpc) => saveString('vdev', fromEquals(t), dpc)),
  re(/script=[^,]*,?/, (t, dpc) => saveString('script', fromEquals(t), dpc)),
  re(/direct-io-safe,?/, ignore),
  re(/discard,?/, ignore),
  re(/no-discard,?/, ignore),
  re(/colo,?/, ignore),
  re(/no-colo,?/, ignore),
  re(/colo-host=[^,]*,?/, ignore),
  re(/colo-port=[^,]*,?/, ignore),
  re(/colo-export=[^,]*,?/, ignore),
  re(/active-disk=[^,]*,?/, ignore),
  re(/hidden-disk=[^,]*,?/, ignore),
  re(/trusted,?/, ignore),
  re(/untrusted,?/, ignore),
  re(/target=.*/, (t, dpc) => saveString('target', fromEquals(t), dpc)),
  re(/[a-z][-a-z0-9]*=[^,]*,?/, (t) => `unknown parameter '${stripComma(t)}'`),
  prefixed(/(raw|qcow2?|vhd):/, (t, dpc) => {
    dpc.deprecatedPrefix ??= t.slice(0, -1)
    return setFormat(t.slice(0, -1), dpc)
  }),
  prefixed(/(iscsi|e?nbd|drbd):/, (t, dpc) => {
    dpc.deprecatedPrefix ??= t.slice(0, -1)
    return saveString('script', `block-${t.slice(0, -1)}`, dpc)
  }),
  prefixed(/tapdisk:/, deprecated),
  prefixed(/tap2?:/, deprecated),
  prefixed(/aio:/, deprecated),
  prefixed(/ioemu:/, deprecated),
  prefixed(/file:/, deprecated),
  prefixed(/phy:/, deprecated),
  prefixed(
    /[a-z][a-z0-9]*:/,
    (t) => `unknown deprecated disk prefix '${t}' (use script=block-${t.slice(0, -1)} and target=)`,
    /[^a-z0-9]|[a-z0-9]*:/,
  ),
  {
    // positional: [^=,]*,|[^=,]+,?
    match: (s, pos) => {
      const m = POSITIONAL
      m.lastIndex = pos
      const n = m.exec(s)?.[0].length ?? 0
      if (s[pos + n] === ',') return {len: n + 1, consumed: n + 1}
      return n > 0 ? {len: n, consumed: n} : undefined
    },
    action: positional,
  },
]

function positional(t: string, dpc: XlDiskSpec): string | undefined {
  const v = stripComma(t)
  if (dpc.target === undefined) {
    if (/^rbd:/.test(v)) return `unknown deprecated disk prefix 'rbd:' (write target=rbd:… as the last item)`
    return saveString('target', v, dpc)
  }
  if (dpc.deprecatedPrefix === undefined && dpc.format === 'unknown') {
    // An empty target followed by `vdev:type` (`,hdc:cdrom,r`) is an empty drive.
    if (dpc.target === '') {
      const r = vdevAndDevtype(v, dpc)
      if (r !== 'no') {
        dpc.format = 'empty'
        return r === 'ok' ? undefined : r
      }
    }
    return setFormat(v, dpc)
  }
  if (dpc.vdev === undefined) {
    const r = vdevAndDevtype(v, dpc)
    if (r === 'no') return saveString('vdev', v, dpc)
    return r === 'ok' ? undefined : r
  }
  if (!dpc.accessSet) {
    dpc.accessSet = true
    return setAccess(v, dpc)
  }
  return `too many positional parameters ('${v}')`
}

/** `vdev:devtype` (deprecated): 'no' when there is no colon. */
function vdevAndDevtype(v: string, dpc: XlDiskSpec): 'no' | 'ok' | string {
  const colon = v.lastIndexOf(':')
  if (colon < 0) return 'no'
  const err = saveString('vdev', v.slice(0, colon), dpc)
  if (err) return err
  const type = v.slice(colon + 1)
  if (type === 'cdrom') dpc.isCdrom = true
  else if (type === 'disk') dpc.isCdrom = false
  else return `unknown deprecated type '${type}' in '${v}' (cdrom or disk)`
  return 'ok'
}

/** libxlu's `xlu_disk_parse` over one spec string. */
export function parseXlDiskSpec(text: string): XlDiskParse {
  const dpc: XlDiskSpec = {format: 'unknown', readwrite: true, isCdrom: false, backend: 'unknown'}
  let pos = 0
  while (pos < text.length) {
    // Longest match wins, ties to the earlier rule (flex). No object per candidate: this loop
    // runs ~35 rules at every position and was a hot spot.
    let bestLen = -1
    let bestConsumed = 0
    let bestRule: Rule | undefined
    for (let r = 0; r < RULES.length; r++) {
      const rule = RULES[r] as Rule
      if (rule.literal !== undefined && !text.startsWith(rule.literal, pos)) continue
      const m = rule.match(text, pos)
      if (m && m.len > bestLen) {
        bestLen = m.len
        bestConsumed = m.consumed
        bestRule = rule
      }
    }
    if (!bestRule || bestConsumed === 0) return {error: `bad disk syntax at '${text.slice(pos)}'`}
    const err = bestRule.action(text.slice(pos, pos + bestConsumed), dpc)
    if (err !== undefined) return {error: err}
    pos += bestConsumed
  }
  if (dpc.format === 'unknown') dpc.format = 'raw'
  if (dpc.isCdrom) {
    dpc.readwrite = false
    if (dpc.target === undefined || dpc.target === '') dpc.format = 'empty'
  }
  if (dpc.vdev === undefined) return {error: 'no vdev specified'}
  if (dpc.target === undefined && !dpc.isCdrom) return {error: 'no target specified'}
  return {spec: dpc}
}

/** libvirt's `xenParseXLDisk` over a parsed spec. */
export function xlDiskToDisk(spec: XlDiskSpec, hvm: boolean): Disk {
  const vdev = spec.vdev ?? ''
  const bus = vdev.startsWith('xvd') || !hvm ? 'xen' : vdev.startsWith('sd') ? 'scsi' : 'ide'
  const disk: Disk = {device: 'disk', target: {dev: vdev, bus}}
  const src = spec.target
  let network = false
  if (src?.startsWith('rbd:')) {
    network = true
    disk.type = 'network'
    disk.source = parseRbd(src.replaceAll('\\\\', '\\'))
  }
  if (spec.isCdrom) {
    disk.device = 'cdrom'
    disk.type = 'file'
    // An empty drive has no format (libxl's post-parse in the defaults makes it raw).
    disk.driver = src === undefined || src === '' ? {name: 'qemu'} : {name: 'qemu', type: 'raw'}
  } else {
    const format = spec.format === 'empty' ? 'raw' : spec.format === 'unknown' ? 'raw' : spec.format
    if (spec.backend === 'phy') {
      disk.driver = {name: 'phy', type: format}
      disk.type = 'block'
    } else if (spec.backend === 'tap') {
      disk.driver = {name: 'tap', type: format}
      disk.type = 'file'
    } else {
      disk.driver = {name: 'qemu', type: format}
      if (!network) disk.type = 'file'
    }
  }
  if (src !== undefined && !network) disk.source = disk.type === 'block' ? {dev: src} : {file: src}
  if (!spec.readwrite) disk.readonly = true
  if (spec.script !== undefined) disk.script = spec.script.replace(/^block-/, '')
  return disk
}

/**
 * virStorageSourceParseRBDColonString: `rbd:pool/image[@snap][:opt=val…]`; a backslash escapes
 * the next character; `id=` → auth user with a ceph secret, `mon_host=h\\:p\\;h2…` → hosts.
 * The snapshot and `conf=` have no place in the model and are dropped.
 */
function parseRbd(text: string): NonNullable<Disk['source']> {
  const body = text.startsWith('rbd:') ? text.slice(4) : text
  const colon = body.indexOf(':')
  const image = colon >= 0 ? body.slice(0, colon) : body
  const name = image.split('@')[0] ?? ''
  const source: NonNullable<Disk['source']> = {protocol: 'rbd', name}
  if (colon < 0) return source
  const options = body.slice(colon + 1)
  let p = 0
  while (p < options.length) {
    let e = p
    while (e < options.length && options[e] !== ':') {
      if (options[e] === '\\') e++
      e++
    }
    const opt = options.slice(p, Math.min(e, options.length))
    if (opt.startsWith('id=')) source.auth = {username: opt.slice(3), secretType: 'ceph'}
    if (opt.startsWith('mon_host=')) source.hosts = rbdHosts(opt.slice(9))
    p = e + 1
  }
  return source
}

function rbdHosts(list: string): {name: string; port?: number}[] {
  const hosts: {name: string; port?: number}[] = []
  for (const hostport of list.split(/\\[,; ]/)) {
    let host = hostport
    let port: string | undefined
    const bracket = host.indexOf(']')
    if (bracket >= 0) {
      port = host.slice(bracket + 3)
      host = host.slice(1, bracket)
    } else {
      const i = host.indexOf('\\:')
      if (i >= 0) {
        port = host.slice(i + 2)
        host = host.slice(0, i)
      }
    }
    const h: {name: string; port?: number} = {name: host.split('\\:').join(':')}
    if (port !== undefined && /^\d+$/.test(port)) h.port = Number(port)
    hosts.push(h)
  }
  return hosts
}
