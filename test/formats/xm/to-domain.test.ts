/**
 * xm config → Domain, one case per row of xen-formats.md §5.0-§5.2 / §6 (libvirt 9.0's
 * xenParseXM), plus the diagnostics xenlift adds where libvirt is silent.
 */
import {describe, expect, it} from 'vitest'
import {parseXmConfig} from '../../../src/formats/xm/parse.js'
import {xmToDomain} from '../../../src/formats/xm/to-domain.js'
import type {Domain} from '../../../src/model/domain.js'
import {applyLibvirtDefaults} from '../../../src/formats/libvirt/defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'

const FILE = '/etc/xen/test.cfg'
const PV = 'name = "pv"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nmemory = 512\nbootloader = "/usr/bin/pygrub"\n'
const HVM = 'name = "hvm"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nmemory = 512\nbuilder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n'

function map(text: string) {
  const {config, diagnostics} = parseXmConfig(text, {file: FILE})
  expect(diagnostics.filter((d) => d.severity === 'error'), 'syntax errors').toEqual([])
  return xmToDomain(config, {file: FILE})
}
function domain(text: string): Domain {
  const r = map(text)
  if (!r.domain) throw new Error(r.diagnostics.map((d) => d.message).join('\n'))
  return r.domain
}
function errors(text: string) {
  const r = map(text)
  expect(r.domain).toBeUndefined()
  return r.diagnostics.filter((d) => d.severity === 'error')
}
const codes = (text: string) => map(text).diagnostics.map((d) => d.code)

describe('xm: identity', () => {
  it('requires a name, located errors otherwise', () => {
    const [e] = errors('memory = 256\n')
    expect(e).toMatchObject({code: 'MISSING-KEY', message: 'config value name was missing', file: FILE})
  })
  it('accepts an empty name and keeps odd characters', () => {
    expect(domain(`${PV}name = ""\n`).name).toBe('')
    expect(domain(`${PV}name = "a b,c=@é"\n`).name).toBe('a b,c=@é')
  })
  it('rejects / in a name and a number as name', () => {
    expect(errors(`${PV}name = "a/b"\n`)[0]).toMatchObject({code: 'NAME-CHARS', line: 5, column: 1})
    expect(errors(`${PV}name = 12\n`)[0]?.message).toBe("expected a string for 'name' parameter")
  })
  it('normalises the uuid and rejects bad ones', () => {
    expect(domain(`${PV}uuid = "C7A5FDB0CDAF9455926AD65C16DB1809"\n`).uuid).toBe('c7a5fdb0-cdaf-9455-926a-d65c16db1809')
    expect(errors(`${PV}uuid = "{c7a5fdb0}"\n`)[0]?.message).toMatch(/not parseable/)
    expect(errors(`${PV}uuid = 5\n`)[0]?.message).toBe("expected a string for 'uuid' parameter")
  })
  it('derives a stable uuid when there is none, and says so', () => {
    const text = 'name = "web"\nbootloader = "/usr/bin/pygrub"\n'
    const a = map(text)
    expect(a.domain?.uuid).toBe(map(text).domain?.uuid)
    expect(a.domain?.uuid).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.diagnostics.find((d) => d.code === 'UUID-MISSING')?.severity).toBe('info')
  })
})

describe('xm: guest type', () => {
  it('reads type before builder, case-sensitively', () => {
    expect(domain(`${PV}type = "pvh"\n`).os.kind).toBe('pvh')
    expect(domain(`${HVM}type = "hvm"\n`).os.kind).toBe('hvm')
    expect(domain(`${PV}builder = "HVM"\n`).os.kind).toBe('pv')
    expect(errors(`${PV}type = "HVM"\n`)[0]?.message).toBe('type HVM is not supported')
  })
})

