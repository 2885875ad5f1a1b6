import {describe, expect, it} from 'vitest'
import {newDomain} from '../../../src/model/domain.js'
import {libvirtXmlLosses} from '../../../src/formats/libvirt/xml-losses.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'

describe('libvirtXmlLosses', () => {
  it('names every value whose characters the XML writer has to drop', () => {
    const d = newDomain('web\u0001', 'pv')
    d.devices.disks.push({type: 'file', device: 'disk', source: {file: '/img/a\u001b.img'}, target: {dev: 'xvda', bus: 'xen'}})
    d.extra['note'] = 'x\u0002'
    const ds = libvirtXmlLosses(d, 'cfg')
    expect(ds.map((x) => [x.code, x.severity, x.path, x.file])).toEqual([
      ['BAD-VALUE', 'warning', 'name', 'cfg'],
      ['BAD-VALUE', 'warning', 'devices.disks[0].source.file', 'cfg'],
    ])
    expect(ds[1]!.message).toContain('U+001B')
    // and the writer indeed drops them
    expect(writeLibvirtXml(d, targetFor('9.0.0'))).toContain("<source file='/img/a.img'/>")
  })

  it('is silent for ordinary values, tabs and newlines', () => {
    const d = newDomain('web', 'pv')
    d.description = 'line1\nline2\tx é 😀'
    expect(libvirtXmlLosses(d)).toEqual([])
  })
})
