import {existsSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {HostInventory} from '../../src/checks/host-inventory.js'
import {runChecks} from '../../src/checks/run-checks.js'
import {renderReport} from '../../src/report/render.js'
import {FIXTURES} from './check-fixture.js'

/** No input makes `check` throw or a rule crash: hostile seeds and generated xm-ish text. */
function inv(files: {path: string; text: string}[]): HostInventory {
  return {host: 'h', isHostTree: true, files: files.map((f) => ({...f, role: 'etc-xen' as const})), otherPaths: [], autoLinks: [], networkConfigs: []}
}

const HOSTILE = path.join(FIXTURES, 'hostile')

describe('hostile input', () => {
  it.skipIf(!existsSync(HOSTILE))('checks every hostile seed without an INTERNAL finding', () => {
    const files = readdirSync(HOSTILE).map((n) => ({path: `/etc/xen/${n}`, text: readFileSync(path.join(HOSTILE, n), 'latin1')}))
    const r = runChecks([inv(files)])
    expect(r.findings.filter((f) => f.rule === 'INTERNAL')).toEqual([])
    for (const format of ['text', 'json', 'markdown', 'html'] as const) expect(() => renderReport(r, format)).not.toThrow()
  })

  it('survives generated xm-like configs', () => {
    const keys = ['name', 'memory', 'disk', 'vif', 'pci', 'vfb', 'cpus', 'builder', 'kernel', 'usbdevice', 'vscsi', 'boot', 'uuid', 'on_crash', 'vncpasswd']
    const value = fc.oneof(
      fc.integer({min: -5, max: 5000}).map(String),
      fc.string({maxLength: 30}).map((s) => JSON.stringify(s)),
      fc.array(fc.string({maxLength: 40}).map((s) => `'${s.replace(/['\\\n]/g, '')}'`), {maxLength: 3}).map((xs) => `[ ${xs.join(', ')} ]`),
      fc.constantFrom('True', 'None', '(1, 2)', '{}', 'os.uname()', '"a" + "b"', 'vmid', "'phy:/dev/x,xvda,w!'", "['iscsi:x,xvda,w', 'tap:sync:/a,xvdb,w']"),
    )
    const line = fc.tuple(fc.constantFrom(...keys), value).map(([k, v]) => `${k} = ${v}`)
    const text = fc.array(fc.oneof(line, fc.constantFrom('import os', 'if x:', '    memory = 1', 'else:', '', '# c')), {maxLength: 12}).map((ls) => ls.join('\n'))
    fc.assert(
      fc.property(fc.array(text, {minLength: 1, maxLength: 3}), (texts) => {
        const r = runChecks([inv(texts.map((t, i) => ({path: `/etc/xen/d${i}`, text: t})))])
        expect(r.findings.filter((f) => f.rule === 'INTERNAL')).toEqual([])
        renderReport(r, 'html')
      }),
      {numRuns: 150},
    )
  })
})
