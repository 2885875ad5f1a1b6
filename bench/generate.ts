/** Seeded generator of realistic SXP, xm and xl configs for the throughput benchmark. */
import type {SourceFormat} from '../src/model/read-result.js'
import {mulberry32} from '../test/helpers/seeded-random.js'

export interface GeneratedConfig {
  readonly format: Exclude<SourceFormat, 'libvirt'>
  readonly name: string
  readonly text: string
}

export function generateConfigs(n: number, seed: number): GeneratedConfig[] {
  const r = mulberry32(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const hex = (len: number) => Array.from({length: len}, () => Math.floor(r() * 16).toString(16)).join('')
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`
  const mac = () => `00:16:3e:${hex(2)}:${hex(2)}:${hex(2)}`
  const out: GeneratedConfig[] = []
  for (let i = 0; i < n; i++) {
    const format = pick(['sxp', 'xm', 'xl'] as const)
    const name = `guest-${i}-${hex(4)}`
    const hvm = r() < 0.35
    const mem = pick([256, 512, 1024, 2048, 4096])
    const vcpus = pick([1, 2, 4])
    const ndisks = 1 + Math.floor(r() * 3)
    const nvifs = 1 + Math.floor(r() * 2)
    const id = uuid()
    let text: string
    if (format === 'sxp') {
      const disks = Array.from({length: ndisks}, (_, k) =>
        `    (device\n        (vbd\n            (dev ${hvm ? 'hd' : 'xvd'}${'abd'[k]}:disk)\n            (uname ${pick(['phy:/dev/vg/', 'file:/srv/xen/', 'tap:aio:/srv/xen/'])}${name}-${k})\n            (mode w)\n        )\n    )`).join('\n')
      const vifs = Array.from({length: nvifs}, () => `    (device (vif (mac ${mac()}) (bridge xenbr${Math.floor(r() * 2)}) (script vif-bridge)))`).join('\n')
      const image = hvm
        ? `    (image\n        (hvm\n            (kernel '')\n            (loader /usr/lib/xen/boot/hvmloader)\n            (acpi 1)\n            (apic 1)\n            (pae 1)\n            (boot dc)\n            (vnc 1)\n            (vncunused 1)\n            (serial pty)\n        )\n    )`
        : `    (image\n        (linux\n            (kernel /boot/vmlinuz-xen)\n            (ramdisk /boot/initrd-xen)\n            (args 'root=/dev/xvda1 ro')\n        )\n    )`
      text = `(domain\n    (name ${name})\n    (uuid ${id})\n    (memory ${mem})\n    (maxmem ${mem})\n    (vcpus ${vcpus})\n    (on_poweroff destroy)\n    (on_reboot restart)\n    (on_crash restart)\n${image}\n${disks}\n${vifs}\n)\n`
    } else {
      const xl = format === 'xl'
      const disks = Array.from({length: ndisks}, (_, k) => {
        const vdev = `${hvm ? 'hd' : 'xvd'}${'abd'[k]}`
        return xl ? `"format=raw, vdev=${vdev}, access=rw, target=/dev/vg/${name}-${k}"` : `'phy:/dev/vg/${name}-${k},${vdev},w'`
      })
      const vifs = Array.from({length: nvifs}, () => `'mac=${mac()},bridge=xenbr${Math.floor(r() * 2)}${hvm ? ',model=e1000' : ''}'`)
      const lines = [`name = "${name}"`, `uuid = "${id}"`, `memory = ${mem}`, `vcpus = ${vcpus}`]
      if (hvm) {
        lines.push(xl ? 'type = "hvm"' : 'builder = "hvm"')
        if (!xl) lines.push('kernel = "/usr/lib/xen/boot/hvmloader"')
        lines.push('boot = "dc"', 'acpi = 1', 'apic = 1', 'vnc = 1', 'serial = "pty"')
      } else {
        lines.push(r() < 0.5 ? 'bootloader = "/usr/bin/pygrub"' : 'kernel = "/boot/vmlinuz-xen"\nramdisk = "/boot/initrd-xen"\nextra = "console=hvc0"\nroot = "/dev/xvda1 ro"')
      }
      lines.push(`disk = [ ${disks.join(', ')} ]`, `vif = [ ${vifs.join(', ')} ]`, 'on_crash = "restart"')
      text = `# generated ${format} config\n${lines.join('\n')}\n`
    }
    out.push({format, name, text})
  }
  return out
}