describe('xm: memory and vCPUs', () => {
  it('defaults to 128 MiB and warns', () => {
    const r = map('name = "a"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nbootloader = "/b"\n')
    expect(r.domain).toMatchObject({maxMemoryKiB: 131072, currentMemoryKiB: 131072, vcpu: {max: 1}})
    expect(r.diagnostics.map((d) => d.code)).toContain('MEM-DEFAULT')
  })
  it('takes numeric strings, rejects negatives, units and lists', () => {
    expect(domain(`${PV}memory = "1024"\n`).currentMemoryKiB).toBe(1048576)
    for (const v of ['-1', '"512M"', '"two"', '[512]']) expect(errors(`${PV}memory = ${v}\n`)[0]?.message, v).toBe('config value memory was malformed')
  })
  it('clamps memory down to maxmem', () => {
    expect(domain(`${PV}maxmem = 256\n`)).toMatchObject({maxMemoryKiB: 262144, currentMemoryKiB: 262144})
    expect(domain(`${PV}maxmem = 1024\n`)).toMatchObject({maxMemoryKiB: 1048576, currentMemoryKiB: 524288})
  })
  it('rejects memory = 0', () => {
    expect(errors(`${PV}memory = 0\n`)[0]?.message).toMatch(/Memory size must be specified/)
  })
  it('reads vcpus and maxvcpus', () => {
    expect(domain(`${PV}vcpus = 2\nmaxvcpus = 8\n`).vcpu).toEqual({max: 8, current: 2})
    expect(domain(`${PV}vcpus = 4\nmaxvcpus = 2\n`).vcpu).toEqual({max: 2})
    expect(domain(`${PV}vcpus = 0\n`).vcpu).toEqual({max: 0})
  })
  it('normalises cpus and rejects bad bitmaps and numbers', () => {
    expect(domain(`${PV}cpus = "0-7,^1"\n`).vcpu.cpuset).toBe('0,2-7')
    expect(errors(`${PV}cpus = "all"\n`)[0]?.message).toBe("Failed to parse bitmap 'all'")
    expect(errors(`${PV}cpus = 3\n`)[0]?.message).toBe("expected a string for 'cpus' parameter")
  })
  it('turns a per-vCPU cpus list into vcpupin (libvirt would reject it)', () => {
    const r = map(`${PV}cpus = ["2", "3-4"]\n`)
    expect(r.domain?.cputune).toEqual({vcpupin: [{vcpu: 0, cpuset: '2'}, {vcpu: 1, cpuset: '3-4'}]})
    expect(r.diagnostics.map((d) => d.code)).toContain('CPU-PIN')
  })
})

describe('xm: lifecycle, features, clock', () => {
  it('defaults to destroy/restart/restart', () => {
    expect(domain(PV).lifecycle).toEqual({onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'restart'})
  })
  it('rejects unknown actions, exactly', () => {
    for (const v of ['soft-reset', 'Destroy', 'restart ', '']) {
      expect(errors(`${PV}on_crash = "${v}"\n`)[0]?.message).toBe(`unexpected value ${v} for on_crash`)
    }
  })
  it('HVM defaults acpi/apic/pae on, hap only when off, viridian and hpet when said', () => {
    expect(domain(HVM).features).toEqual({acpi: true, apic: true, pae: true})
    expect(domain(`${HVM}acpi = 0\napic = "yes"\nhap = 0\nviridian = 1\nhpet = 0\n`)).toMatchObject({
      features: {pae: true, hap: 'off', viridian: true},
      clock: {timers: [{name: 'hpet', present: false}]},
    })
    expect(domain(`${PV}acpi = 1\n`).features).toEqual({})
    expect(errors(`${HVM}acpi = -1\n`)[0]?.message).toBe('config value acpi was malformed')
  })
  it('clock: HVM variable with rtc_timeoffset, PV utc/localtime reset', () => {
    expect(domain(HVM).clock).toEqual({offset: 'variable', adjustment: '0', basis: 'utc', timers: []})
    expect(domain(`${HVM}localtime = 1\nrtc_timeoffset = "-3600"\n`).clock).toMatchObject({adjustment: '-3600', basis: 'localtime'})
    expect(errors(`${HVM}rtc_timeoffset = -3600\n`)[0]?.message).toBe('config value rtc_timeoffset was malformed')
    expect(domain(`${PV}localtime = 1\nrtc_timeoffset = 5\n`).clock).toEqual({offset: 'localtime', adjustment: 'reset', timers: []})
  })
  it('tsc_mode names, and the numeric xm form', () => {
    expect(domain(`${PV}tsc_mode = "native"\n`).clock.timers).toEqual([{name: 'tsc', present: true, mode: 'native'}])
    expect(domain(`${PV}tsc_mode = "default"\n`).clock.timers[0]?.mode).toBe('auto')
    expect(domain(`${PV}tsc_mode = 1\n`).clock.timers[0]?.mode).toBe('emulate')
  })
  it('device_model_override is the emulator; device_model is reported', () => {
    expect(domain(`${HVM}device_model_override = "/usr/lib/xen/bin/qemu-system-i386"\n`).devices.emulator).toBe('/usr/lib/xen/bin/qemu-system-i386')
    const r = map(`${HVM}device_model = "/usr/lib/xen/bin/qemu-dm"\n`)
    expect(r.domain?.devices.emulator).toBeUndefined()
    expect(r.domain?.extra.device_model).toBe('/usr/lib/xen/bin/qemu-dm')
    expect(r.diagnostics.map((d) => d.code)).toContain('DM-PATH')
  })
})

