/** xl config → Domain: the xl-only rows of xen-formats.md §5.3 (libvirt 9.0's xenParseXL). */
import {describe, expect, it} from 'vitest'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {targetProfile} from '../../../src/formats/target-profile.js'
import {parseXlConfig} from '../../../src/formats/xl/parse.js'
import {readXl} from '../../../src/formats/xl/read.js'
import {xlToDomain} from '../../../src/formats/xl/to-domain.js'
import type {Domain} from '../../../src/model/domain.js'

const FILE = '/etc/xen/g.cfg'
const PV = 'name = "pv"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nbootloader = "/usr/bin/pygrub"\n'
const HVM = 'name = "hvm"\nuuid = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"\nbuilder = "hvm"\n'

function map(text: string, amd = false) {
  const {config, diagnostics} = parseXlConfig(text, {file: FILE})
  expect(diagnostics.filter((d) => d.severity === 'error'), 'syntax errors').toEqual([])
  return xlToDomain(config, {file: FILE, ...(amd ? {target: targetFor('9.0.0', {profile: targetProfile({cpuVendor: 'amd'})})} : {})})
}
function domain(text: string, amd = false): Domain {
  const r = map(text, amd)
  if (!r.domain) throw new Error(r.diagnostics.map((d) => d.message).join('\n'))
  return r.domain
}
function errors(text: string) {
  const r = map(text)
  expect(r.domain).toBeUndefined()
  return r.diagnostics.filter((d) => d.severity === 'error')
}

describe('xl: OS', () => {
  it('HVM leaves the loader to the target; bios = "ovmf" asks for OVMF', () => {
    expect(domain(HVM).os.loader).toBeUndefined()
    expect(domain(`${HVM}bios = "ovmf"\n`).os.bios).toBe('ovmf')
    expect(domain(`${HVM}bios = "OVMF"\n`).os.bios).toBeUndefined()
  })
  it('bios_path_override names the OVMF image (libvirt 11)', () => {
    expect(domain(`${HVM}bios = "ovmf"\nbios_path_override = "/opt/ovmf.fd"\n`).os.loader).toEqual({path: '/opt/ovmf.fd', type: 'pflash', readonly: true})
    expect(errors(`${HVM}bios_path_override = "/opt/ovmf.fd"\n`)[0]?.message).toMatch(/requires bios = "ovmf"/)
  })
  it('notes keys that do not apply to the guest type', () => {
    const hvm = map(`${HVM}bootloader = "/usr/bin/pygrub"\ne820_host = 1\n`)
    expect(hvm.domain?.features.e820Host).toBeUndefined()
    expect(hvm.diagnostics.filter((d) => d.code === 'UNSUPPORTED').map((d) => d.path)).toEqual(['bootloader', 'e820_host'])
    const pv = map(`${PV}serial = "pty"\nacpi = 1\n`)
    expect(pv.diagnostics.filter((d) => d.code === 'UNSUPPORTED').map((d) => d.path)).toEqual(['serial', 'acpi'])
  })
  it('HVM direct kernel boot: kernel, ramdisk, cmdline over root+extra', () => {
    expect(domain(`${HVM}kernel = "/tmp/vmlinuz"\nramdisk = "/tmp/initrd"\ncmdline = "a"\nroot = "/dev/sda"\nboot = "d"\n`).os).toMatchObject({
      kernel: '/tmp/vmlinuz', initrd: '/tmp/initrd', cmdline: 'a', boot: ['cdrom'],
    })
    expect(domain(`${HVM}kernel = "/k"\nroot = "/dev/sda"\nextra = "ro"\n`).os.cmdline).toBe('root=/dev/sda ro')
    expect(map(`${HVM}kernel = "/usr/lib/xen/boot/hvmloader"\n`).diagnostics.map((d) => d.code)).toContain('BOOT-HVM-DIRECT')
  })
  it('acpi_firmware is a table, HVM only', () => {
    expect(domain(`${HVM}acpi_firmware = "/sys/firmware/acpi/tables/SLIC"\n`).os.acpiTables).toEqual([{type: 'rawset', path: '/sys/firmware/acpi/tables/SLIC'}])
    expect(domain(`${PV}acpi_firmware = "/x"\n`).os.acpiTables).toBeUndefined()
  })
  it('PV and PVH: bootloader, bootargs, kernel, cmdline', () => {
    const d = domain('name = "p"\ntype = "pvh"\nkernel = "/k"\ncmdline = "console=hvc0"\n')
    expect(d.os).toMatchObject({kind: 'pvh', kernel: '/k', cmdline: 'console=hvc0'})
  })
})

