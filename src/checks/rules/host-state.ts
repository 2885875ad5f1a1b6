import type {HostContext, HostRule, RuleHit} from '../rule.js'
import {diskSpecs} from '../disk-specs.js'
import {vifSpecs} from '../vif-specs.js'
import {MANAGED_PATH} from './managed.js'
import {ruleSeverity} from '../rule-severity.js'

/** Host-level rules about state and files around the configs: saved images, autostart links, networking. */

/** Config paths started at boot by xendomains through /etc/xen/auto. */
export function autostartedPaths(ctx: HostContext): Set<string> {
  return new Set(ctx.inventory.autoLinks.map((l) => l.target).filter((t) => t !== undefined))
}

export const mgdAutostartHost: HostRule = {
  id: 'MGD-AUTOSTART',
  title: 'Autostart lost',
  ...ruleSeverity('MGD-AUTOSTART'),
  scope: 'host',
  detects: 'host: a link in `/etc/xen/auto` (xendomains starts it at boot)',
  remediation: 'After define: `virsh autostart <name>` and remove the /etc/xen/auto link, so the domain is started by exactly one service.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const link of ctx.inventory.autoLinks) {
      if (link.target === undefined) {
        hits.push({message: `${link.path} is a dangling link: nothing is started from it`, severity: 'info', file: link.path, loc: {line: 1, column: 1}})
        continue
      }
      const started = ctx.domains.filter((c) => c.file.path === link.target)
      for (const c of started) {
        const alsoXend = ctx.domains.some(
          (m) => m !== c && m.file.role === 'managed-sxp' && m.domain.autostart === true && (m.domain.name === c.domain.name || (m.domain.uuid !== undefined && m.domain.uuid === c.domain.uuid)),
        )
        hits.push({
          message: `xendomains starts ${c.domain.name} at boot via ${link.path}${alsoXend ? '; xend also starts it (on_xend_start): after the upgrade it would be started twice' : ''}`,
          domain: c.domain.name,
          file: link.path,
          evidence: `${link.path} -> ${link.target}`,
          loc: {line: 1, column: 1},
        })
      }
    }
    return hits
  },
}

const SAVE_IMAGE = /(?:^|\/)var\/lib\/xen\/save\/([^/]+)$/
const CHECKPOINT = /(?:^|\/)var\/lib\/xend\/domains\/([^/]+)\/checkpoint\.chk$/

export const xlState: HostRule = {
  id: 'XL-STATE-001',
  title: 'Saved state cannot be restored',
  ...ruleSeverity('XL-STATE-001'),
  scope: 'host',
  detects: 'host: `checkpoint.chk` in a managed domain dir, or `xm save` images in `/var/lib/xen/save/`',
  remediation: 'Restore the domain under xend and shut it down cleanly before the upgrade: libxl cannot restore xend images.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const p of ctx.inventory.otherPaths) {
      const dir = CHECKPOINT.exec(p)?.[1]
      const saved = SAVE_IMAGE.exec(p)?.[1]
      if (dir === undefined && saved === undefined) continue
      const owner = dir !== undefined ? ctx.domains.find((c) => MANAGED_PATH.exec(c.file.path)?.[1] === dir) : ctx.domains.find((c) => c.domain.name === saved)
      const name = owner?.domain.name ?? saved
      hits.push({
        message: `${name ?? dir} has a saved memory image (${p}) that libxl cannot restore`,
        ...(name !== undefined ? {domain: name} : {}),
        file: p,
      })
    }
    return hits
  },
}

/** Bridges xend's network-bridge made: xenbr0 (Xen < 3.2) or the renamed NIC eth0 (Xen ≥ 3.2). */
const XEND_BRIDGE_NAME = /^(xenbr\d+|eth\d+)$/

const XEND_NET = /^\s*\(\s*network-script\s+'?(network-(?:bridge|route|nat))/

function bridgeDefined(ctx: HostContext, bridge: string): boolean {
  const esc = bridge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`(^|\\s)(iface|auto|allow-hotplug)\\s+${esc}(\\s|$)|^\\s*(DEVICE|NAME)=['"]?${esc}['"]?\\s*$`, 'm')
  return ctx.inventory.networkConfigs.some((n) => n.path.endsWith(`ifcfg-${bridge}`) || re.test(n.text))
}

