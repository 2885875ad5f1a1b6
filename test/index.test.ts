import {describe, expect, it} from 'vitest'
import * as xenlift from '../src/index.js'

describe('the library entry point', () => {
  it('converts, checks and renders through the public API alone', () => {
    const text = 'name = "api"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\ndisk = [ "phy:/dev/vg/api,xvda,w!" ]\n'
    const r = xenlift.convertText(text, {file: 'api.cfg', target: xenlift.targetFor('9.0.0')})
    expect(r.domains[0]?.output).toMatch(/<shareable\/>/)
    const host: xenlift.HostInventory = {host: 'local', isHostTree: false, files: [{path: 'api.cfg', text, role: 'loose'}], otherPaths: [], autoLinks: [], networkConfigs: []}
    const report = xenlift.runChecks([host])
    const json = JSON.parse(xenlift.renderReport(report, 'json')) as {findings: {rule: string}[]}
    expect(json.findings.map((f) => f.rule)).toContain('DISK-SHARED')
    expect(xenlift.allRules().length).toBeGreaterThan(50)
  })
})
