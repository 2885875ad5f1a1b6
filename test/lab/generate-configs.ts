/**
 * Seeded generator of xm and xl configs over the key space xenlift converts (xen-formats.md
 * §5-§6): identity, memory, vCPUs, PV kernel/bootloader, HVM firmware and boot order, PVH,
 * disks in xm and xl syntax, vifs, graphics, char devices, PCI, USB, sound, clock, lifecycle
 * and a few xl-only keys. Most configs are valid; about one in eight carries one deliberate
 * fault (a value libvirt rejects) so that "both fail" is exercised too.
 *
 * Same seed, same configs: the differential counts of two runs are comparable and a
 * difference found once can be reproduced with its case id (`gen:xl:0042`).
 */
import {mulberry32} from '../helpers/seeded-random.js'
import type {NativeCase, NativeFormat} from './corpus-configs.js'

export const DEFAULT_SEED = 20261123

class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    const v = items[Math.floor(this.next() * items.length)]
    if (v === undefined) throw new Error('pick from an empty list')
    return v
  }

  hex(digits: number): string {
    let s = ''
    for (let i = 0; i < digits; i++) s += '0123456789abcdef'[this.int(0, 15)]
    return s
  }
}

type Kind = 'pv' | 'hvm' | 'pvh'

/** A config under construction: ordered `key = value` lines (values already in config syntax). */
class Cfg {
  readonly lines: string[] = []
  readonly notes: string[] = []
  set(key: string, value: string): void {
    this.lines.push(`${key} = ${value}`)
  }
}

const q = (s: string) => `"${s}"`
const sq = (s: string) => `'${s}'`
const qlist = (items: readonly string[]) => `[ ${items.map(sq).join(', ')} ]`

const ACTIONS = ['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart'] as const
const NAMES = ['web01', 'db-primary', 'mail.example.org', 'Win2003 Server', 'guest_7', 'büro-pc', 'a&b', 'x']

function macAddress(r: Rng): string {
  return `00:16:3e:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`
}

function uuid(r: Rng): string {
  return `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`
}

function identity(r: Rng, c: Cfg, n: number): void {
  c.set('name', q(`${r.pick(NAMES)}-${n}`))
  if (r.chance(0.6)) {
    const u = uuid(r)
    c.set('uuid', q(r.chance(0.2) ? u.toUpperCase() : r.chance(0.1) ? u.replaceAll('-', '') : u))
  }
}

function memory(r: Rng, c: Cfg): void {
  const mem = r.pick([64, 128, 256, 384, 512, 1024, 2048, 4096])
  if (r.chance(0.9)) c.set('memory', r.chance(0.1) ? q(String(mem)) : String(mem))
  if (r.chance(0.4)) c.set('maxmem', String(r.chance(0.8) ? mem * r.pick([2, 4]) : Math.max(32, mem / 2)))
}

function cpus(r: Rng, c: Cfg): void {
  const v = r.int(1, 4)
  if (r.chance(0.8)) c.set('vcpus', String(v))
  if (r.chance(0.3)) c.set('maxvcpus', String(r.chance(0.8) ? v + r.int(1, 4) : Math.max(1, v - 1)))
  if (r.chance(0.25)) c.set('cpus', q(r.pick(['0-3', '0,2', '0-7,^1', '1', '2-3,6'])))
}

function lifecycle(r: Rng, c: Cfg): void {
  for (const k of ['on_poweroff', 'on_reboot', 'on_crash']) if (r.chance(0.35)) c.set(k, q(r.pick(ACTIONS)))
}

function pvBoot(r: Rng, c: Cfg, kind: Kind): void {
  if (kind === 'pv' && r.chance(0.35)) {
    c.set('bootloader', q(r.pick(['/usr/bin/pygrub', 'pygrub', '/usr/lib/xen/bin/pygrub'])))
    if (r.chance(0.4)) c.set('bootargs', q(r.pick(['--kernel=/vmlinuz --ramdisk=/initrd.img', '-q'])))
    return
  }
  c.set('kernel', q(r.pick(['/boot/vmlinuz-xen', '/var/lib/xen/kernels/vmlinuz', '/root/guest/vmlinuz'])))
  if (r.chance(0.7)) c.set('ramdisk', q(r.pick(['/boot/initrd-xen.img', '/var/lib/xen/kernels/initrd.gz'])))
  if (r.chance(0.5)) c.set('root', q(r.pick(['/dev/xvda1 ro', '/dev/xvda2', '/dev/sda1'])))
  if (r.chance(0.5)) c.set('extra', q(r.pick(['console=hvc0', 'quiet splash', 'xencons=tty 3'])))
}

