import {describe, expect, it} from 'vitest'
import {failsAt} from '../../src/checks/fail-on.js'
import type {HostInventory, InventoryFile} from '../../src/checks/host-inventory.js'
import {parsePolicy} from '../../src/checks/policy.js'
import type {DomainRule} from '../../src/checks/rule.js'
import {runChecks} from '../../src/checks/run-checks.js'

const PV = `name = "pv1"
uuid = "6b3d9a1e-2f4c-4d5e-8a7b-0c1d2e3f4a51"
memory = 512
bootloader = "/usr/bin/pygrub"
disk = [ 'phy:/dev/vg0/pv1,xvda,w!' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=br0' ]
vncpasswd = 'hunter2'
on_crash = "restart"
`

function host(files: InventoryFile[], name = 'dom0-a'): HostInventory {
  return {host: name, isHostTree: false, files, otherPaths: [], autoLinks: [], networkConfigs: []}
}

describe('runChecks', () => {
  it('locates findings, keeps blockers first per domain, and reports the schema version', () => {
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])])
    expect(r.schemaVersion).toBe(1)
    const shared = r.findings.find((f) => f.rule === 'DISK-SHARED')
    expect(shared).toMatchObject({severity: 'warning', domain: 'pv1', file: '/etc/xen/pv1', line: 5, host: 'dom0-a', origin: 'rule'})
    expect(shared?.evidence).toContain('w!')
    const ranks = r.findings.map((f) => ({blocker: 0, warning: 1, info: 2})[f.severity])
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
  })

  it('never shows a secret, in messages or evidence', () => {
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])])
    expect(JSON.stringify(r)).not.toContain('hunter2')
    expect(r.findings.some((f) => f.rule === 'VNC-PASSWORD')).toBe(true)
  })

  it('masks before it shortens: a (vncpasswd …) near the cut of a long evidence line shows no part of it', () => {
    // The vfb device is the evidence; the padding moves the password across the 200-character cut.
    for (let pad = 140; pad <= 200; pad++) {
      const sxp = `(domain (name pv2) (uuid 6b3d9a1e-2f4c-4d5e-8a7b-0c1d2e3f4a52) (memory 256) (image (linux (kernel /boot/vmlinuz))) (device (vfb (type vnc) (xauthority /${'x'.repeat(pad)}) (vncpasswd QwZkRtYv))))\n`
      const r = runChecks([host([{path: '/var/lib/xend/domains/x/config.sxp', text: sxp, role: 'managed-sxp'}])])
      const vnc = r.findings.find((f) => f.rule === 'VNC-PASSWORD')
      expect(vnc?.evidence, `pad ${pad}`).toBeDefined()
      expect(JSON.stringify(r), `pad ${pad}`).not.toMatch(/QwZ|QwZkRtYv/)
    }
  })

  it('makes w! a blocker when the target is xl', () => {
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])], {target: 'xl'})
    expect(r.findings.find((f) => f.rule === 'DISK-SHARED')?.severity).toBe('blocker')
    expect(failsAt(r, 'blocker')).toBe(true)
  })

  it('shows waived findings as waived and stops counting them', () => {
    const {policy} = parsePolicy('waivers:\n  - rule: DISK-SHARED\n    domain: pv1\n    reason: OCFS2 cluster\n', 'w.yaml')
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])], {target: 'xl', ...(policy ? {policy} : {}), ignore: ['LIFECYCLE']})
    const shared = r.findings.find((f) => f.rule === 'DISK-SHARED')
    expect(shared?.waived).toEqual({reason: 'OCFS2 cluster', by: 'w.yaml'})
    expect(r.summary.waived).toBeGreaterThanOrEqual(1)
    expect(failsAt(r, 'blocker')).toBe(false)
    expect(failsAt(r, 'never')).toBe(false)
  })

  it('fail-on warning fails on a warning, blocker does not', () => {
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])])
    expect(r.summary.blocker).toBe(0)
    expect(failsAt(r, 'blocker')).toBe(false)
    expect(failsAt(r, 'warning')).toBe(true)
  })

  it('turns an unreadable file into a located reader finding instead of throwing', () => {
    const r = runChecks([host([{path: '/etc/xen/broken', text: 'name = "x\nmemory = [1,\n', role: 'etc-xen'}])])
    const f = r.findings.filter((x) => x.origin === 'reader' && x.severity === 'blocker')
    expect(f.length).toBeGreaterThan(0)
    expect(f[0]?.file).toBe('/etc/xen/broken')
  })

  it('accepts extra rules (the plugin hook) and reports a crashing rule as INTERNAL without stopping', () => {
    const custom: DomainRule = {
      id: 'SITE-NAMING',
      title: 'Site naming convention',
      severity: 'warning',
      blocker: false,
      scope: 'domain',
      detects: 'names without a site prefix',
      remediation: 'Rename to <site>-<name>.',
      check: (ctx) => (ctx.domain.name.includes('-') ? [] : [{message: `${ctx.domain.name} lacks a site prefix`}]),
    }
    const broken: DomainRule = {...custom, id: 'SITE-BROKEN', check: () => { throw new Error('boom') }}
    const r = runChecks([host([{path: '/etc/xen/pv1', text: PV, role: 'etc-xen'}])], {extraRules: [custom, broken]})
    expect(r.findings.find((f) => f.rule === 'SITE-NAMING')).toMatchObject({severity: 'warning', remediation: 'Rename to <site>-<name>.', domain: 'pv1'})
    expect(r.findings.find((f) => f.rule === 'INTERNAL')?.message).toContain('SITE-BROKEN failed: boom')
    expect(r.findings.some((f) => f.rule === 'DISK-SHARED')).toBe(true)
  })

  it('sorts hosts and counts per host', () => {
    const r = runChecks([host([{path: 'b.cfg', text: PV, role: 'loose'}], 'zeta'), host([{path: 'a.cfg', text: PV, role: 'loose'}], 'alpha')])
    expect(r.hosts.map((h) => h.name)).toEqual(['alpha', 'zeta'])
    expect(r.summary.hosts).toBe(2)
    expect(r.summary.domains).toBe(2)
  })
})

