/**
 * asDefinedByLibvirt: our XML as libvirt holds it once defined, for import's comparison. The
 * rules are libvirt 9.0's define-time changes (define-defaults.ts); convert's own text keeps
 * libvirt's from-native form.
 */
import {describe, expect, it} from 'vitest'
import {convertText} from '../../../src/convert/convert.js'
import {asDefinedByLibvirt} from '../../../src/formats/libvirt/define-defaults.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'

const T = targetFor('9.0.0')

const SXP = `(domain
    (name win1)
    (uuid 6a0b3a48-2c1d-4c3e-9f6e-1d2c3b4a5f60)
    (memory 512)
    (maxmem 512)
    (vcpus 1)
    (image (hvm (kernel /usr/lib/xen/boot/hvmloader) (acpi 1) (apic 1) (hap 1) (boot c)))
    (device (vbd (uname phy:/dev/vg/win1-data) (dev hdb:disk) (mode w)))
    (device (vbd (uname phy:/dev/vg/win1) (dev hda:disk) (mode w)))
)
`
const converted = (text: string, file: string) => convertText(text, {file}).domains[0]!.output!

describe('asDefinedByLibvirt (what libvirt 9.0 holds after define)', () => {
  const xml = converted(SXP, 'win1.sxp')

  it('convert keeps the from-native text: no <pae/> for an SXP without (pae 1), <hap/>, the config order of disks', () => {
    expect(xml).toContain('    <apic/>\n    <hap/>\n  </features>\n')
    expect(xml).not.toContain('<pae/>')
    expect(xml.indexOf("dev='hdb'")).toBeLessThan(xml.indexOf("dev='hda'"))
  })

  it('an x86_64 HVM domain gains <pae/> after acpi/apic, <hap/> becomes state=on, disks go by bus then name', () => {
    const defined = asDefinedByLibvirt(xml, T)
    expect(defined).toContain("  <features>\n    <acpi/>\n    <apic/>\n    <pae/>\n    <hap state='on'/>\n  </features>\n")
    expect(defined.indexOf("dev='hda'")).toBeLessThan(defined.indexOf("dev='hdb'"))
    // Nothing else changes: the same lines, re-ordered or added only.
    const lines = (s: string) => s.split('\n').filter((l) => !/<pae\/>|<hap/.test(l)).sort()
    expect(lines(defined)).toEqual(lines(xml))
    expect(asDefinedByLibvirt(defined, T)).toBe(defined)
  })

  it('an HVM domain without <features> gets one right after </os>; not for a non-x86_64 guest or a PV one', () => {
    const bare = xml.replace(/ {2}<features>[\s\S]*?<\/features>\n/, '')
    expect(asDefinedByLibvirt(bare, T)).toContain('  </os>\n  <features>\n    <pae/>\n  </features>\n  <clock')
    expect(asDefinedByLibvirt(bare.replace("arch='x86_64'", "arch='i686'"), T)).not.toContain('<pae/>')
    const pv = converted("name = 'pv1'\nmemory = 256\nbootloader = '/usr/bin/pygrub'\ndisk = ['phy:/dev/vg/pv1,xvda,w']\n", 'pv1.cfg')
    expect(asDefinedByLibvirt(pv, T)).toBe(pv)
  })

  it("an empty CD-ROM of type='block' (xm ',hdc:cdrom,r') is stored as type='file'; one with a source is not", () => {
    const xm = converted(
      "name = 'hvm1'\nbuilder = 'hvm'\nmemory = 256\ndisk = ['phy:/dev/vg/hvm1,hda,w', ',hdc:cdrom,r', 'phy:/dev/sr0,hdd:cdrom,r']\n",
      'hvm1.cfg',
    )
    expect(xm.match(/<disk type='block' device='cdrom'>/g)).toHaveLength(2)
    const defined = asDefinedByLibvirt(xm, T)
    expect(defined.match(/<disk type='file' device='cdrom'>\n {6}<driver name='phy' type='raw'\/>\n {6}<target dev='hdc'/g)).toHaveLength(1)
    expect(defined).toMatch(/<disk type='block' device='cdrom'>\n {6}<driver name='phy' type='raw'\/>\n {6}<source dev='\/dev\/sr0'\/>/)
  })

  it('an openvswitch port takes the interfaceid libvirt generated for the defined domain, and only then', () => {
    const ours = "  <devices>\n    <interface type='bridge'>\n      <source bridge='ovsbr0'/>\n      <virtualport type='openvswitch'/>\n    </interface>\n  </devices>\n"
    const id = '0b9b3f86-7a53-4c1e-8f52-2d6a2f0a1c11'
    const defined = `  <devices>\n    <interface type='bridge'>\n      <source bridge='ovsbr0'/>\n      <virtualport type='openvswitch'>\n        <parameters interfaceid='${id}'/>\n      </virtualport>\n    </interface>\n  </devices>\n`
    expect(asDefinedByLibvirt(ours, T, defined)).toBe(defined)
    expect(asDefinedByLibvirt(ours, T)).toBe(ours)
  })
})
