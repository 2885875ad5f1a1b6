import {describe, expect, it} from 'vitest'
import {compareXml, formatXmlDifferences} from './xml-compare.js'

const BASE = `<domain type='xen'>
  <name>a&amp;b</name>
  <devices>
    <disk type='file' device='disk'>
      <source file='/x'/>
    </disk>
    <disk type='file' device='cdrom'/>
  </devices>
</domain>
`

describe('compareXml', () => {
  it('ignores quoting style, attribute order, entity spelling and indentation', () => {
    const other = `<?xml version="1.0"?>\n<!-- c --><domain type="xen"><name>a&#38;b</name><devices><disk device="disk" type="file"><source file="/x"></source></disk><disk device='cdrom' type='file'></disk></devices></domain>`
    expect(compareXml(BASE, other)).toEqual([])
  })

  it('reports attribute, text and missing-element differences with paths', () => {
    const other = BASE.replace("file='/x'", "file='/y'").replace('a&amp;b', ' a&amp;b').replace("    <disk type='file' device='cdrom'/>\n", '')
    expect(compareXml(BASE, other)).toEqual([
      {path: '/domain/name[1]/text()', expected: '"a&b"', actual: '" a&b"'},
      {path: '/domain/devices[1]/disk[1]/source[1]/@file', expected: '/x', actual: '/y'},
      {path: '/domain/devices[1]/disk[2]', expected: "<disk type='file' device='cdrom'>", actual: '(absent)'},
    ])
  })

  it('compares children in order: a swap is a difference', () => {
    const swapped = `<r><a/><b/></r>`
    const d = compareXml('<r><b/><a/></r>', swapped)
    expect(d).toHaveLength(1)
    expect(formatXmlDifferences(d)).toMatch(/^\/r\/b\[1\]: expected <b>, got <a>$/)
  })

  it('reports malformed actual XML instead of throwing', () => {
    expect(compareXml(BASE, '<domain><name>x</domain>')[0]).toMatchObject({path: '/', expected: 'well-formed XML'})
  })
})
