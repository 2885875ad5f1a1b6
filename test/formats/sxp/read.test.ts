import {describe, expect, it} from 'vitest'
import {readSxp} from '../../../src/formats/sxp/read.js'
import type {Diagnostic} from '../../../src/model/diagnostic.js'
import type {Domain} from '../../../src/model/domain.js'

const UUID = '(uuid 596a5d2171f48fb2e068e2386a5c413e)'
const PV_IMAGE = "(image (linux (kernel /boot/vmlinuz) (ramdisk /boot/initrd) (args 'root=/dev/xvda1 ro')))"
const HVM_IMAGE = (extra = '') => `(image (hvm (kernel /usr/lib/xen/boot/hvmloader) ${extra}))`

function read(body: string, file = 't.sxp'): {domain: Domain; diagnostics: Diagnostic[]} {
  const r = readSxp(`(domain (name vm) ${UUID} (memory 512) (maxmem 1024) (vcpus 2) ${body})`, {file})
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  expect(r.domains).toHaveLength(1)
  return r.domains[0] as {domain: Domain; diagnostics: Diagnostic[]}
}

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code)

describe('readSxp: identity, memory, vCPUs (§4.1, §4.3)', () => {
  it('maps name, dashed uuid, description and MiB memory to KiB', () => {
    const {domain} = read(`(description 'test box') ${PV_IMAGE}`)
    expect(domain.name).toBe('vm')
    expect(domain.uuid).toBe('596a5d21-71f4-8fb2-e068-e2386a5c413e')
    expect(domain.description).toBe('test box')
    expect(domain.maxMemoryKiB).toBe(1024 * 1024)
    expect(domain.currentMemoryKiB).toBe(512 * 1024)
    expect(domain.vcpu).toEqual({max: 2})
  })

  it('clamps memory above maxmem, and falls back to memory when maxmem is missing', () => {
    const r = readSxp(`(domain (name a) ${UUID} (memory 2048) (maxmem 1024) ${PV_IMAGE})`)
    expect(r.domains[0]?.domain.currentMemoryKiB).toBe(1024 * 1024)
    const r2 = readSxp(`(domain (name a) ${UUID} (memory 300) ${PV_IMAGE})`)
    expect(r2.domains[0]?.domain.maxMemoryKiB).toBe(300 * 1024)
    expect(r2.domains[0]?.diagnostics.some((d) => d.code === 'MISSING-KEY' && d.path === 'maxmem')).toBe(true)
  })

  it('vcpu_avail sets the online count (popcount), ignored when 0 or above max', () => {
    expect(read(`(vcpu_avail 1) ${PV_IMAGE}`).domain.vcpu).toEqual({max: 2, current: 1})
    expect(read(`(vcpu_avail 3) ${PV_IMAGE}`).domain.vcpu).toEqual({max: 2})
    expect(read(`(vcpu_avail 0) ${PV_IMAGE}`).domain.vcpu).toEqual({max: 2})
    const r = readSxp(`(domain (name a) ${UUID} (maxmem 1) (vcpus 4) (vcpu_avail 5) ${PV_IMAGE})`)
    expect(r.domains[0]?.domain.vcpu).toEqual({max: 4, current: 2})
  })

  it('missing name or uuid, or a bad uuid, is a located error and no domain', () => {
    for (const text of [`(domain ${UUID} (memory 1))`, '(domain (name x) (memory 1))', '(domain (name x) (uuid 12-34))']) {
      const r = readSxp(text, {file: 'x.sxp'})
      expect(r.domains).toEqual([])
      expect(r.diagnostics).toEqual([expect.objectContaining({severity: 'error', file: 'x.sxp', line: 1})])
    }
    // xm create -n prints no uuid (xend made one at create time): a stable one is derived.
    const vm = readSxp('(vm (name x) (memory 1))', {file: 'x.sxp'})
    const again = readSxp('(vm (name x) (memory 1))', {file: 'x.sxp'})
    expect(vm.domains[0]?.domain.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/)
    expect(again.domains[0]?.domain.uuid).toBe(vm.domains[0]?.domain.uuid)
    expect(vm.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({code: 'UUID-MISSING', severity: 'info', line: 1}))
    expect(readSxp('(domain (name x) (uuid 0004fb00-0006-0000-236e-45007b980aa1) (maxmem 1))').domains[0]?.domain.uuid).toBe(
      '0004fb00-0006-0000-236e-45007b980aa1',
    )
  })
})