describe('xm: OS', () => {
  it('HVM kernel is the firmware; boot letters map, unknown ones to hd, at most 4', () => {
    const d = domain(`${HVM}boot = "dxcna"\n`)
    expect(d.os.loader).toEqual({path: '/usr/lib/xen/boot/hvmloader'})
    expect(d.os.boot).toEqual(['cdrom', 'hd', 'hd', 'network'])
    expect(domain(HVM).os.boot).toEqual(['hd'])
  })
  it('another distribution\'s hvmloader path becomes the target\'s default firmware', () => {
    const r = map(HVM.replace('/usr/lib/xen/boot/hvmloader', '/usr/lib64/xen/boot/hvmloader'))
    expect(r.domain?.os.loader).toBeUndefined()
    expect(r.diagnostics.find((d) => d.code === 'BOOT-HVM-LOADER')?.message).toMatch(/lib64.*replaced/)
  })
  it('HVM without kernel gets the target hvmloader as xend gave it, with an info located at builder; loader = is accepted with a warning', () => {
    const text = 'name = "h"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nbuilder = "hvm"\n'
    const bare = map(text)
    expect(bare.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(bare.domain?.os.loader).toBeUndefined()
    expect(bare.diagnostics.find((d) => d.code === 'BOOT-HVM-LOADER')).toMatchObject({severity: 'info', line: 3, column: 1})
    expect(writeLibvirtXml(applyLibvirtDefaults(bare.domain!, targetFor('9.0.0')), targetFor('9.0.0'))).toContain("<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>")
    const r = map(`${text}loader = "/usr/lib/xen/boot/hvmloader"\n`)
    expect(r.domain?.os.loader).toEqual({path: '/usr/lib/xen/boot/hvmloader'})
    expect(r.diagnostics.map((d) => d.code)).toContain('BOOT-HVM-LOADER')
  })
  it('PV: kernel, ramdisk, root+extra, bootloader+bootargs', () => {
    const base = 'name = "p"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\n'
    expect(domain(`${base}kernel = "/k"\nramdisk = "/i"\nroot = "/dev/xvda1"\nextra = "ro"\ncmdline = "x"\n`).os).toMatchObject({kernel: '/k', initrd: '/i', cmdline: 'root=/dev/xvda1 ro'})
    expect(domain(`${base}kernel = "/k"\nextra = "ro"\n`).os.cmdline).toBe('ro')
    expect(domain(`${base}bootloader = "/usr/bin/pygrub"\nbootargs = "-q"\n`).os).toMatchObject({bootloader: '/usr/bin/pygrub', bootloaderArgs: '-q'})
    expect(domain(`${base}kernel = "/k"\nbootargs = "-q"\n`).os.bootloaderArgs).toBeUndefined()
  })
})

describe('xm: devices', () => {
  it('disk must be a list; xl specs are recognised', () => {
    expect(errors(`${PV}disk = "phy:/dev/a,xvda,w"\n`)[0]?.message).toBe("expected a string list for 'disk' parameter")
    expect(errors(`${PV}disk = ["/img/a,raw,xvda,rw"]\n`)[0]?.message).toMatch(/xl disk spec/)
  })
  it('skips short disk specs with a warning, errors on bad vdevs', () => {
    const r = map(`${PV}disk = ["file:/x,xvdb", "phy:/dev/a,xvda,w"]\n`)
    expect(r.domain?.devices.disks.map((d) => d.target.dev)).toEqual(['xvda'])
    expect(r.diagnostics.find((d) => d.code === 'DISK-SKIPPED')?.path).toBe('disk[0]')
    expect(errors(`${PV}disk = ["file:/x,,w"]\n`)[0]?.message).toBe("disk[0]: Unknown disk name '' and no address specified")
    expect(errors(`${PV}disk = ["file:/x,foo,w"]\n`)[0]?.message).toMatch(/Unknown disk name 'foo'/)
  })
  it('reports shared disks, blktap and block scripts', () => {
    expect(codes(`${PV}disk = ["phy:/dev/a,xvda,w!"]\n`)).toContain('DISK-SHARED')
    expect(codes(`${PV}disk = ["tap:aio:/img/a,xvda,w"]\n`)).toContain('DISK-BLKTAP1')
    expect(codes(`${PV}disk = ["drbd:/dev/drbd0,xvda,w"]\n`)).toContain('DISK-SCRIPT')
  })
  it('HVM usbdevice: tablet/mouse/keyboard only; others reported', () => {
    expect(domain(`${HVM}usbdevice = "tablet"\n`).devices.inputs).toEqual([{type: 'tablet', bus: 'usb'}])
    const r = map(`${HVM}usbdevice = "host:1234:5678"\n`)
    expect(r.domain?.devices.inputs).toEqual([])
    expect(r.diagnostics.map((d) => d.code)).toContain('USB-HOST')
    expect(errors(`${HVM}usbdevice = ["tablet"]\n`)[0]?.message).toBe("expected a string for 'usbdevice' parameter")
  })
  it('vif and pci lists; a plain string is ignored; errors name the element', () => {
    expect(domain(`${PV}vif = "bridge=br0"\n`).devices.interfaces).toEqual([])
    expect(domain(`${PV}vif = ["type=netfront", 5]\n`).devices.interfaces[0]?.model).toBe('netfront')
    expect(errors(`${PV}vif = ["mac=00:16:3e:00:00:01", "mac=zz"]\n`)[0]).toMatchObject({path: 'vif[1]', line: 5})
    const d = domain(`${HVM}pci = ["01:00.0,msitranslate=1"]\n`)
    expect(d.devices.hostdevs[0]?.pci).toEqual({domain: 0, bus: 1, slot: 0, function: 0})
    expect(errors(`${HVM}pci = ["01:00.0@3"]\n`)[0]?.path).toBe('pci[0]')
  })
  it('serial: string only in xm; parallel; char grammar', () => {
    expect(errors(`${HVM}serial = ["pty"]\n`)[0]?.message).toMatch(/Multiple serial devices are not supported by xen-xm/)
    const d = domain(`${HVM}serial = "tcp:127.0.0.1:7777,server"\nparallel = "none"\n`)
    expect(d.devices.serials).toMatchObject([{type: 'tcp', protocol: 'raw', sources: [{mode: 'bind', host: '127.0.0.1', service: '7777'}], target: {port: 0}}])
    expect(d.devices.parallels).toEqual([])
    expect(errors(`${HVM}serial = "bogus"\n`)[0]?.message).toBe("serial: unknown chr device type 'bogus'")
    expect(domain(`${PV}serial = "pty"\n`).devices.serials).toEqual([])
  })
  it('soundhw: all, lists, unknown models', () => {
    expect(domain(`${HVM}soundhw = "all"\n`).devices.sounds).toEqual([{model: 'sb16'}, {model: 'es1370'}])
    expect(domain(`${HVM}soundhw = "ac97,,es1370"\n`).devices.sounds).toEqual([{model: 'ac97'}, {model: 'es1370'}])
    expect(errors(`${HVM}soundhw = "hda"\n`)[0]?.message).toMatch(/unknown sound model 'hda'/)
  })
})

describe('xm: graphics', () => {
  it('HVM vnc: autoport by default, else 5900 + vncdisplay', () => {
    expect(domain(`${HVM}vnc = 1\nvnclisten = "0.0.0.0"\nvncdisplay = 3\n`).devices.graphics).toEqual([
      {type: 'vnc', autoport: true, listens: [{type: 'address', address: '0.0.0.0'}]},
    ])
    expect(domain(`${HVM}vnc = 1\nvncunused = 0\nvncdisplay = 6000\n`).devices.graphics[0]).toMatchObject({port: 11900, autoport: false, listens: [{type: 'address'}]})
    expect(errors(`${HVM}vnc = 1\nvncunused = 0\nvncdisplay = "x"\n`)[0]?.message).toBe('config value vncdisplay was malformed')
  })
  it('HVM sdl only without vnc; no graphics when neither', () => {
    expect(domain(`${HVM}sdl = 1\ndisplay = ":0"\nxauthority = "/x"\n`).devices.graphics).toEqual([{type: 'sdl', listens: [], display: ':0', xauth: '/x'}])
    expect(domain(`${HVM}sdl = 1\nvnc = 1\n`).devices.graphics[0]?.type).toBe('vnc')
    expect(domain(HVM).devices.graphics).toEqual([])
    expect(domain(`${HVM}vfb = ["type=vnc"]\n`).devices.graphics).toEqual([])
  })
  it('PV vfb: first entry only; default autoport no and no port', () => {
    expect(domain(`${PV}vfb = ["type=vnc"]\n`).devices.graphics).toEqual([{type: 'vnc', autoport: false, listens: []}])
    expect(domain(`${PV}vfb = ["vncunused=1,vnclisten=127.0.0.1,vncpasswd=s,keymap=de"]\n`).devices.graphics[0]).toEqual({
      type: 'vnc', autoport: true, listens: [{type: 'address', address: '127.0.0.1'}], passwd: 's', keymap: 'de',
    })
    expect(domain(`${PV}vfb = ["vncdisplay=2"]\n`).devices.graphics[0]?.port).toBe(5902)
    expect(domain(`${PV}vfb = ["vnc=1,bogus,type=sdl"]\n`).devices.graphics[0]?.type).toBe('sdl')
    expect(errors(`${PV}vfb = ["vncdisplay=x"]\n`)[0]?.message).toBe("invalid vncdisplay value 'x'")
    expect(domain(`${PV}vnc = 1\n`).devices.graphics).toEqual([])
  })
})

describe('xm: keys libvirt drops', () => {
  it('reports each with its checklist id and keeps the value', () => {
    const r = map(`${PV}vscsi = ["/dev/sdb,0:0:0:0"]\ncpu_weight = 512\npool = "Pool-1"\ngfx_passthru = 1\nvtpm = ["backend=0"]\nioports = ["2f8-2ff"]\n`)
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['PVSCSI', 'CPU-WEIGHT', 'CPU-POOL', 'GFX-PASSTHRU', 'VTPM', 'IOPORTS-IRQ']))
    expect(r.domain?.extra).toMatchObject({vscsi: ['/dev/sdb,0:0:0:0'], cpu_weight: 512, pool: 'Pool-1'})
    expect(r.diagnostics.find((d) => d.code === 'PVSCSI')).toMatchObject({file: FILE, line: 5, column: 1})
  })
  it("keeps xend's and xm's defaults but does not report them", () => {
    const r = map(`${PV}cpu_weight = 256\ncpu_cap = 0\ntarget = 0\nvideoram = 4\nfda = ""\nshadow_memory = 0\n`)
    const codes = (t: string) => map(t).diagnostics.map((d) => d.code).filter((c) => c !== 'BOOT-PYGRUB')
    expect(codes(`${PV}cpu_weight = 256\ncpu_cap = 0\ntarget = 0\nvideoram = 4\nfda = ""\nshadow_memory = 0\n`)).toEqual([])
    expect(r.domain?.extra).toMatchObject({cpu_weight: 256, target: 0, videoram: 4})
    expect(codes(`${PV}target = 7\n`)).toEqual(['STUBDOM'])
    expect(codes(`${PV}device_model = "/usr/lib/xen/bin/stubdom-dm"\n`)).toEqual(['STUBDOM'])
  })
  it('notes xl-only keys in an xm file', () => {
    const r = map(`${HVM}nestedhvm = 1\nspice = 1\n`)
    expect(r.domain?.cpu).toBeUndefined()
    expect(r.domain?.devices.graphics).toEqual([])
    expect(r.diagnostics.filter((d) => d.code === 'UNSUPPORTED').map((d) => d.path)).toEqual(['nestedhvm', 'spice'])
  })
})