function hvmBoot(r: Rng, c: Cfg, format: NativeFormat): void {
  if (format === 'xm') {
    c.set('builder', q('hvm'))
    c.set('kernel', q('/usr/lib/xen/boot/hvmloader'))
  } else {
    if (r.chance(0.7)) c.set('type', q('hvm'))
    else c.set('builder', q('hvm'))
    if (r.chance(0.15)) c.set('bios', q(r.pick(['ovmf', 'seabios'])))
  }
  if (r.chance(0.7)) c.set('boot', q(r.pick(['c', 'd', 'dc', 'cd', 'n', 'cdn', 'a'])))
  for (const k of ['acpi', 'apic', 'pae', 'hap', 'viridian']) if (r.chance(0.3)) c.set(k, r.chance(0.7) ? '1' : '0')
  if (r.chance(0.2)) c.set('hpet', r.chance(0.5) ? '1' : '0')
  if (r.chance(0.2)) c.set('rtc_timeoffset', q(String(r.pick([0, 3600, -3600, 7200]))))
  if (r.chance(0.25)) c.set('usbdevice', q(r.pick(['tablet', 'mouse', 'keyboard'])))
  if (r.chance(0.2)) c.set('soundhw', q(r.pick(['sb16', 'es1370', 'ac97', 'sb16,es1370', 'all'])))
  if (r.chance(0.3)) c.set('device_model_override', q('/usr/lib/xen/bin/qemu-system-i386'))
  if (r.chance(0.3)) c.set('serial', q(r.pick(['pty', 'null', 'stdio', 'file:/var/log/xen/ser.log', 'tcp:127.0.0.1:7777', 'tcp:0.0.0.0:7777,server,nowait', 'pipe:/tmp/serial.pipe', 'udp:127.0.0.1:9999@0.0.0.0:9998'])))
  if (format === 'xl' && r.chance(0.1)) c.set('serial', qlist(['pty', 'file:/var/log/xen/ser2.log']))
  if (r.chance(0.1)) c.set('parallel', q(r.pick(['none', 'pty', 'tcp:127.0.0.1:7778'])))
  hvmGraphics(r, c, format)
  if (format === 'xl' && r.chance(0.1)) c.set('nestedhvm', r.chance(0.5) ? '1' : '0')
}

function hvmGraphics(r: Rng, c: Cfg, format: NativeFormat): void {
  if (format === 'xl' && r.chance(0.15)) {
    c.set('spice', '1')
    c.set('spicehost', q('127.0.0.1'))
    if (r.chance(0.5)) c.set('spiceport', String(5900 + r.int(0, 20)))
    c.set('spicedisable_ticketing', '1')
    if (r.chance(0.3)) c.set('spiceagent_mouse', '1')
    return
  }
  const g = r.pick(['vnc', 'vnc', 'sdl', 'none'])
  if (g === 'vnc') {
    c.set('vnc', '1')
    if (r.chance(0.4)) c.set('vncunused', r.chance(0.5) ? '1' : '0')
    if (r.chance(0.4)) c.set('vncdisplay', String(r.int(0, 10)))
    if (r.chance(0.5)) c.set('vnclisten', q(r.pick(['127.0.0.1', '0.0.0.0', '::1'])))
    if (r.chance(0.3)) c.set('keymap', q(r.pick(['en-us', 'de', 'fr'])))
  } else if (g === 'sdl') {
    c.set('sdl', '1')
    if (r.chance(0.5)) c.set('display', q(':0.0'))
  }
}

function pvGraphics(r: Rng, c: Cfg): void {
  if (!r.chance(0.3)) return
  c.set('vfb', qlist([r.pick(['vnc=1,vnclisten=127.0.0.1', 'type=vnc,vncunused=1', 'type=vnc,vncdisplay=3,keymap=de', 'type=sdl,display=:0.0', 'vnc=1'])]))
}

