/**
 * Hostile input: the SXP reader must never throw and must always explain itself with located
 * diagnostics (fixtures/hostile/, fuzzed text, a generated 10 MB `xm list -l` dump).
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {readSxp} from '../../../src/formats/sxp/read.js'
import type {ReadResult} from '../../../src/model/read-result.js'
import {REPO_ROOT} from '../../helpers/cli.js'

const HOSTILE = join(REPO_ROOT, 'fixtures/hostile')
const VECTORS = join(REPO_ROOT, '../shared/corpus/libvirt/sexpr2xml')

/** Every diagnostic, file-level or per domain, is located (line/column ≥ 1) and one line. */
function expectLocated(r: ReadResult): void {
  const all = [...r.diagnostics, ...r.domains.flatMap((d) => d.diagnostics)]
  for (const d of all) {
    expect(d.line, d.message).toBeGreaterThanOrEqual(1)
    expect(d.column, d.message).toBeGreaterThanOrEqual(1)
    expect(d.message).not.toMatch(/[\n\r]/)
  }
  // Something always comes back: a domain, a skip or a reason.
  expect(r.domains.length + r.skipped.length + r.diagnostics.length).toBeGreaterThan(0)
}

const files = readdirSync(HOSTILE).filter((f) => f.endsWith('.sxp')).sort()

describe('hostile SXP fixtures', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThan(10)
  })
  for (const f of files) {
    it(`${f}: no throw, located diagnostics`, () => {
      const r = readSxp(readFileSync(join(HOSTILE, f), 'utf8'), {file: f})
      expectLocated(r)
      for (const d of r.diagnostics) expect(d.file).toBe(f)
    })
  }

  it('binary junk, NUL, control characters, truncation and deep nesting are errors with no domain', () => {
    for (const f of ['binary-junk.sxp', 'nul-in-string.sxp', 'control-chars.sxp', 'truncated-list.sxp', 'truncated-string.sxp', 'deeply-nested.sxp', 'unbalanced-close.sxp']) {
      const r = readSxp(readFileSync(join(HOSTILE, f), 'utf8'), {file: f})
      expect(r.domains, f).toEqual([])
      expect(r.diagnostics, f).toContainEqual(expect.objectContaining({code: 'SYNTAX', severity: 'error'}))
    }
  })

  it('hostile names and paths are kept verbatim as data (never interpreted)', () => {
    const r = readSxp(readFileSync(join(HOSTILE, 'hostile-names.sxp'), 'utf8'))
    const d = r.domains[0]?.domain
    expect(d?.name).toBe('Bob\'s "VM"\n\u0000/../etc')
    expect(d?.os.kernel).toBe('/k;rm -rf /')
    expect(d?.devices.disks[0]?.source?.file).toBe('/img/a b,c.img')
    expect(d?.devices.interfaces[0]?.source?.bridge).toBe('br0 && reboot')
  })

  it('bad values give one located error each and keep the rest of the domain', () => {
    const r = readSxp(readFileSync(join(HOSTILE, 'bad-values.sxp'), 'utf8'))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'BAD-VALUE', line: 1, path: 'domain/uuid'}))
    const w = r.domains[0]
    expect(w?.domain.name).toBe('w')
    const errors = w?.diagnostics.filter((d) => d.severity === 'error') ?? []
    expect(errors.length).toBeGreaterThan(8)
    expect(new Set(errors.map((d) => `${d.line}:${d.column}:${d.message}`)).size).toBe(errors.length)
  })
})

describe('fuzzing the SXP reader', () => {
  it('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 300}), (s) => {
        expectLocated(readSxp(s, {file: 'f'}))
      }),
      {numRuns: 1000},
    )
  })

  it('SXP-shaped token soup never throws', () => {
    const token = fc.constantFrom('(', ')', '(domain', '(name x)', '(uuid 596a5d2171f48fb2e068e2386a5c413e)', '(image (hvm', '(image (linux', '(device (vbd', '(device (vif', '(device (pci (dev', "'", '"', '\\', '\\\n', '#', '\n', ' ', 'file:/x', '(dev', '(uname', '(serial', '(rate', '(domid 3)', '(cpus', '(vcpus', 'tap:qcow:', '\u0000', '(vfb', '(type', '(boot dcn)', '(kernel', '(soundhw')
    fc.assert(
      fc.property(fc.array(token, {maxLength: 60}), (parts) => {
        expectLocated(readSxp(parts.join(' '), {file: 'f'}))
      }),
      {numRuns: 2000},
    )
  })

  it.skipIf(readdirSafe(VECTORS).length === 0)('every prefix of a libvirt vector (a truncated file) never throws', () => {
    for (const f of readdirSafe(VECTORS).filter((x) => x.endsWith('.sexpr')).slice(0, 8)) {
      const text = readFileSync(join(VECTORS, f), 'utf8')
      for (let i = 0; i <= text.length; i += 7) expectLocated(readSxp(text.slice(0, i), {file: f}))
    }
  })
})

describe('a generated 10 MB xm list -l dump', () => {
  it('is read completely: every guest converted, Domain-0 skipped', () => {
    const guest = (i: number) =>
      `(domain\n    (domid ${i + 1})\n    (name 'guest-${i}')\n    (uuid ${(i + 1).toString(16).padStart(32, '0')})\n    (memory 512)\n    (maxmem 1024)\n    (vcpus 2)\n` +
      `    (image (linux (kernel /boot/vmlinuz-${i}) (args 'root=/dev/xvda1 ro console=hvc0')))\n` +
      `    (device (vbd (uname phy:/dev/vg0/guest-${i}) (dev xvda:disk) (mode w) (bootable 1)))\n` +
      `    (device (vif (mac 00:16:3e:${hex(i >> 16)}:${hex((i >> 8) & 0xff)}:${hex(i & 0xff)}) (bridge xenbr0) (script vif-bridge) (rate 10MB/s)))\n)\n`
    const parts = ['(domain (domid 0) (name Domain-0) (uuid 00000000-0000-0000-0000-000000000000))\n']
    let size = parts[0]?.length ?? 0
    let n = 0
    while (size < 10 * 1024 * 1024) {
      const g = guest(n++)
      parts.push(g)
      size += g.length
    }
    const text = parts.join('')
    expect(text.length).toBeGreaterThanOrEqual(10 * 1024 * 1024)
    const r = readSxp(text, {file: 'big.sxp'})
    expect(r.diagnostics).toEqual([])
    expect(r.skipped).toEqual([expect.objectContaining({name: 'Domain-0'})])
    expect(r.domains).toHaveLength(n)
    const last = r.domains[n - 1]?.domain
    expect(last?.name).toBe(`guest-${n - 1}`)
    expect(last?.devices.interfaces[0]?.bandwidthOutboundKBps).toBe(10240)
  }, 180_000)
})

function hex(n: number): string {
  return n.toString(16).padStart(2, '0')
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
