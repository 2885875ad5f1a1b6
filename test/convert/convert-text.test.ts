import {describe, expect, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'

const target = targetFor('9.0.0')

describe('convertText', () => {
  it('warns, located at the file, when a value holds characters XML cannot carry (never changed silently)', () => {
    const r = convertText('name = "ctl"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\ndisk = [ "phy:/dev/vg/a\u0001b,xvda,w" ]\n', {file: 'ctl.cfg', from: 'xm', target})
    const d = r.domains[0]!
    expect(d.output).toBeDefined()
    expect(d.output).not.toContain('\u0001')
    const w = d.diagnostics.find((x) => x.code === 'BAD-VALUE' && x.severity === 'warning')
    expect(w?.message).toMatch(/disks\[0\]/)
    expect(w?.file).toBe('ctl.cfg')
  })

  it('says nothing of the kind for clean values', () => {
    const r = convertText('name = "ok"\nmemory = 256\nbootloader = "/usr/bin/pygrub"\ndisk = [ "phy:/dev/vg/a,xvda,w" ]\n', {file: 'ok.cfg', from: 'xm', target})
    expect(r.domains[0]!.diagnostics.some((x) => x.code === 'BAD-VALUE')).toBe(false)
  })

  it('skips a non-config before any reader runs, and reads every format it detects', () => {
    expect(convertText('(xend-http-server no)\n', {baseName: 'xend-config.sxp'}).skipped[0]?.reason).toMatch(/not a domain config/)
    for (const [text, format] of [
      ['(domain (name a) (uuid 0f5e3c8a-1b2c-4d3e-8f9a-0b1c2d3e4f5a) (memory 256) (image (linux (kernel /k))))', 'sxp'],
      ['name = "a"\nmemory = 256\nkernel = "/k"\n', 'xm'],
      ['name = "a"\ntype = "pv"\nmemory = 256\nkernel = "/k"\n', 'xl'],
      ["<domain type='xen'><name>a</name><memory>262144</memory><os><type>linux</type><kernel>/k</kernel></os></domain>", 'libvirt'],
    ] as const) {
      const r = convertText(text, {target})
      expect(r.format, text).toBe(format)
      expect(r.domains[0]?.name, text).toBe('a')
      expect(r.domains[0]?.output, text).toMatch(/<name>a<\/name>/)
    }
  })
})