describe('severity by input format', () => {
  it('BOOT-HVM-DIRECT is a blocker for xm (kernel = firmware) and a warning for xl (direct boot)', () => {
    const xm = 'name = "h"\nbuilder = "hvm"\nmemory = 512\nkernel = "/boot/vmlinuz"\ndisk = [ "phy:/dev/vg0/h,hda,w" ]\n'
    const xl = 'name = "h"\ntype = "hvm"\nmemory = 512\nkernel = "/boot/vmlinuz"\ndisk = [ "format=raw, vdev=hda, access=rw, target=/dev/vg0/h" ]\n'
    const sev = (text: string) => runChecks([host([{path: 'h.cfg', text, role: 'loose'}])]).findings.find((f) => f.rule === 'BOOT-HVM-DIRECT' && f.origin === 'rule')?.severity
    expect(sev(xm)).toBe('blocker')
    expect(sev(xl)).toBe('warning')
  })

  it('PCI rules read a pci string as written (pciWritten): the address and the options that conversion drops', () => {
    const text = `${PV}pci = [ '0000:01:00.0,msitranslate=1, permissive=1', '02:00.1' ]\n`
    const found = (rule: string) => runChecks([host([{path: '/etc/xen/pv1', text, role: 'etc-xen'}])]).findings.filter((f) => f.rule === rule && f.origin === 'rule').map((f) => f.message)
    expect(found('PCI-OPTS')).toEqual(['PCI 0000:01:00.0: option(s) msitranslate=1 are dropped'])
    expect(found('PCI-PASSTHROUGH')).toEqual(['PCI passthrough of 0000:01:00.0, 02:00.1'])
  })
})