describe('xm: memory and vCPU limits', () => {
  it('memory = 0 with a maxmem balloons to the maximum; a zero maximum is an error', () => {
    expect(domain(`${PV}memory = 0\nmaxmem = 512\n`)).toMatchObject({maxMemoryKiB: 524288, currentMemoryKiB: 524288})
    expect(errors(`${PV}maxmem = 0\n`)[0]).toMatchObject({path: 'maxmem', line: 5})
  })
  it('rejects absurd vCPU counts that crash libvirt', () => {
    expect(errors(`${PV}vcpus = 99999999\n`)[0]?.path).toBe('vcpus')
  })
})

describe('xm: compatibility findings', () => {
  it('names each with its checklist id', () => {
    const r = map(`${HVM}device_model_override = "/usr/lib/xen/bin/qemu-dm"\nsdl = 1\ncpus = "1"\nvif = ["bridge=br0"]\ndisk = ["phy:/dev/a,ioemu:hda1,w"]\n`)
    expect(r.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['DM-PATH', 'GRAPHICS-SDL', 'CPU-PIN', 'VIF-NO-MAC', 'DISK-HVM-IOEMU', 'DISK-PARTITION-VDEV']))
    const mac = r.diagnostics.find((d) => d.code === 'VIF-NO-MAC')
    expect(mac).toMatchObject({path: 'vif[0]', hint: expect.stringMatching(/^add mac=00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2} /)})
    expect(r.domain?.devices.interfaces[0]?.mac).toBeUndefined()
    expect(codes(`${PV}vnc = 0\nvfb = ["vncpasswd=x"]\n`)).toEqual(expect.arrayContaining(['VNC-PASSWORD', 'BOOT-PYGRUB']))
  })
})

