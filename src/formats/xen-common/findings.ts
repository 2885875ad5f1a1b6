/**
 * Compatibility findings a converted xm/xl domain shows (checklist.md §C-§F) that are not
 * conversion errors: each is a located info/warning diagnostic under the checklist rule id, so
 * `check` and the convert report can surface it. Nothing here changes the domain.
 */
import type {Domain} from '../../model/domain.js'
import {type ConfigReadContext, report, configValue} from './config-access.js'
import {sha1} from './uuid.js'

export function reportFindings(ctx: ConfigReadContext, d: Domain): void {
  const emulator = d.devices.emulator
  if (emulator !== undefined && /qemu-dm$/.test(emulator)) {
    report(ctx, 'DM-PATH', 'warning', `device_model_override = "${emulator}" is qemu-traditional; the target runs upstream qemu (qemu-system-i386)`, 'device_model_override')
  }
  if (d.os.bootloader !== undefined && /pygrub$/.test(d.os.bootloader)) {
    report(ctx, 'BOOT-PYGRUB', 'info', 'pygrub is deprecated in newer Xen; consider grub2-xen (pvgrub2) or PVH', 'bootloader')
  }
  if (typeof configValue(ctx, 'cpus') === 'string') {
    report(ctx, 'CPU-PIN', 'info', 'vCPU affinity kept as <vcpu cpuset>: check the CPU numbering of the new host', 'cpus')
  }
  for (const g of d.devices.graphics) {
    if (g.type === 'sdl') report(ctx, 'GRAPHICS-SDL', 'warning', 'SDL display needs X on dom0; prefer VNC or SPICE', sdlKey(ctx))
    if (g.passwd !== undefined && g.passwd !== '') {
      report(ctx, 'VNC-PASSWORD', 'info', `${g.type.toUpperCase()} password in clear text: it is masked in reports, written to converted output only with --security-info (import always carries it)`, g.type === 'spice' ? 'spicepasswd' : passwdKey(ctx))
    }
  }
  d.devices.interfaces.forEach((n, i) => {
    if (n.mac !== undefined) return
    const suggestion = suggestMac(d.uuid ?? d.name, i)
    report(ctx, 'VIF-NO-MAC', 'warning', `vif[${i}] has no mac: libvirt writes 00:00:00:00:00:00 (every such guest would share it)`, 'vif', `add mac=${suggestion} (derived from the domain UUID)`, `vif[${i}]`)
  })
  const disks = configValue(ctx, 'disk')
  if (Array.isArray(disks)) {
    disks.forEach((spec, i) => {
      if (typeof spec === 'string' && /(^|,)\s*ioemu:/.test(spec)) {
        report(ctx, 'DISK-HVM-IOEMU', 'info', `disk[${i}]: the ioemu: target prefix is dropped`, 'disk', undefined, `disk[${i}]`)
      }
    })
  }
  for (const disk of d.devices.disks) {
    if (/^[a-z]+\d+$/.test(disk.target.dev)) {
      const path = disk.loc?.path ?? 'disk'
      report(ctx, 'DISK-PARTITION-VDEV', 'warning', `${path}: ${disk.target.dev} is a partition: works for PV only, and pygrub needs root= to boot it`, 'disk', undefined, path)
    }
  }
}

function sdlKey(ctx: ConfigReadContext): string {
  return configValue(ctx, 'sdl') !== undefined ? 'sdl' : 'vfb'
}

function passwdKey(ctx: ConfigReadContext): string {
  return typeof configValue(ctx, 'vncpasswd') === 'string' ? 'vncpasswd' : 'vfb'
}

/** A Xen-OUI MAC (00:16:3e) derived from a seed; the 4th byte stays below 0x80 as Xen's do. */
export function suggestMac(seed: string, index: number): string {
  const h = sha1(new TextEncoder().encode(`${seed}/${index}`))
  const b = [(h[0] ?? 0) & 0x7f, h[1] ?? 0, h[2] ?? 0]
  return ['00', '16', '3e', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':')
}
