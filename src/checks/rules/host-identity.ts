import {parseUuid} from '../../formats/xen-common/uuid.js'
import {setting} from '../config-view.js'
import type {DomainContext, HostRule, RuleHit} from '../rule.js'
import {diskSpecs} from '../disk-specs.js'
import {domainMacs} from '../vif-specs.js'
import {MANAGED_PATH} from './managed.js'
import {autostartedPaths} from './host-state.js'
import {ruleSeverity} from '../rule-severity.js'

/**
 * Identity rules across one host (xen-formats §9): libvirt names and UUIDs are unique per host,
 * and config.sxp (what xend ran) and /etc/xen (what `xm create` would run) may both define a domain.
 */

/** Canonical dashed lower-case UUID (libvirt's virUUIDParse, the one parser in src/formats), or undefined. */
function canonicalUuid(u: string | undefined): string | undefined {
  return u === undefined ? undefined : parseUuid(u)
}

/**
 * The UUID the input declares. xm/xl configs without `uuid` get a derived one from the reader
 * (deterministic, for conversion), which must not count as an identity here.
 */
const declared = new WeakMap<DomainContext, {uuid: string | undefined}>()

function uuidOf(c: DomainContext): string | undefined {
  let d = declared.get(c)
  if (d === undefined) {
    const said = (!c.native && !c.sxp) || setting(c, 'uuid') !== undefined
    d = {uuid: said ? canonicalUuid(c.domain.uuid) : undefined}
    declared.set(c, d)
  }
  return d.uuid
}

function hitFor(c: DomainContext, message: string, evidence?: string): RuleHit {
  return {message, domain: c.domain.name, file: c.file.path, ...(c.domain.loc ? {loc: c.domain.loc} : {}), ...(evidence !== undefined ? {evidence} : {})}
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const it of items) {
    const k = key(it)
    if (k === undefined) continue
    const list = m.get(k)
    if (list) list.push(it)
    else m.set(k, [it])
  }
  return m
}

export const dupName: HostRule = {
  id: 'DUP-NAME',
  title: 'Duplicate name / UUID',
  ...ruleSeverity('DUP-NAME'),
  scope: 'host',
  detects: 'host: the same name with different UUIDs, or the same UUID with different names, across config.sxp and /etc/xen',
  remediation: 'Decide which definition is the real one; rename the other (and give it its own UUID) before defining either in libvirt.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const [name, group] of groupBy(ctx.domains, (c) => c.domain.name)) {
      if (group.length < 2) continue
      const uuids = new Set(group.map(uuidOf).filter((u) => u !== undefined))
      const noUuid = group.filter((c) => uuidOf(c) === undefined)
      // One UUID plus copies without one is the same domain twice: DUP-SOURCE's business.
      if (uuids.size > 1 || (uuids.size === 0 && noUuid.length > 1)) {
        for (const c of group) {
          const others = group.filter((o) => o !== c).map((o) => `${o.file.path}${uuidOf(o) ? ` (${uuidOf(o)})` : ''}`)
          hits.push(hitFor(c, `name ${name} is also defined by ${others.join(', ')} as a different domain`, uuidOf(c)))
        }
      }
    }
    for (const [uuid, group] of groupBy(ctx.domains, uuidOf)) {
      const names = new Set(group.map((c) => c.domain.name))
      if (names.size < 2) continue
      for (const c of group) hits.push(hitFor(c, `UUID ${uuid} is also used by ${[...names].filter((n) => n !== c.domain.name).join(', ')}`, uuid))
    }
    return hits
  },
}

/** The settings compared between two definitions of one domain. */
function fingerprint(c: DomainContext): Record<string, string> {
  const d = c.domain
  return {
    type: d.os.kind,
    memory: `${d.currentMemoryKiB / 1024} MiB`,
    maxmem: `${d.maxMemoryKiB / 1024} MiB`,
    vcpus: String(d.vcpu.max),
    disks: diskSpecs(c)
      .map((s) => s.path)
      .sort()
      .join(' '),
    macs: domainMacs(c)
      .map((m) => m.mac)
      .sort()
      .join(' '),
  }
}