const XM_DISKS_PV = ['phy:/dev/vg0/guest,xvda,w', 'file:/var/lib/xen/images/guest.img,xvda,w', 'tap:aio:/var/lib/xen/images/guest.img,xvda,w', 'tap:qcow2:/var/lib/xen/images/guest.qcow2,xvda,w', 'phy:/dev/sdb1,sda1,w']
const XM_DISKS_EXTRA = ['file:/var/lib/xen/images/data.img,xvdb,r', 'phy:/dev/vg0/swap,xvdc,w', 'tap2:aio:/srv/xen/d.img,xvdd,w', 'phy:/dev/vg0/shared,xvde,w!']
const XM_DISKS_HVM = ['phy:/dev/vg0/win,hda,w', 'file:/var/lib/xen/images/win.img,hda,w', 'file:/srv/iso/install.iso,hdc:cdrom,r', ',hdc:cdrom,r', 'phy:/dev/sdc,sda,w', 'file:/var/lib/xen/images/d.img,ioemu:hdb,w']
const XL_DISKS_PV = ['format=raw, vdev=xvda, access=rw, target=/var/lib/xen/images/guest.img', '/var/lib/xen/images/guest.img,raw,xvda,rw', 'phy:/dev/vg0/guest,xvda,w', 'backendtype=phy, vdev=xvda, target=/dev/vg0/guest', 'format=qcow2, vdev=xvda, target=/srv/xen/guest.qcow2']
const XL_DISKS_EXTRA = ['format=raw, vdev=xvdb, access=ro, target=/var/lib/xen/images/data.img', 'file:/srv/xen/swap.img,xvdc,w', 'vdev=xvdd, format=vhd, target=/srv/xen/old.vhd']
const XL_DISKS_HVM = ['format=raw, vdev=hda, access=rw, target=/var/lib/xen/images/win.img', 'vdev=hdc, devtype=cdrom, access=ro, target=/srv/iso/install.iso', '/srv/iso/boot.iso,raw,hdc,ro,devtype=cdrom', 'phy:/dev/vg0/win,hda,w', 'format=raw, vdev=sda, target=/dev/vg0/scsi']

function disks(r: Rng, c: Cfg, kind: Kind, format: NativeFormat): void {
  if (r.chance(0.1)) return
  const primary = kind === 'hvm' ? (format === 'xm' ? XM_DISKS_HVM : XL_DISKS_HVM) : format === 'xm' ? XM_DISKS_PV : XL_DISKS_PV
  const extra = format === 'xm' ? XM_DISKS_EXTRA : XL_DISKS_EXTRA
  const list = [r.pick(primary)]
  const n = r.int(0, 2)
  // Two disks on one vdev: libvirt's from-native accepts them but its XML parser refuses the
  // result ("target 'hda' duplicated"); not a conversion question, so never generated.
  const vdev = (spec: string) => {
    const f = spec.split(',')
    const positional = /^(raw|qcow2?|vhd|qed)$/.test(f[1] ?? '') ? f[2] : f[1] // xl TARGET,FORMAT,VDEV or xm SOURCE,VDEV
    return /vdev=(\w+)/.exec(spec)?.[1] ?? positional?.replace(/^ioemu:/, '').replace(/:cdrom$/, '')
  }
  for (let i = 0; i < n; i++) {
    const d = r.pick(kind === 'hvm' && r.chance(0.5) ? primary : extra)
    if (!list.some((x) => vdev(x) === vdev(d))) list.push(d)
  }
  c.set('disk', qlist(list))
}

function vif(r: Rng, kind: Kind, format: NativeFormat): string {
  const parts: string[] = []
  if (r.chance(0.8)) parts.push(`mac=${macAddress(r)}`)
  if (r.chance(0.8)) parts.push(`bridge=${r.pick(['xenbr0', 'br0', 'xenbr1'])}`)
  if (r.chance(0.25)) parts.push(`model=${r.pick(kind === 'hvm' ? ['e1000', 'rtl8139', 'virtio-net'] : ['netfront', 'e1000'])}`)
  if (kind === 'hvm' && r.chance(0.2)) parts.push(`type=${r.pick(['ioemu', format === 'xm' ? 'netfront' : 'vif'])}`)
  if (r.chance(0.15)) parts.push(`rate=${r.pick(['10Mb/s', '100MB/s', '1000KB/s@20ms', '5Mb/s'])}`)
  if (r.chance(0.15)) parts.push(`ip=${r.pick(['10.0.0.5', '192.168.1.10 192.168.1.11', '2001:db8::5'])}`)
  if (r.chance(0.2)) parts.push(`script=${r.pick(['vif-bridge', 'vif-route', '/etc/xen/scripts/vif-nat'])}`)
  if (r.chance(0.1)) parts.push(`vifname=vif-g${r.int(1, 99)}`)
  return parts.join(',')
}

function vifs(r: Rng, c: Cfg, kind: Kind, format: NativeFormat): void {
  if (r.chance(0.15)) return
  const n = r.int(1, 3)
  c.set('vif', qlist(Array.from({length: n}, () => vif(r, kind, format))))
}