describe('readSxp: roots, Domain-0 and runtime dumps', () => {
  it('accepts (vm …) as (domain …) and says so', () => {
    const r = readSxp(`(vm (name a) ${UUID} (maxmem 64) ${PV_IMAGE})`)
    expect(r.domains[0]?.domain.name).toBe('a')
    expect(codes(r.domains[0]?.diagnostics ?? [])).toContain('SXP-VM-ROOT')
  })

  it('skips Domain-0 by name or domid 0, converts the other domains of xm list -l', () => {
    const text = `(domain (domid 0) (name Domain-0) (uuid 00000000-0000-0000-0000-000000000000))
(domain (domid 7) (name guest) ${UUID} (maxmem 64) (state -b----) ${PV_IMAGE} (device (vif (mac 00:16:3e:00:00:01) (bridge br0))))`
    const r = readSxp(text)
    expect(r.skipped).toEqual([{name: 'Domain-0', reason: expect.stringContaining('Domain-0')}])
    const d = r.domains[0]
    expect(d?.domain.id).toBe(7)
    // libvirt's rule: interfaces of a running domain are named vif<domid>.<n>.
    expect(d?.domain.devices.interfaces[0]).toMatchObject({targetDev: 'vif7.0', targetDevRuntime: true})
    expect(codes(d?.diagnostics ?? [])).toContain('SXP-RUNTIME')
    expect(readSxp(`(domain (domid 0) (name other) ${UUID})`).skipped).toHaveLength(1)
  })

  it('skips xend daemon configs as not-a-config', () => {
    const r = readSxp('(xend-relocation-server yes)\n(vif-script vif-bridge)')
    expect(r.domains).toEqual([])
    expect(r.skipped).toHaveLength(1)
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'NOT-A-CONFIG', severity: 'info'})])
  })

  it('reports double-quoted/escaped values as SXP-QUOTING', () => {
    const {diagnostics} = read(`(description "Bob's VM") ${PV_IMAGE}`)
    expect(diagnostics).toContainEqual(expect.objectContaining({code: 'SXP-QUOTING', severity: 'info', line: 1}))
  })
})