describe('xl: CPU', () => {
  it('nestedhvm: host-passthrough; 0 disables vmx or svm by the host vendor', () => {
    expect(domain(`${HVM}nestedhvm = 1\n`).cpu).toEqual({mode: 'host-passthrough', features: []})
    expect(domain(`${HVM}nestedhvm = 0\n`).cpu?.features).toEqual([{policy: 'disable', name: 'vmx'}])
    expect(domain(`${HVM}nestedhvm = 0\n`, true).cpu?.features).toEqual([{policy: 'disable', name: 'svm'}])
    expect(domain(`${PV}nestedhvm = 1\n`).cpu).toBeUndefined()
  })
  it('cpuid adds features, also for PV; the xend list form is an error', () => {
    expect(domain(`${PV}cpuid = "host,sse3=0"\n`).cpu).toEqual({mode: 'host-passthrough', features: [{policy: 'disable', name: 'pni'}]})
    expect(errors(`${PV}cpuid = ["1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"]\n`)[0]).toMatchObject({code: 'CPU-CPUID', line: 4})
    expect(errors(`${PV}cpuid = "1:ecx=x"\n`)[0]?.message).toMatch(/only libxl format/)
  })
  it('vnuma: cells, memory = sum of sizes, vCPU check', () => {
    const v = 'vnuma = [ ["pnode=0","size=1024","vcpus=0-1","vdistances=10,20"], ["pnode=1","size=1024","vcpus=2-3","vdistances=20,10"] ]\n'
    const d = domain(`${HVM}memory = 512\nmaxvcpus = 4\n${v}`)
    expect(d.cpu?.numa?.map((c) => c.cpus)).toEqual(['0-1', '2-3'])
    expect(d.cpu?.mode).toBeUndefined()
    expect(d).toMatchObject({maxMemoryKiB: 2097152, currentMemoryKiB: 2097152})
    expect(errors(`${HVM}vcpus = 2\n${v}`)[0]?.message).toMatch(/4 vcpus, which is greater than 2 maxvcpus/)
  })
})

