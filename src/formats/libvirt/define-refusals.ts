/**
 * What libvirt's domxml-from-native converts but its own XML parser then refuses at define time
 * (seen on the lab's libvirt 9.0): a domain that xend ran, converted "fine", fails only at
 * `virsh define`. Said at convert time (warning) and in `check` (blocker), with the fix.
 */
import type {Domain, Interface} from '../../model/domain.js'

export interface DefineRefusal {
  /** The checklist-style id (rule id in `check`). */
  readonly code: 'LIFECYCLE-COREDUMP' | 'VIF-BRIDGE-NOSOURCE'
  readonly message: string
  /** The config key it is about (`on_reboot`, `vif`). */
  readonly key: string
  readonly iface?: Interface
}

export const LIFECYCLE_COREDUMP_FIX =
  "libvirt refuses coredump-destroy/coredump-restart for on_poweroff and on_reboot (virDomainDefLifecycleActionAllowed); write destroy (on_poweroff) or restart (on_reboot): a clean power-off or reboot leaves no crash to dump. Keep coredump-* on on_crash, where libvirt accepts it."

export const VIF_BRIDGE_NOSOURCE_FIX =
  "Add bridge=NAME to the vif: Xen's vif-bridge script picked a bridge by itself (xend-config's netdev, the bridge of the default route), libvirt needs it named (<source bridge=…>). `brctl show` / `ip link show type bridge` on the dom0 lists them."

const COREDUMP = /^coredump-/

/** The refusals a domain would meet at `virsh define`, in document order. */
export function defineRefusals(d: Domain): DefineRefusal[] {
  const out: DefineRefusal[] = []
  for (const [key, event, action] of [
    ['on_poweroff', 'poweroff', d.lifecycle.onPoweroff],
    ['on_reboot', 'reboot', d.lifecycle.onReboot],
  ] as const) {
    if (action !== undefined && COREDUMP.test(action)) {
      out.push({code: 'LIFECYCLE-COREDUMP', key, message: `${key} = ${action}: libvirt converts it but refuses to define it ("Lifecycle event '${event}' doesn't support '${action}' action")`})
    }
  }
  d.devices.interfaces.forEach((iface, i) => {
    if (iface.type !== 'bridge' || iface.source?.bridge !== undefined || iface.source?.network !== undefined) return
    const name = iface.loc?.path ?? `vif[${i}]`
    out.push({
      code: 'VIF-BRIDGE-NOSOURCE',
      key: 'vif',
      iface,
      message: `${name} has ${iface.script !== undefined ? `script=${iface.script}` : 'a bridge type'} and no bridge=: libvirt writes <interface type='bridge'> without <source> and refuses to define it`,
    })
  })
  return out
}
