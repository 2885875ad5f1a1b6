/**
 * What libvirt converts but refuses at define time is a warning of the conversion (the XML stays
 * libvirt's own text) and a blocker of `check` (issue 11 §6).
 */
import {describe, expect, it} from 'vitest'
import {runChecks} from '../../src/checks/run-checks.js'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'

const CFG = `name = "life"
uuid = "6b3d9a1e-2f4c-4d5e-8a7b-0c1d2e3f4a53"
memory = 256
bootloader = "pygrub"
on_poweroff = "coredump-destroy"
on_reboot = "coredump-restart"
on_crash = "coredump-restart"
vif = [ "mac=00:16:3e:00:00:03,bridge=br0", "mac=00:16:3e:00:00:04,script=vif-bridge" ]
`

describe('define refusals', () => {
  it('convert keeps libvirt\'s XML and warns, located, with the fix', () => {
    const r = convertText(CFG, {file: 'life.cfg', from: 'xm', target: targetFor('9.0.0')})
    const d = r.domains[0]!
    expect(d.output).toContain('<on_poweroff>coredump-destroy</on_poweroff>')
    expect(d.output).toContain('<on_crash>coredump-restart</on_crash>')
    const found = d.diagnostics.filter((x) => x.code === 'LIFECYCLE-COREDUMP' || x.code === 'VIF-BRIDGE-NOSOURCE')
    expect(found.map((x) => [x.code, x.severity, x.line])).toEqual([
      ['LIFECYCLE-COREDUMP', 'warning', 5],
      ['LIFECYCLE-COREDUMP', 'warning', 6],
      ['VIF-BRIDGE-NOSOURCE', 'warning', 8],
    ])
    expect(found[0]?.hint).toMatch(/write destroy/)
    expect(found[2]?.message).toMatch(/^vif\[1\] has script=vif-bridge and no bridge=/)
    expect(found[2]?.hint).toMatch(/bridge=NAME/)
  })

  it('check blocks on them for libvirt, not for an xl target', () => {
    const inv = {host: 'h', isHostTree: false, files: [{path: 'life.cfg', text: CFG, role: 'loose' as const}], otherPaths: [], autoLinks: [], networkConfigs: []}
    const ids = (target?: 'xl') =>
      runChecks([inv], target ? {target} : {})
        .findings.filter((f) => f.rule === 'LIFECYCLE-COREDUMP' || f.rule === 'VIF-BRIDGE-NOSOURCE')
        .map((f) => `${f.rule} ${f.severity} ${f.line}`)
    expect(ids()).toEqual(['LIFECYCLE-COREDUMP blocker 5', 'LIFECYCLE-COREDUMP blocker 6', 'VIF-BRIDGE-NOSOURCE blocker 8'])
    expect(ids('xl').every((x) => !x.includes('blocker'))).toBe(true)
  })
})