export const dupSource: HostRule = {
  id: 'DUP-SOURCE',
  title: 'Domain defined twice',
  ...ruleSeverity('DUP-SOURCE'),
  scope: 'host',
  detects: 'host: the same domain (UUID, or name without UUID) in config.sxp and an /etc/xen config, with differing settings',
  remediation: 'config.sxp is what xend ran: convert that one, and retire or fix the /etc/xen copy so the two cannot both be started.',
  check(ctx) {
    const hits: RuleHit[] = []
    const managed = ctx.domains.filter((c) => c.file.role === 'managed-sxp')
    const others = ctx.domains.filter((c) => c.file.role !== 'managed-sxp')
    for (const m of managed) {
      const mu = uuidOf(m)
      for (const o of others) {
        const ou = uuidOf(o)
        const same = mu !== undefined && ou !== undefined ? mu === ou : m.domain.name === o.domain.name
        if (!same) continue
        const a = fingerprint(m)
        const b = fingerprint(o)
        const diffs = Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${k} ${a[k] || '-'} vs ${b[k] || '-'}`)
        if (diffs.length === 0) continue
        hits.push(hitFor(o, `also managed by xend in ${m.file.path}; they differ: ${diffs.join('; ')}`, `${m.file.path} <-> ${o.file.path}`))
      }
    }
    return hits
  },
}

function isRunning(c: DomainContext): boolean {
  return c.domain.id !== undefined && c.domain.id !== 0
}

export const dupMac: HostRule = {
  id: 'DUP-MAC',
  title: 'Duplicate MAC address',
  ...ruleSeverity('DUP-MAC'),
  scope: 'host',
  detects: 'host: the same vif MAC (case-insensitive) in two domains, across config.sxp and /etc/xen (blocker when both run or autostart)',
  remediation: "Give one guest a new MAC in 00:16:3e:…; keep the one the guest OS has bound (udev persistent-net rules, ifcfg HWADDR).",
  check(ctx) {
    const auto = autostartedPaths(ctx)
    const isAuto = (c: DomainContext): boolean => c.domain.autostart === true || auto.has(c.file.path) || isRunning(c)
    // A copy without a UUID (an /etc/xen cfg of a managed domain) is the same domain as the
    // one with that name and a UUID: its MAC is not a duplicate.
    const uuidByName = new Map<string, string>()
    for (const c of ctx.domains) {
      const u = uuidOf(c)
      if (u !== undefined && !uuidByName.has(c.domain.name)) uuidByName.set(c.domain.name, u)
    }
    const identity = (c: DomainContext): string => uuidOf(c) ?? uuidByName.get(c.domain.name) ?? `name:${c.domain.name}`
    const byMac = new Map<string, {c: DomainContext; text: string; loc?: RuleHit['loc']}[]>()
    for (const c of ctx.domains) {
      for (const m of domainMacs(c)) {
        const user = {c, text: m.text, ...(m.loc ? {loc: m.loc} : {})}
        const list = byMac.get(m.mac)
        if (list) list.push(user)
        else byMac.set(m.mac, [user])
      }
    }
    const hits: RuleHit[] = []
    for (const [mac, users] of byMac) {
      const ids = new Set(users.map((u) => identity(u.c)))
      if (ids.size < 2) continue
      const bothLive = [...ids].every((id) => users.some((u) => identity(u.c) === id && isAuto(u.c)))
      for (const u of users) {
        const others = [...new Set(users.filter((o) => identity(o.c) !== identity(u.c)).map((o) => o.c.domain.name))]
        hits.push({
          message: `MAC ${mac} is also used by ${others.join(', ')}${bothLive ? ' and both start automatically or run' : ''}`,
          domain: u.c.domain.name,
          file: u.c.file.path,
          evidence: u.text,
          ...(u.loc ? {loc: u.loc} : {}),
          ...(bothLive ? {severity: 'blocker' as const} : {}),
        })
      }
    }
    return hits
  },
}

export const sxpUuidDir: HostRule = {
  id: 'SXP-UUID-DIR',
  title: 'Domain directory and UUID disagree',
  ...ruleSeverity('SXP-UUID-DIR'),
  scope: 'host',
  detects: 'host: `/var/lib/xend/domains/<dir>/config.sxp` whose `(uuid …)` is not `<dir>` (a copied or cloned directory)',
  remediation: 'xend refused to load it ("UUID mismatch in stored configuration"): confirm it is wanted; if it is a clone, give it a fresh UUID and MAC before define.',
  check(ctx) {
    const hits: RuleHit[] = []
    for (const c of ctx.domains) {
      const dir = MANAGED_PATH.exec(c.file.path)?.[1]
      if (dir === undefined) continue
      const u = uuidOf(c)
      if (u !== undefined && canonicalUuid(dir) === u) continue
      hits.push(hitFor(c, `directory ${dir} holds a domain with UUID ${c.domain.uuid ?? '(none)'}; xend never ran it from here`, c.domain.uuid))
    }
    return hits
  },
}

export const hostIdentityRules: readonly HostRule[] = [dupName, dupSource, dupMac, sxpUuidDir]