describe('readSxp: OS and boot (§4.2)', () => {
  it('PV kernel, ramdisk, args; a separate (root …) is folded into the command line as xm did', () => {
    const {domain, diagnostics} = read("(image (linux (kernel /k) (ramdisk /i) (args 'ro') (root /dev/xvda1)))")
    expect(domain.os).toMatchObject({kind: 'pv', kernel: '/k', initrd: '/i', cmdline: 'root=/dev/xvda1 ro'})
    expect(domain.os.root).toBeUndefined()
    expect(diagnostics).toContainEqual(expect.objectContaining({code: 'UNSUPPORTED', path: 'image/linux/root'}))
    expect(read('(image (linux (kernel /k) (root /dev/sda1)))').domain.os.cmdline).toBe('root=/dev/sda1')
  })

  it('PV bootloader: empty (bootloader) is kept, args only with a bootloader, domUloader → pygrub', () => {
    expect(read(`(bootloader) (bootloader_args -q) ${PV_IMAGE}`).domain.os).toMatchObject({bootloader: '', bootloaderArgs: '-q'})
    const r = read("(bootloader /usr/lib/xen/boot/domUloader.py) (bootloader_args '--entry=xvda1:/boot/vmlinuz') (image (linux (kernel '')))")
    expect(r.domain.os.bootloader).toBe('/usr/bin/pygrub')
    expect(r.domain.os.bootloaderArgs).toBeUndefined()
    expect(r.domain.os.kernel).toBeUndefined()
    expect(codes(r.diagnostics)).toContain('BOOT-DOMULOADER')
  })

  it('PV with neither kernel nor bootloader is an error', () => {
    const r = readSxp(`(domain (name a) ${UUID} (maxmem 1) (image (linux (args x))))`)
    expect(r.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({code: 'BOOT-PV-NOKERNEL', severity: 'error'}))
  })

  it('HVM: kernel is the loader; boot letters a/c/d/n, unknown ones skipped, at most 4', () => {
    const {domain, diagnostics} = read(HVM_IMAGE('(boot dxcnac)'))
    expect(domain.os.kind).toBe('hvm')
    expect(domain.os.loader).toEqual({path: '/usr/lib/xen/boot/hvmloader'})
    expect(domain.os.kernel).toBeUndefined()
    expect(domain.os.boot).toEqual(['cdrom', 'hd', 'network', 'fd'])
    expect(codes(diagnostics)).toContain('BOOT-ORDER-UNKNOWN')
  })

  it('HVM loader plus kernel is direct kernel boot (then boot is not read); equal or empty kernel is dropped', () => {
    const direct = read("(image (hvm (loader /usr/lib/xen/boot/hvmloader) (kernel /vmlinuz) (ramdisk /initrd) (args 'ro') (boot d)))")
    expect(direct.domain.os).toMatchObject({loader: {path: '/usr/lib/xen/boot/hvmloader'}, kernel: '/vmlinuz', initrd: '/initrd', cmdline: 'ro', boot: []})
    expect(codes(direct.diagnostics)).toContain('BOOT-HVM-DIRECT')
    const empty = read("(image (hvm (loader /hvmloader) (kernel '') (boot d)))").domain.os
    expect(empty.kernel).toBeUndefined()
    expect(empty.boot).toEqual(['cdrom'])
    expect(read('(image (hvm (loader /h) (kernel /h)))').domain.os.kernel).toBeUndefined()
  })

  it('HVM without loader and kernel keeps converting with the default loader (libvirt stopped)', () => {
    const {domain, diagnostics} = read('(image (hvm (boot c)))')
    expect(domain.os.loader).toBeUndefined()
    expect(domain.os.boot).toEqual(['hd'])
    expect(diagnostics).toContainEqual(expect.objectContaining({code: 'MISSING-KEY', severity: 'warning', path: 'image/hvm'}))
  })

  it("empty values read as absent where libvirt uses sexpr_node_copy (description, OS strings, device_model, name)", () => {
    expect(read(`(description '') ${PV_IMAGE}`).domain.description).toBeUndefined()
    const os = read("(image (linux (kernel /k) (ramdisk '') (args '') (root '') (device_model '')))").domain
    expect(os.os).toEqual({kind: 'pv', boot: [], kernel: '/k'})
    expect(os.devices.emulator).toBeUndefined()
    const noName = readSxp(`(domain (name '') ${UUID} (maxmem 1))`)
    expect(noName.domains).toEqual([])
    expect(noName.diagnostics).toContainEqual(expect.objectContaining({code: 'MISSING-KEY', severity: 'error'}))
  })

  it('HVM device_model → emulator', () => {
    expect(read(HVM_IMAGE('(device_model /usr/lib/xen/bin/qemu-dm)')).domain.devices.emulator).toBe('/usr/lib/xen/bin/qemu-dm')
  })
})

