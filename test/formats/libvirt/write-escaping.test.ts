/**
 * Property tests: any string in any text field or attribute comes out escaped, the XML stays
 * well-formed, and a real XML parser reads back the same value (minus the characters XML 1.0
 * cannot carry at all, which the writer drops as libvirt does).
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {newDomain, type Domain} from '../../../src/model/domain.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {writeLibvirtXml} from '../../../src/formats/libvirt/write.js'
import {escapeXmlAttr, escapeXmlText, hasInvalidXmlChars} from '../../../src/formats/libvirt/xml-text.js'
import {parseXmlTree} from '../../helpers/xml-compare.js'

type Tree = ReturnType<typeof parseXmlTree>

const nasty = fc.constantFrom('<', '>', '&', "'", '"', '&amp;', ']]>', '\n', '\r', '\t', ' ', '\u0001', '\u001f', '\uFFFE', '\uD800', 'é', 'ß', '漢', '😀', 'a', '/')
const anyText = fc.oneof(fc.string({unit: 'binary', maxLength: 20}), fc.string({unit: nasty, maxLength: 12}))

// What a parser can see of a string after writing: the XML-1.0-invalid characters are gone.
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
}

function child(t: Tree, ...path: string[]): Tree {
  let cur = t
  for (const p of path) {
    const next = cur.children.find((c) => c.name === p)
    if (!next) throw new Error(`no <${p}> under <${cur.name}>`)
    cur = next
  }
  return cur
}

function domainWith(s: string): Domain {
  const d = newDomain(s, 'pv')
  d.description = s
  d.os.kernel = s
  d.os.cmdline = s
  d.os.bootloader = s
  d.devices.emulator = s
  d.devices.disks.push({type: 'file', device: 'disk', source: {file: s}, target: {dev: 'xvda', bus: 'xen'}})
  d.devices.interfaces.push({type: 'bridge', source: {bridge: s}, script: s, ips: [], mac: '00:16:3e:00:00:01', model: s})
  d.devices.graphics.push({type: 'vnc', autoport: true, listens: [{type: 'address', address: s}], keymap: s, passwd: s})
  d.qemuArgs = [s]
  return d
}

describe('libvirt writer escaping (property)', () => {
  const target = targetFor('9.0.0')

  it('every text field and attribute parses back to the written value', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const xml = writeLibvirtXml(domainWith(s), target, {securityInfo: true})
        const t = parseXmlTree(xml) // throws on malformed XML
        const want = visible(s)
        expect(child(t, 'name').text).toBe(want)
        expect(child(t, 'description').text).toBe(want)
        expect(child(t, 'bootloader').text).toBe(want)
        expect(child(t, 'os', 'kernel').text).toBe(want)
        expect(child(t, 'os', 'cmdline').text).toBe(want)
        expect(child(t, 'devices', 'emulator').text).toBe(want)
        expect(child(t, 'devices', 'disk', 'source').attrs['file']).toBe(want)
        expect(child(t, 'devices', 'interface', 'source').attrs['bridge']).toBe(want)
        expect(child(t, 'devices', 'interface', 'script').attrs['path']).toBe(want)
        expect(child(t, 'devices', 'interface', 'model').attrs['type']).toBe(want)
        const g = child(t, 'devices', 'graphics')
        expect(g.attrs['keymap']).toBe(want)
        expect(g.attrs['passwd']).toBe(want)
        expect(g.attrs['listen']).toBe(want)
        expect(child(g, 'listen').attrs['address']).toBe(want)
        expect(child(t, 'xen:commandline', 'xen:arg').attrs['value']).toBe(want)
      }),
      {numRuns: 300},
    )
  })

  it('never leaves a raw markup character in a value', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(escapeXmlText(s)).not.toMatch(/[<>'"]|&(?!(amp|lt|gt|apos|quot|#13);)/)
        expect(escapeXmlAttr(s)).not.toMatch(/[<>'"\n\t\r]|&(?!(amp|lt|gt|apos|quot|#13|#10|#9);)/)
        expect(hasInvalidXmlChars(escapeXmlAttr(s))).toBe(false)
      }),
    )
  })

  it("writes libvirt's entity spelling", () => {
    expect(escapeXmlAttr(`/dev/HostVG/XenGuest'"`)).toBe('/dev/HostVG/XenGuest&apos;&quot;')
    expect(escapeXmlText('XenGuest2&test <x>')).toBe('XenGuest2&amp;test &lt;x&gt;')
    // libvirt's virBufferEscapeString drops C0 controls; so do we (documented in xml-text.ts)
    expect(escapeXmlText('a\u0001b\u0007c')).toBe('abc')
  })
})