export const xendNet: HostRule = {
  id: 'XEND-NET',
  title: 'xend created bridges',
  ...ruleSeverity('XEND-NET'),
  scope: 'host',
  detects:
    'host: `xend-config.sxp` `(network-script network-bridge|route|nat)`; a vif `bridge=` the distro network config does not create (blocker), or, with no network config known, a bridge named like the ones xend made (`xenbr0`, `eth0`: warning)',
  remediation: 'xl and libvirt do no host networking: define the bridge in the distro network config (e.g. br0) or as a libvirt network before starting guests.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const f of ctx.inventory.files) {
      if (f.role !== 'xend-config') continue
      f.text.split(/\r?\n/).forEach((line, i) => {
        const m = XEND_NET.exec(line)
        if (m) hits.push({message: `xend runs ${m[1]} to set up host networking; nothing will after the upgrade`, file: f.path, evidence: line.trim(), loc: {line: i + 1, column: line.indexOf('(') + 1}})
      })
    }
    const xendBridges = hits.some((h) => /network-bridge/.test(h.evidence ?? ''))
    const known = ctx.inventory.networkConfigs.length > 0
    for (const c of ctx.domains) {
      const seen = new Set<string>()
      for (const v of vifSpecs(c)) {
        const b = v.keys.bridge
        if (b === undefined || b === '' || seen.has(b)) continue
        seen.add(b)
        let message: string | undefined
        // Only a bridge the host's own network config is known to lack is a blocker; a name
        // that xend used to create is a strong hint (warning), the host-level line above blocks.
        let severity: 'blocker' | 'warning' = 'blocker'
        if (known) {
          if (!bridgeDefined(ctx, b)) message = `bridge ${b} is not created by the host's network configuration`
        } else if (XEND_BRIDGE_NAME.test(b)) {
          // No distro network config to look at: the names xend's network-bridge gave are the risk.
          message = `bridge ${b} is a name xend's network-bridge script creates${xendBridges ? ' (and xend-config.sxp runs it)' : ''}; after the upgrade nothing creates it unless the distro network config does`
          severity = 'warning'
        }
        if (message) hits.push({message, severity, domain: c.domain.name, file: c.file.path, evidence: v.text, ...(v.loc ? {loc: v.loc} : {})})
      }
    }
    return hits
  },
}

export const fileNotConfig: HostRule = {
  id: 'FILE-NOT-CONFIG',
  title: 'Non-config file in /etc/xen',
  ...ruleSeverity('FILE-NOT-CONFIG'),
  scope: 'host',
  detects: 'host: xend-config.sxp, xl.conf, scripts, examples, editor backups',
  remediation: 'Nothing to do: skipped. Rename a real domain config that was skipped by mistake.',
  check(ctx) {
    const hits: RuleHit[] = ctx.files
      .filter((f) => f.skip !== undefined || f.file.role === 'xend-config')
      .map((f) => ({message: `skipped: ${f.skip ?? 'xend daemon configuration'}`, file: f.file.path}))
    // Discovery's own skips: only what sits in /etc/xen (auto-link duplicates are not "files").
    for (const s of ctx.inventory.skipped ?? []) {
      if (!s.path.startsWith('/etc/xen/') || s.path.startsWith('/etc/xen/auto/') || /^same file as /.test(s.reason)) continue
      hits.push({message: `skipped: ${s.reason}`, file: s.path})
    }
    return hits
  },
}

/** DISK-SOURCE-MISSING (xenlift rule, beyond checklist.md): a file-backed disk that is not on the host. */
export const diskSourceMissing: HostRule = {
  id: 'DISK-SOURCE-MISSING',
  title: 'Disk image missing on the host',
  ...ruleSeverity('DISK-SOURCE-MISSING'),
  scope: 'host',
  detects: 'host (`--root`): a file-backed disk source outside /dev that does not exist in the host tree (xenlift rule, beyond checklist.md)',
  remediation: 'Find the image (another mount, NFS, a typo) and fix the path before the upgrade; the domain will not start without it.',
  check(ctx) {
    const missing = new Set((ctx.inventory.probes ?? []).filter((p) => !p.exists).map((p) => p.path))
    if (missing.size === 0) return []
    const hits: RuleHit[] = []
    for (const c of ctx.domains) {
      for (const d of diskSpecs(c)) {
        const p = d.path
        if (missing.has(p)) hits.push({message: `disk ${d.vdev} source ${p} does not exist on the host`, domain: c.domain.name, file: c.file.path, evidence: d.text, ...(d.loc ? {loc: d.loc} : {})})
      }
    }
    return hits
  },
}

export const statelessMix: HostRule = {
  id: 'STATELESS-MIX',
  title: 'xl and libvirt both managing',
  ...ruleSeverity('STATELESS-MIX'),
  scope: 'host',
  detects: 'host tree: domains started from /etc/xen configs (after the upgrade, `xl create` domains are invisible to libvirt)',
  remediation: 'Use one toolstack after the upgrade (SUSE recommends libvirt): define every domain in libvirt and stop using `xl create`.',
  check(ctx) {
    if (!ctx.inventory.isHostTree) return []
    const n = ctx.domains.filter((c) => c.file.role === 'etc-xen').length
    if (n === 0) return []
    return [{message: `${n} domain(s) are started with xm create from /etc/xen; if they are started with xl create after the upgrade, libvirt will not see them`}]
  },
}

export const hostStateRules: readonly HostRule[] = [mgdAutostartHost, xlState, xendNet, fileNotConfig, diskSourceMissing, statelessMix]