describe('readSxp: lifecycle, features, clock (§4.3)', () => {
  it('SXP lifecycle defaults are destroy/restart/destroy; unknown action is an error', () => {
    const {domain, diagnostics} = read(PV_IMAGE)
    expect(domain.lifecycle).toEqual({onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy'})
    expect(codes(diagnostics)).toContain('LIFECYCLE')
    const r = readSxp(`(domain (name a) ${UUID} (maxmem 1) (on_crash explode) ${PV_IMAGE})`)
    expect(r.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({code: 'BAD-VALUE', severity: 'error', path: 'on_crash'}))
    expect(read(`(on_reboot coredump-restart) ${PV_IMAGE}`).domain.lifecycle.onReboot).toBe('coredump-restart')
  })

  it('HVM features only when non-zero; hpet timer when present', () => {
    const {domain} = read(HVM_IMAGE('(acpi 1) (apic 0) (pae 1) (hap 1) (viridian 1) (hpet 0)'))
    expect(domain.features).toEqual({acpi: true, apic: false, pae: true, hap: 'on', viridian: true})
    const off = read(HVM_IMAGE('(hap 0)'))
    expect(off.domain.features).toEqual({acpi: false, apic: false, pae: false, hap: 'off'})
    expect(off.diagnostics).toContainEqual(expect.objectContaining({code: 'HVM-FEATURE-DEFAULTS', message: expect.stringContaining('acpi, apic, pae')}))
    expect(domain.clock.timers).toEqual([{name: 'hpet', present: false}])
  })

  it('PV clock utc/localtime with reset; HVM variable with rtc_timeoffset and basis', () => {
    expect(read(`(localtime 1) ${PV_IMAGE}`).domain.clock).toEqual({offset: 'localtime', adjustment: 'reset', timers: []})
    expect(read(HVM_IMAGE('(localtime 1) (rtc_timeoffset -3600)')).domain.clock).toEqual({
      offset: 'variable',
      adjustment: '-3600',
      basis: 'localtime',
      timers: [],
    })
    // Image-level localtime wins over the domain-level key.
    expect(read(`(localtime 1) ${HVM_IMAGE('(localtime 0)')}`).domain.clock.basis).toBe('utc')
  })
})

describe('readSxp: disks (§4.4)', () => {
  it('file/phy/tap/tap2 drivers, formats and types', () => {
    const {domain, diagnostics} = read(`${PV_IMAGE}
      (device (vbd (uname file:/a.img) (dev xvda) (mode w)))
      (device (vbd (uname phy:/dev/vg/b) (dev xvdb:disk) (mode r)))
      (device (tap (uname tap:qcow:/c.img) (dev xvdc) (mode w)))
      (device (tap2 (uname tap:aio:/d.img) (dev xvdd) (mode 'w!')))`)
    expect(domain.devices.disks.map((d) => [d.type, d.driver, d.source, d.target, !!d.readonly, !!d.shareable])).toEqual([
      ['file', {name: 'file'}, {file: '/a.img'}, {dev: 'xvda', bus: 'xen'}, false, false],
      ['block', {name: 'phy'}, {dev: '/dev/vg/b'}, {dev: 'xvdb', bus: 'xen'}, true, false],
      ['file', {name: 'tap', type: 'qcow'}, {file: '/c.img'}, {dev: 'xvdc', bus: 'xen'}, false, false],
      ['file', {name: 'tap2', type: 'raw'}, {file: '/d.img'}, {dev: 'xvdd', bus: 'xen'}, false, true],
    ])
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['DISK-BLKTAP1', 'DISK-FORMAT-QCOW1', 'DISK-SHARED']))
  })

  it('tap:tapdisk:aio: (Xen 4 blktap2 spelling) is read like tap:aio: (libvirt 4.5 rejected it)', () => {
    const {domain} = read(`${PV_IMAGE} (device (tap2 (uname tap2:tapdisk:aio:/x.img) (dev xvda)))`)
    expect(domain.devices.disks[0]).toMatchObject({driver: {name: 'tap2', type: 'raw'}, source: {file: '/x.img'}})
  })

  it('bus by prefix (PV hda is IDE), ioemu: stripped, :cdrom suffix', () => {
    const {domain, diagnostics} = read(`${PV_IMAGE}
      (device (vbd (uname file:/a) (dev ioemu:hda) (mode w)))
      (device (vbd (uname file:/b) (dev sdb:cdrom) (mode r)))
      (device (vbd (uname file:/c) (dev vda:weird) (mode w)))`)
    expect(domain.devices.disks.map((d) => [d.target.dev, d.target.bus, d.device])).toEqual([
      ['hda', 'ide', 'disk'],
      ['sdb', 'scsi', 'cdrom'],
      ['vda', 'ide', 'disk'],
    ])
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['DISK-HVM-IOEMU', 'DISK-PV-HD']))
  })

  it('(bootable 1) moves that disk first and the former first disk last', () => {
    const {domain} = read(`${PV_IMAGE}
      (device (vbd (uname file:/a) (dev xvda)))
      (device (vbd (uname file:/b) (dev xvdb)))
      (device (vbd (uname file:/c) (dev xvdc) (bootable 1)))`)
    expect(domain.devices.disks.map((d) => d.target.dev)).toEqual(['xvdc', 'xvdb', 'xvda'])
  })

  it('HVM CD-ROM without uname is an empty drive; elsewhere a missing uname is an error', () => {
    const hvm = read(`${HVM_IMAGE()} (device (vbd (dev hdc:cdrom) (mode r)))`)
    expect(hvm.domain.devices.disks).toEqual([expect.objectContaining({type: 'file', device: 'cdrom', target: {dev: 'hdc', bus: 'ide'}, readonly: true})])
    expect(hvm.domain.devices.disks[0]?.source).toBeUndefined()
    const pv = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${PV_IMAGE} (device (vbd (dev xvda))))`)
    expect(pv.domains[0]?.domain.devices.disks).toEqual([])
    expect(pv.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', code: 'MISSING-KEY', path: 'device/vbd'}))
  })

  it('block-script prefixes are reported (DISK-SCRIPT); unknown tap subtype and no driver are errors', () => {
    const {domain, diagnostics} = read(`${PV_IMAGE} (device (vbd (uname iscsi:iqn.2001-04.com.example:t) (dev xvda)))`)
    expect(domain.devices.disks[0]).toMatchObject({script: 'iscsi', driver: {name: 'iscsi'}, source: {file: 'iqn.2001-04.com.example:t'}})
    expect(codes(diagnostics)).toContain('DISK-SCRIPT')
    const bad = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${PV_IMAGE}
      (device (tap (uname tap:ram:/x) (dev xvda))) (device (vbd (uname /dev/sda) (dev xvdb))))`)
    const errs = bad.domains[0]?.diagnostics.filter((d) => d.severity === 'error') ?? []
    expect(errs.map((d) => [d.code, d.line])).toEqual([
      ['DISK-TAP-UNKNOWN', 2],
      ['BAD-VALUE', 2],
    ])
  })

  it('HVM fda/fdb images become floppy disks', () => {
    const {domain} = read(HVM_IMAGE('(fda /floppy.img)'))
    expect(domain.devices.disks).toEqual([expect.objectContaining({device: 'floppy', source: {file: '/floppy.img'}, target: {dev: 'fda', bus: 'fdc'}})])
  })
})