function misc(r: Rng, c: Cfg, kind: Kind, format: NativeFormat): void {
  if (r.chance(0.15)) c.set('pci', qlist([r.pick(['0000:01:00.0', '02:00.1', '0000:03:10.2,permissive=1', '04:00.0,msitranslate=1'])]))
  if (r.chance(0.25)) c.set('localtime', r.chance(0.5) ? '1' : '0')
  if (r.chance(0.1)) c.set('tsc_mode', q(r.pick(['default', 'always_emulate', 'native', 'native_paravirt'])))
  if (kind !== 'hvm' && r.chance(0.05)) c.set('e820_host', '1')
  if (format === 'xl' && r.chance(0.1)) c.set('max_grant_frames', String(r.pick([32, 64])))
  if (format === 'xl' && r.chance(0.05)) c.set('max_event_channels', String(r.pick([1023, 2047])))
  if (r.chance(0.05)) c.set('passthrough', q(r.pick(['enabled', 'sync_pt', 'share_pt', 'disabled'])))
  // Keys libvirt ignores: present so that "ignored" stays ignored on both sides.
  if (r.chance(0.1)) c.set('vcpu_avail', String(r.int(1, 3)))
  if (r.chance(0.1)) c.set('cpu_weight', String(r.pick([128, 256, 512])))
}

/** One deliberate fault that libvirt 9.0 rejects (xen-formats.md §5.0-§6.4). */
const FAULTS: readonly {readonly what: string; readonly apply: (c: Cfg) => void}[] = [
  {what: 'bad on_crash', apply: (c) => c.set('on_crash', q('soft-reset'))},
  {what: 'memory with a unit', apply: (c) => c.set('memory', q('512M'))},
  {what: 'malformed mac', apply: (c) => c.set('vif', qlist(['mac=00:16:3e:zz:00:01,bridge=xenbr0']))},
  {what: 'bad vif rate', apply: (c) => c.set('vif', qlist(['bridge=xenbr0,rate=fast']))},
  {what: 'cpus all', apply: (c) => c.set('cpus', q('all'))},
  {what: 'name with a slash', apply: (c) => c.set('name', q('a/b'))},
  {what: 'unparseable uuid', apply: (c) => c.set('uuid', q('1234'))},
  {what: 'bad serial type', apply: (c) => c.set('serial', q('bogus'))},
  {what: 'number for a string key', apply: (c) => c.set('kernel', '42')},
]

function oneConfig(r: Rng, n: number, format: NativeFormat): {text: string; intent: string} {
  const kind: Kind = format === 'xl' ? r.pick(['pv', 'pv', 'hvm', 'hvm', 'pvh']) : r.pick(['pv', 'hvm'])
  const c = new Cfg()
  const faulty = r.chance(0.12)
  const noName = r.chance(0.02)
  if (!noName) identity(r, c, n)
  memory(r, c)
  cpus(r, c)
  if (kind === 'hvm') hvmBoot(r, c, format)
  else {
    if (kind === 'pvh') c.set('type', q('pvh'))
    pvBoot(r, c, kind)
    pvGraphics(r, c)
  }
  disks(r, c, kind, format)
  vifs(r, c, kind, format)
  lifecycle(r, c)
  misc(r, c, kind, format)
  const notes: string[] = [kind]
  if (noName) notes.push('no name')
  if (faulty) {
    const f = r.pick(FAULTS)
    f.apply(c)
    notes.push(`fault: ${f.what}`)
  }
  // Duplicate keys resolve differently in libvirt (first wins) and the toolstacks (last wins):
  // never let the generator produce them, that difference is a corpus/unit-test matter.
  const seen = new Map<string, string>()
  for (const line of c.lines) seen.set(line.slice(0, line.indexOf(' = ')), line)
  const header = `# generated by test/lab/generate-configs.ts, ${format} #${n}: ${notes.join(', ')}`
  return {text: `${header}\n${[...seen.values()].join('\n')}\n`, intent: notes.join(', ')}
}

/** `count` configs per format (xm, then xl), deterministic for a given seed. */
export function generateConfigs(count: number, seed = DEFAULT_SEED): NativeCase[] {
  const out: NativeCase[] = []
  for (const format of ['xm', 'xl'] as const) {
    const r = new Rng(seed ^ (format === 'xm' ? 0x1111 : 0x2222))
    for (let i = 0; i < count; i++) {
      const {text, intent} = oneConfig(r, i, format)
      out.push({id: `gen:${format}:${String(i).padStart(4, '0')}`, format, text, intent})
    }
  }
  return out
}
