/**
 * The target profile (firmware directory, CPU vendor, DRBD release) reaches the XML, and a
 * conversion that had to assume it says which value it used (issue 11 §6).
 */
import {describe, expect, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {targetProfile} from '../../src/formats/target-profile.js'

const offline = targetFor('9.0.0')
/** Debian 12 / Xen 4.17 on an AMD host, as its facts give it. */
const bookworm = targetFor('9.0.0', {profile: targetProfile({firmwareDir: '/usr/lib/xen-4.17/boot', cpuVendor: 'amd', drbdVersion: [8, 4], host: 'dom0-a'})})

const UUID = 'c7a5fdb0-cdaf-9455-926a-d65c16db1809'
const XM_HVM = `name = "win"\nuuid = "${UUID}"\nmemory = 512\nbuilder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n`
const SXP_HVM = `(domain (name win) (uuid ${UUID}) (memory 512) (maxmem 512) (image (hvm (loader /usr/lib/xen/boot/hvmloader) (kernel /usr/lib/xen/boot/hvmloader) (boot c))))`
const XL_NESTED = `name = "n"\nuuid = "${UUID}"\ntype = "hvm"\nmemory = 512\nnestedhvm = 0\n`

const one = (text: string, from: 'xm' | 'xl' | 'sxp', target = offline) => {
  const r = convertText(text, {file: 'g.cfg', from, target})
  const d = r.domains[0]
  if (d?.output === undefined) throw new Error(JSON.stringify([...r.diagnostics, ...(d?.diagnostics ?? [])]))
  return {xml: d.output, diagnostics: d.diagnostics}
}
const assumed = (ds: readonly {code: string; message: string}[]) => ds.filter((d) => d.code === 'TARGET-ASSUMED').map((d) => d.message)

describe('target profile: HVM firmware', () => {
  it("xm and SXP guests get the target host's own hvmloader, and say it was replaced", () => {
    for (const [text, from] of [
      [XM_HVM, 'xm'],
      [SXP_HVM, 'sxp'],
      [XM_HVM.replace(/kernel = .*\n/, ''), 'xm'],
    ] as const) {
      const r = one(text, from, bookworm)
      expect(r.xml, from).toContain("<loader type='rom'>/usr/lib/xen-4.17/boot/hvmloader</loader>")
      expect(r.xml).not.toContain('/usr/lib/xen/boot')
      expect(r.diagnostics.some((d) => d.code === 'BOOT-HVM-LOADER' && d.severity === 'info'), from).toBe(true)
      expect(assumed(r.diagnostics)).toEqual([])
    }
  })

  it("offline, libvirt's default firmware dir is used and the conversion says it was assumed", () => {
    for (const [text, from] of [
      [XM_HVM, 'xm'],
      [SXP_HVM, 'sxp'],
    ] as const) {
      const r = one(text, from)
      expect(r.xml).toContain("<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>")
      expect(assumed(r.diagnostics)).toEqual([expect.stringMatching(/^HVM firmware \/usr\/lib\/xen\/boot\/hvmloader: .*default \/usr\/lib\/xen\/boot is assumed/)])
    }
  })

  it('xl bios = "ovmf" uses the target firmware dir too', () => {
    const r = one(`${XL_NESTED.replace('nestedhvm = 0\n', '')}bios = "ovmf"\n`, 'xl', bookworm)
    expect(r.xml).toContain("<loader readonly='yes' type='pflash'>/usr/lib/xen-4.17/boot/ovmf.bin</loader>")
  })

  it('a PV guest depends on no firmware: nothing is said', () => {
    expect(assumed(one(`name = "p"\nuuid = "${UUID}"\nmemory = 256\nbootloader = "pygrub"\n`, 'xm').diagnostics)).toEqual([])
  })
})

describe('target profile: nestedhvm = 0', () => {
  it("disables the target vendor's feature (svm on AMD)", () => {
    const r = one(XL_NESTED, 'xl', bookworm)
    expect(r.xml).toContain("<feature policy='disable' name='svm'/>")
    expect(assumed(r.diagnostics)).toEqual([])
  })
  it('offline: vmx, and says Intel was assumed', () => {
    const r = one(XL_NESTED, 'xl')
    expect(r.xml).toContain("<feature policy='disable' name='vmx'/>")
    expect(assumed(r.diagnostics)).toContainEqual(expect.stringMatching(/^nestedhvm = 0 disables vmx: .*Intel \(vmx\) is assumed/))
  })
})
