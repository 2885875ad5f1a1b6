/**
 * Say which target facts a conversion assumed. A conversion that did not talk to the target
 * host (plain `convert`) writes libvirt's built-in firmware directory, an Intel CPU and DRBD 8.4
 * where the XML depends on them; each place where the output depends on such an assumption gets
 * one info diagnostic naming the value used and where the real one comes from.
 */
import {diag, type Diagnostic} from '../model/diagnostic.js'
import type {Domain} from '../model/domain.js'
import type {LibvirtTarget} from './libvirt/target.js'
import {isDrbdDevice} from './xen-common/drbd-disk.js'

const WHERE = 'commands that talk to the host (import, the upgrade runbook) read it from the host'

/** Info diagnostics for the assumed facts that `domain` (after libvirt's defaults) depends on. */
export function targetAssumptions(domain: Domain, target: LibvirtTarget, file?: string): Diagnostic[] {
  const p = target.profile
  if (p.assumed.length === 0) return []
  const at = file !== undefined ? {file} : undefined
  const out: Diagnostic[] = []
  const loader = domain.os.loader?.path
  if (p.assumed.includes('firmwareDir') && domain.os.kind === 'hvm' && loader?.startsWith(`${p.firmwareDir}/`)) {
    out.push(
      diag(
        'TARGET-ASSUMED',
        'info',
        `HVM firmware ${loader}: the target's firmware directory is not known, libvirt's default ${p.firmwareDir} is assumed (Debian 12 with Xen 4.17 has /usr/lib/xen-4.17/boot); ${WHERE}`,
        at,
      ),
    )
  }
  const nested = domain.cpu?.features.find((f) => f.policy === 'disable' && (f.name === 'vmx' || f.name === 'svm'))
  if (p.assumed.includes('cpuVendor') && nested !== undefined) {
    out.push(
      diag(
        'TARGET-ASSUMED',
        'info',
        `nestedhvm = 0 disables ${nested.name}: the target's CPU vendor is not known, ${p.cpuVendor === 'amd' ? 'AMD (svm)' : 'Intel (vmx)'} is assumed; ${WHERE}`,
        at,
      ),
    )
  }
  const drbd = domain.devices.disks.find(isDrbdDevice)
  if (p.assumed.includes('drbdVersion') && drbd !== undefined) {
    out.push(
      diag(
        'TARGET-ASSUMED',
        'info',
        `drbd: disks use ${drbd.source?.dev}: the target's DRBD release is not known, ${p.drbdVersion.join('.')} is assumed (8.3 and older name the device /dev/drbd/by-res/RESOURCE); ${WHERE}`,
        at,
      ),
    )
  }
  return out
}