describe('xm: values xm itself ignored', () => {
  it('bool, None, tuples, dicts and unicode strings never took effect', () => {
    expect(domain(`${HVM}acpi = False\n`).features.acpi).toBe(true)
    expect(domain(`${PV}memory = None\n`).maxMemoryKiB).toBe(131072)
    expect(domain(`${PV}vif = ("bridge=br0",)\n`).devices.interfaces).toEqual([])
    // The last assignment is a unicode string: xm dropped the variable altogether.
    expect(domain(`${PV}bootloader = u"/usr/bin/other"\n`).os.bootloader).toBeUndefined()
  })
  it('computed literals are used', () => {
    expect(domain(`${PV}memory = 256 * 2\n`).maxMemoryKiB).toBe(524288)
  })
})

describe('readXm', () => {
  it('returns one domain with its diagnostics, the raw config and a seeded UUID', async () => {
    const {readXm} = await import('../../../src/formats/xm/read.js')
    const {deterministicUuid} = await import('../../../src/formats/xen-common/uuid.js')
    const r = readXm('name = "a"\nbootloader = "/usr/bin/pygrub"\n', {file: FILE, uuidSeed: 'host1:/etc/xen/a'})
    expect(r.format).toBe('xm')
    expect(r.native?.entries.map((e) => e.key)).toEqual(['name', 'bootloader'])
    expect(r.domains[0]?.domain.uuid).toBe(deterministicUuid('host1:/etc/xen/a'))
    expect(r.domains[0]?.diagnostics.map((d) => d.code)).toContain('UUID-MISSING')
  })
  it('gives no domain, and located errors, for a broken file', async () => {
    const {readXm} = await import('../../../src/formats/xm/read.js')
    const r = readXm('name = "a"\nbootloader = "/usr/bin/pygrub"\nvif = ["mac=nope"]\n', {file: FILE})
    expect(r.domains).toEqual([])
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({file: FILE, line: 3, column: 1, path: 'vif[0]', message: "vif[0]: malformed mac address 'nope'"})
  })
})

describe('xm: xend start/stop wishes', () => {
  it('on_xend_start = "start" is an autostart wish; ignore is silent', () => {
    const r = map(`${PV}on_xend_start = "start"\n`)
    expect(r.domain?.autostart).toBe(true)
    expect(r.diagnostics.map((d) => d.code)).toContain('MGD-AUTOSTART')
    const q = map(`${PV}on_xend_start = "ignore"\non_xend_stop = "ignore"\n`)
    expect(q.domain?.autostart).toBeUndefined()
    expect(q.diagnostics.map((d) => d.code)).not.toContain('MGD-AUTOSTART')
  })
})