describe('xl: devices', () => {
  it('max_grant_frames / max_event_channels make a xenbus controller', () => {
    expect(domain(`${PV}max_grant_frames = 64\nmax_event_channels = 0\n`).devices.controllers).toEqual([{type: 'xenbus', index: 0, maxGrantFrames: 64}])
    expect(domain(PV).devices.controllers).toEqual([])
  })
  it('disk list through libxlu; a plain string is ignored; errors are located', () => {
    expect(domain(`${PV}disk = "/img/a,raw,xvda,rw"\n`).devices.disks).toEqual([])
    expect(domain(`${PV}disk = ["/img/a,raw,xvda,rw"]\n`).devices.disks[0]?.source).toEqual({file: '/img/a'})
    expect(errors(`${PV}disk = ["/img/a,raw,xvda,w!"]\n`)[0]).toMatchObject({path: 'disk[0]', line: 4, column: 1})
    expect(errors(`${PV}disk = ["vdev=xvdb:cdrom,target=/x"]\n`)[0]?.message).toMatch(/Unknown disk name 'xvdb:cdrom'/)
  })
  it('spice replaces vnc; ports, ticketing, mouse, clipboard', () => {
    const d = domain(`${HVM}vnc = 1\nspice = 1\nspicehost = "127.0.0.1"\nspiceport = 590\nspicetls_port = 500\nspicepasswd = "x"\nspiceagent_mouse = 1\nspice_clipboard_sharing = 1\n`)
    expect(d.devices.graphics).toEqual([
      {type: 'spice', listens: [{type: 'address', address: '127.0.0.1'}], port: 590, tlsPort: 500, autoport: false, passwd: 'x', mouseMode: 'client', clipboardCopyPaste: true},
    ])
    expect(domain(`${HVM}spice = 1\nspicedisable_ticketing = 1\n`).devices.graphics[0]).toMatchObject({autoport: true, mouseMode: 'server', clipboardCopyPaste: false})
    expect(errors(`${HVM}spice = 1\n`)[0]?.message).toMatch(/spicepasswd was missing/)
    expect(domain(`${PV}spice = 1\n`).devices.graphics).toEqual([])
  })
  it('usbdevice as string or list', () => {
    expect(domain(`${HVM}usbdevice = ["tablet", "host:1:2", "keyboard"]\n`).devices.inputs).toEqual([
      {type: 'tablet', bus: 'usb'},
      {type: 'keyboard', bus: 'usb'},
    ])
  })
  it('usbctrl: qusb only, hex version/ports, defaults qusb2 with 8 ports', () => {
    const d = domain(`${PV}usbctrl = ["type=qusb,version=1,ports=15", "version=2", "type=pv,version=2", "type=devicemodel"]\n`)
    expect(d.devices.controllers).toEqual([
      {type: 'usb', index: 0, model: 'qusb1', ports: 21},
      {type: 'usb', index: 1, model: 'qusb2', ports: 8},
    ])
  })
  it('usbctrl indexes count USB controllers only', () => {
    expect(domain(`${PV}max_grant_frames = 32\nusbctrl = ["version=1"]\n`).devices.controllers.map((c) => [c.type, c.index])).toEqual([
      ['xenbus', 0],
      ['usb', 0],
    ])
  })
  it('notes that xl gave an HVM guest VNC by default', () => {
    expect(map(HVM).diagnostics.map((d) => d.code)).toContain('GRAPHICS-DEFAULT')
    expect(map(`${HVM}vnc = 0\n`).diagnostics.map((d) => d.code)).not.toContain('GRAPHICS-DEFAULT')
  })
  it('usbdev: hostbus/hostaddr in hex', () => {
    expect(domain(`${PV}usbdev = ["hostbus=10,hostaddr=3"]\n`).devices.hostdevs).toEqual([{mode: 'subsystem', type: 'usb', managed: false, usb: {bus: 16, device: 3}}])
    expect(errors(`${PV}usbdev = ["hostbus=1"]\n`)[0]?.message).toMatch(/needs both hostbus= and hostaddr=/)
  })
  it('channels: pty and socket; no connection is an error (libvirt crashes)', () => {
    expect(domain(`${PV}channel = ["connection=socket,path=/s,name=org.qemu.guest_agent.0", "connection=pty"]\n`).devices.channels).toEqual([
      {type: 'unix', sources: [{mode: 'bind', path: '/s'}], target: {type: 'xen', name: 'org.qemu.guest_agent.0'}},
      {type: 'pty', sources: [], target: {type: 'xen'}},
    ])
    expect(errors(`${PV}channel = ["name=x"]\n`)[0]?.message).toMatch(/without connection=/)
    expect(errors(`${PV}channel = ["connection=tcp"]\n`)[0]?.message).toMatch(/unsupported channel connection 'tcp'/)
  })
  it('serial lists keep port numbers past none', () => {
    expect(domain(`${HVM}serial = ["none", "pty"]\n`).devices.serials).toMatchObject([{type: 'pty', target: {port: 1}}])
  })
  it('device_model_args (list only)', () => {
    expect(domain(`${HVM}device_model_args = ["-debugcon", "file:/tmp/d.log"]\n`).qemuArgs).toEqual(['-debugcon', 'file:/tmp/d.log'])
    expect(domain(`${HVM}device_model_args = "-x"\n`).qemuArgs).toBeUndefined()
  })
  it('features: e820_host (PV), passthrough, vif typename vif', () => {
    expect(domain(`${PV}e820_host = 1\npassthrough = "enabled"\n`).features).toEqual({e820Host: true, passthrough: {state: 'on'}})
    expect(domain(`${HVM}passthrough = "share_pt"\n`).features.passthrough).toEqual({state: 'on', mode: 'share_pt'})
    expect(errors(`${HVM}passthrough = "bogus"\n`)[0]?.message).toMatch(/passthrough/)
    expect(domain(`${PV}vif = ["type=vif"]\n`).devices.interfaces[0]?.model).toBe('netfront')
    expect(domain(`${PV}vif = ["type=netfront"]\n`).devices.interfaces[0]?.model).toBeUndefined()
  })
})

