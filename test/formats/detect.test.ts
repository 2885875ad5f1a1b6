import {describe, expect, it} from 'vitest'
import {detectFormat, isNonConfigName} from '../../src/formats/detect.js'

const fmt = (text: string, name?: string) => {
  const d = detectFormat(text, name)
  return 'skip' in d ? `skip: ${d.skip}` : d.format
}

describe('detectFormat', () => {
  it.each([
    ['(domain (name a))', 'sxp'],
    ['\n  # comment\n   (domain\n (name a))', 'sxp'],
    ['(vm (name a))', 'sxp'],
    ["<domain type='xen'><name>a</name></domain>", 'libvirt'],
    ["<?xml version='1.0'?>\n<domain type='xen'/>", 'libvirt'],
    ['name = "a"\nmemory = 512\ndisk = [ "phy:/dev/vg/a,xvda,w" ]\n', 'xm'],
    ['import os\nname = "a"\n', 'xm'],
    ['name = "a"\nif 1:\n    memory = 2\n', 'xm'],
    ['name = "a"\ntype = "hvm"\n', 'xl'],
    ['name = "a"\ndisk = [ "format=raw, vdev=xvda, access=rw, target=/dev/vg/a" ]\n', 'xl'],
    ['name = "a"\ndisk = [ "/img/a.img,raw,xvdb,rw" ]\n', 'xl'],
    ["name = 'a'\ndisk = [ '/dev/vg/a,qcow2,hda,w', ',raw,hdc:cdrom,r' ]\n", 'xl'],
  ])('%j is %s', (text, expected) => {
    expect(fmt(text)).toBe(expected)
  })

  it.each([
    ['(xend-http-server no)\n(network-script network-bridge)', /xend daemon/],
    ['', /empty/],
    ['# only comments\n\n', /empty/],
    ['\u0000\u0001binary', /binary/],
    ['#!/bin/sh\necho hello\n', /no key = value/],
    ['<html></html>', /not a libvirt domain/],
  ])('skips %j', (text, reason) => {
    expect(fmt(text)).toMatch(reason)
  })

  it('skips files that /etc/xen holds but that are never domain configs, by name', () => {
    for (const n of ['xend-config.sxp', 'xl.conf', 'oxenstored.conf', 'xmexample1', 'web01.bak', 'web01~', 'web01.rpmsave', 'xend-pci-quirks.sxp']) {
      expect(isNonConfigName(n), n).toBeDefined()
      expect(fmt('name = "a"\n', n), n).toMatch(/^skip/)
    }
    for (const n of ['web01', 'web01.cfg', 'config.sxp', 'db.xl']) expect(isNonConfigName(n), n).toBeUndefined()
  })
})