describe('readSxp: interfaces (§4.5)', () => {
  it('bridge when bridge is set or script is vif-bridge; else ethernet; ip, vifname, model', () => {
    const {domain} = read(`${PV_IMAGE}
      (device (vif (mac 0:16:3E:0:0:1) (bridge xenbr0) (script vif-bridge) (model e1000)))
      (device (vif (mac 00:16:3e:00:00:02) (script vif-bridge)))
      (device (vif (mac 00:16:3e:00:00:03) (script /etc/xen/scripts/vif-bridge) (ip 10.0.0.5) (vifname v3)))
      (device (vif (type netfront)))`)
    const n = domain.devices.interfaces
    expect(n[0]).toMatchObject({type: 'bridge', mac: '00:16:3e:00:00:01', source: {bridge: 'xenbr0'}, script: 'vif-bridge', model: 'e1000'})
    expect(n[1]).toMatchObject({type: 'bridge', source: {bridge: ''}})
    expect(n[2]).toMatchObject({type: 'ethernet', ips: [{address: '10.0.0.5', family: 'ipv4'}], targetDev: 'v3'})
    expect(n[2]?.source).toBeUndefined()
    expect(n[3]).toMatchObject({type: 'ethernet', model: 'netfront'})
    expect(n[3]?.targetDev).toBeUndefined()
  })

  it('rate grammar: units, bits, @interval dropped, bad rate is an error', () => {
    const rate = (r: string) => read(`${PV_IMAGE} (device (vif (bridge b) (rate '${r}')))`)
    expect(rate('10MB/s').domain.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(10240)
    expect(rate('10Mb/s').domain.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(1280)
    expect(rate('1G' + 'B/s').domain.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(1024 * 1024)
    expect(rate('1000B/s').domain.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(1000)
    const withInterval = rate('5MB/s@20ms')
    expect(withInterval.domain.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(5120)
    expect(codes(withInterval.diagnostics)).toContain('VIF-RATE')
    const bad = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${PV_IMAGE} (device (vif (bridge b) (rate 256kb/s))))`)
    expect(bad.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({code: 'BAD-VALUE', severity: 'error', message: "Invalid rate '256kb/s' specified"}))
  })

  it('malformed MAC is an error located at the value', () => {
    const r = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${PV_IMAGE}\n(device (vif (mac 00-16-3e-00-00-01))))`)
    expect(r.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', line: 2, column: 19, path: 'device/vif[0]/mac'}))
  })
})

describe('readSxp: graphics (§4.6)', () => {
  it('new-style vfb: vncdisplay → port 5900+N, vncunused → autoport, listen; its password carried (xend gave it to the console; libvirt dropped it)', () => {
    const {domain, diagnostics} = read(`${PV_IMAGE} (device (vfb (type vnc) (vncunused 0) (vnclisten 0.0.0.0) (vncpasswd s3cret) (keymap ja) (vncdisplay 25)))`)
    expect(domain.devices.graphics).toEqual([
      expect.objectContaining({type: 'vnc', port: 5925, autoport: false, listen: '0.0.0.0', listens: [{type: 'address', address: '0.0.0.0'}], keymap: 'ja'}),
    ])
    expect(domain.devices.graphics[0]?.passwd).toBe('s3cret')
    expect(diagnostics.find((d) => d.code === 'VNC-PASSWORD')?.severity).toBe('info')
    expect(JSON.stringify(diagnostics)).not.toContain('s3cret')
  })

  it('vfb without type: vnc key → VNC autoport; sdl key → SDL with display and xauthority', () => {
    expect(read(`${PV_IMAGE} (device (vfb (vnc 1) (vncunused 1)))`).domain.devices.graphics[0]).toMatchObject({type: 'vnc', port: -1, autoport: true, listens: [{type: 'address'}]})
    expect(read(`${PV_IMAGE} (device (vfb (sdl 1) (display :0) (xauthority /root/.Xauthority)))`).domain.devices.graphics[0]).toMatchObject({
      type: 'sdl',
      display: ':0',
      xauth: '/root/.Xauthority',
    })
  })

  it('old-style fixed vncdisplay is not kept (libvirt autoport) but reported', () => {
    const {domain, diagnostics} = read(HVM_IMAGE('(vnc 1) (vncunused 0) (vncdisplay 3)'))
    expect(domain.devices.graphics[0]).toMatchObject({port: -1, autoport: true})
    expect(diagnostics).toContainEqual(expect.objectContaining({code: 'GRAPHICS-EXTRA', severity: 'warning', message: expect.stringContaining('5903')}))
  })

  it('old-style image vnc only without a vfb, with its password; only one device', () => {
    const {domain} = read(HVM_IMAGE('(vnc 1) (vncpasswd pw) (vnclisten 127.0.0.1) (sdl 1)'))
    expect(domain.devices.graphics).toEqual([expect.objectContaining({type: 'vnc', port: -1, autoport: true, passwd: 'pw', listen: '127.0.0.1'})])
    const both = read(`${HVM_IMAGE('(vnc 1)')} (device (vfb (type sdl)))`)
    expect(both.domain.devices.graphics.map((g) => g.type)).toEqual(['sdl'])
  })
})

describe('readSxp: serial, parallel, USB, sound, PCI (§4.7)', () => {
  it('serial list keeps port numbers of none entries; parallel; chr grammar', () => {
    const {domain} = read(HVM_IMAGE("(serial (none /dev/ttyS1 'tcp:host:4555,server,nowait')) (parallel 'udp:a:1@b:2')"))
    expect(domain.devices.serials).toEqual([
      expect.objectContaining({type: 'dev', sources: [{path: '/dev/ttyS1'}], target: {port: 1}}),
      expect.objectContaining({type: 'tcp', protocol: 'raw', sources: [{mode: 'bind', host: 'host', service: '4555'}], target: {port: 2}}),
    ])
    expect(domain.devices.parallels).toEqual([
      expect.objectContaining({
        type: 'udp',
        sources: [
          {mode: 'bind', host: 'b', service: '2'},
          {mode: 'connect', host: 'a', service: '1'},
        ],
        target: {port: 0},
      }),
    ])
  })

  it('single serial string; none gives nothing; unknown type is an error; PV ignores serial', () => {
    expect(read(HVM_IMAGE('(serial pty)')).domain.devices.serials).toEqual([expect.objectContaining({type: 'pty', sources: [], target: {port: 0}})])
    expect(read(HVM_IMAGE('(serial none)')).domain.devices.serials).toEqual([])
    const bad = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${HVM_IMAGE('(serial bogus)')})`)
    expect(bad.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', message: expect.stringContaining("unknown chr device type 'bogus'")}))
    expect(read('(image (linux (kernel /k) (serial pty)))').domain.devices.serials).toEqual([])
  })

  it('usbdevice tablet/mouse/keyboard → USB input; host devices dropped with USB-HOST', () => {
    const {domain, diagnostics} = read(HVM_IMAGE('(usbdevice tablet) (usbdevice host:1234:5678)'))
    expect(domain.devices.inputs).toEqual([{type: 'tablet', bus: 'usb'}])
    expect(codes(diagnostics)).toContain('USB-HOST')
  })

  it('soundhw: all → sb16 + es1370; comma list; unknown model is an error', () => {
    expect(read(HVM_IMAGE('(soundhw all)')).domain.devices.sounds).toEqual([{model: 'sb16'}, {model: 'es1370'}])
    expect(read(HVM_IMAGE("(soundhw 'ac97,es1370')")).domain.devices.sounds).toEqual([{model: 'ac97'}, {model: 'es1370'}])
    const bad = readSxp(`(domain (name a) ${UUID} (maxmem 1) ${HVM_IMAGE('(soundhw hda)')})`)
    expect(bad.domains[0]?.diagnostics).toContainEqual(expect.objectContaining({code: 'SOUND', severity: 'error'}))
  })

  it('PCI devs → unmanaged hostdevs; opts and vdevfn reported as PCI-OPTS', () => {
    const {domain, diagnostics} = read(`${HVM_IMAGE()}
      (device (pci (dev (domain 0x0000) (bus 0x00) (slot 0x1b) (func 0x0) (vdevfn 0x100))
                   (dev (domain 0x0001) (bus 0x0a) (slot 0x00) (func 0x1) (opts ((msitranslate 1) (power_mgmt 0))))))`)
    expect(domain.devices.hostdevs).toEqual([
      expect.objectContaining({mode: 'subsystem', type: 'pci', managed: false, pci: {domain: 0, bus: 0, slot: 0x1b, function: 0}}),
      expect.objectContaining({pci: {domain: 1, bus: 0x0a, slot: 0, function: 1}, droppedOptions: ['msitranslate=1', 'power_mgmt=0']}),
    ])
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['PCI-PASSTHROUGH', 'PCI-OPTS']))
  })
})

describe('readSxp: conversion losses and xenlift improvements', () => {
  it('vscsi, vusb, ioports, irq, vtpm are reported with their rule ids and kept in extra', () => {
    const {domain, diagnostics} = read(`${PV_IMAGE}
      (device (vscsi (feature-host 0) (dev (devid 0) (p-dev 1:0:0:0) (v-dev 0:0:0:0))))
      (device (vusb (usb-ver 2) (num-ports 8)))
      (device (ioports (from 0x3f8) (to 0x3ff)))
      (device (irq (irq 4)))
      (device (vtpm (backend 0)))`)
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['PVSCSI', 'PVUSB', 'IOPORTS-IRQ', 'VTPM']))
    expect(Object.keys(domain.extra).sort()).toEqual(['ioports', 'irq', 'vscsi', 'vtpm', 'vusb'])
    const scsi = diagnostics.find((d) => d.code === 'PVSCSI')
    expect(scsi).toMatchObject({line: 2, path: 'device/vscsi'})
  })

  it('cpu_weight → shares, cap → extra (CPU-WEIGHT); default weight stays quiet', () => {
    const {domain, diagnostics} = read(`(cpu_weight 512) (cpu_cap 50) ${PV_IMAGE}`)
    expect(domain.cputune?.shares).toBe(512)
    expect(domain.extra.cpu_cap).toBe(50)
    expect(codes(diagnostics).filter((c) => c === 'CPU-WEIGHT')).toHaveLength(2)
    expect(read(`(vcpus_params ((weight 256) (cap 0))) ${PV_IMAGE}`).domain.cputune).toBeUndefined()
    expect(read(`(vcpus_params ((weight 100) (cap 0))) ${PV_IMAGE}`).domain.cputune?.shares).toBe(100)
  })

  it('per-vCPU affinity: same list → cpuset, differing lists → vcpupin, empty lists → nothing', () => {
    expect(read(`(cpus ((0 1 2 3) (0 1 2 3))) ${PV_IMAGE}`).domain.vcpu.cpuset).toBe('0-3')
    const pin = read(`(cpus ((0) (2 3))) ${PV_IMAGE}`)
    expect(pin.domain.cputune?.vcpupin).toEqual([
      {vcpu: 0, cpuset: '0'},
      {vcpu: 1, cpuset: '2-3'},
    ])
    expect(codes(pin.diagnostics)).toContain('CPU-PIN')
    const none = read(`(cpus (() ())) ${PV_IMAGE}`)
    expect(none.domain.vcpu.cpuset).toBeUndefined()
    expect(codes(none.diagnostics)).not.toContain('CPU-PIN')
  })

  it('on_xend_start start → autostart (MGD-AUTOSTART); on_xend_stop suspend → MGD-AUTOSTOP', () => {
    const {domain, diagnostics} = read(`(on_xend_start start) (on_xend_stop suspend) ${PV_IMAGE}`)
    expect(domain.autostart).toBe(true)
    expect(domain.extra.on_xend_stop).toBe('suspend')
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['MGD-AUTOSTART', 'MGD-AUTOSTOP']))
    expect(read(`(on_xend_start ignore) ${PV_IMAGE}`).domain.autostart).toBeUndefined()
  })

  it('non-default pool and qemu-dm are reported; defaults are quiet; shadow memory is kept without a word', () => {
    const {domain, diagnostics} = read(`(pool_name web) (shadow_memory 8) (image (hvm (kernel /h) (device_model /usr/lib/xen/bin/qemu-dm) (timer_mode 1)))`)
    expect(domain.extra).toMatchObject({pool_name: 'web', shadow_memory: '8'})
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['CPU-POOL', 'DM-PATH']))
    // xend writes the shadow size it computed into the config.sxp of every HVM guest it started
    // (checklist MEM-SHADOW: not a finding from SXP); xm's own timer_mode 1 is its default.
    expect(codes(diagnostics)).not.toContain('MEM-SHADOW')
    expect(diagnostics.map((d) => d.message).join('\n')).not.toMatch(/timer_mode/)
    const quiet = read(`(pool_name Pool-0) (shadow_memory 0) ${PV_IMAGE}`)
    expect(quiet.domain.extra).toEqual({})
  })
})

describe('one MAC and IP parser for every reader', () => {
  it('reads an SXP vif MAC and IP as the xm/xl readers do (virMacAddrParse, virSocketAddrParse)', () => {
    const {domain, diagnostics} = read(`(device (vif (mac 00:16:3E:0:0:1) (ip 10.0.0.1))) ${PV_IMAGE}`)
    expect(domain.devices.interfaces[0]).toMatchObject({mac: '00:16:3e:00:00:01', ips: [{address: '10.0.0.1', family: 'ipv4'}]})
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    // Not an IPv6 address for virSocketAddrParse (too many groups): refused like the xm reader does.
    const bad = readSxp(`(domain (name a) (uuid ce816e63-5de4-4c5b-9b1a-0123456789ab) (device (vif (ip 1:2:3:4:5:6:7:8:9))) ${PV_IMAGE})`, {file: 'a.sxp'})
    expect([...bad.diagnostics, ...bad.domains.flatMap((d) => d.diagnostics)].map((d) => d.message)).toContainEqual(expect.stringMatching(/cannot parse IP address/))
  })
})