describe('readXl', () => {
  it('returns the domain, or no domain with located errors', () => {
    expect(readXl(`${PV}memory = 256\n`, {file: FILE}).domains[0]?.domain.maxMemoryKiB).toBe(262144)
    const bad = readXl(`${PV}memory = [1]\n`, {file: FILE})
    expect(bad.domains).toEqual([])
    expect(bad.diagnostics.find((d) => d.severity === 'error')).toMatchObject({file: FILE, line: 4, message: 'config value memory was malformed'})
    expect(readXl('Memory = 5\n', {file: FILE}).domains).toEqual([])
  })
})

describe('xl: quirks kept from libvirt', () => {
  it('a channel name carries over to a later entry without name=', () => {
    expect(domain(`${PV}channel = ["connection=pty,name=a", "connection=pty", "connection=pty"]\n`).devices.channels.map((c) => c.target.name)).toEqual(['a', undefined, undefined])
    expect(domain(`${PV}channel = ["name=a,connection=pty,bogus", "connection=pty"]\n`).devices.channels.map((c) => c.target.name)).toEqual(['a'])
  })
  it('unparsable usbctrl/usbdev entries are dropped (reported)', () => {
    const r = map(`${PV}usbctrl = ["ports=zz"]\nusbdev = ["hostbus=zz,hostaddr=1"]\n`)
    expect(r.domain?.devices.controllers).toEqual([])
    expect(r.domain?.devices.hostdevs).toEqual([])
    expect(r.diagnostics.filter((d) => d.code === 'PVUSB').map((d) => d.path)).toEqual(['usbdev[0]', 'usbctrl[0]'])
  })
  it('duplicate PCI entries give duplicate hostdevs', () => {
    expect(domain(`${HVM}pci = ["01:00.0", "01:00.0"]\n`).devices.hostdevs).toHaveLength(2)
  })
  it('an empty device_model_override is an empty emulator', () => {
    expect(domain(`${PV}device_model_override = ""\n`).devices.emulator).toBe('')
  })
  it('a vfb string of 1024 characters or more is an error', () => {
    expect(errors(`${PV}vfb = ["vnclisten=${'x'.repeat(1020)}"]\n`)[0]?.message).toMatch(/too big/)
  })
})

describe('xl cpus list with all', () => {
  it('pins only the vCPUs given a set; `all` leaves a vCPU unpinned, as xl does', () => {
    const r = readXl('name = "a"\nvcpus = 3\nbootloader = "pygrub"\ncpus = [ "2-3", "all", "5" ]\n', {file: 'a.cfg'})
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const d = r.domains[0]!
    expect(d.diagnostics.filter((x) => x.severity === 'error')).toEqual([])
    expect(d.domain.cputune?.vcpupin).toEqual([
      {vcpu: 0, cpuset: '2-3'},
      {vcpu: 2, cpuset: '5'},
    ])
  })
})
