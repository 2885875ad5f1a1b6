import {DRBD_PROMOTE_FIX} from '../../formats/xen-common/drbd-disk.js'
import {diskSpecs} from '../disk-specs.js'
import type {DomainRule, RuleHit} from '../rule.js'

/**
 * DISK-DRBD: a `drbd:RESOURCE` disk (xm/SXP prefix, xl `drbd:` or `script=block-drbd`). The
 * conversion gives the resource's device (/dev/drbd/by-res/RESOURCE/0), but Xen's block-drbd
 * also promoted the resource before the domain started, which libvirt never does: the domain
 * would not start (or start on a Secondary) until auto-promote or the cluster manager does it.
 */
export const diskDrbd: DomainRule = {
  id: 'DISK-DRBD',
  title: 'DRBD resource disk (block-drbd promotion)',
  severity: 'blocker',
  blocker: true,
  detects: '`drbd:RESOURCE` disk sources; xl `script=block-drbd`',
  remediation: DRBD_PROMOTE_FIX,
  scope: 'domain',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const d of diskSpecs(ctx)) {
      // xl's `script=block-drbd` is the first prefix too (src/formats reads it so).
      if (d.prefixes[0] !== 'drbd') continue
      const resource = d.path
      hits.push({
        message: `disk ${d.vdev.replace(/^ioemu:/, '').replace(/:(cdrom|disk)$/, '')} is DRBD resource ${resource}: its device is converted, but nothing promotes the resource before the domain starts`,
        evidence: d.text,
        ...(d.loc !== undefined ? {loc: d.loc} : {}),
      })
    }
    return hits
  },
}

export const drbdRules: readonly DomainRule[] = [diskDrbd]
