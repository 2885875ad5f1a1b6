/**
 * `drbd:RESOURCE` disks convert to the device DRBD's udev rules give the resource on the target
 * (issue 11 §6), in every input format, with a warning that the promotion is not carried over.
 */
import {describe, expect, it} from 'vitest'
import {convertText} from '../../../src/convert/convert.js'
import {targetFor} from '../../../src/formats/libvirt/target.js'
import {targetProfile} from '../../../src/formats/target-profile.js'

const UUID = 'c7a5fdb0-cdaf-9455-926a-d65c16db1809'
const XM = `name = "ha"\nuuid = "${UUID}"\nmemory = 256\nbootloader = "pygrub"\ndisk = [ "drbd:web-root,xvda,w" ]\n`
const XL = `name = "ha"\nuuid = "${UUID}"\ntype = "pv"\nmemory = 256\nbootloader = "pygrub"\ndisk = [ "format=raw,vdev=xvda,access=rw,script=block-drbd,target=web-root" ]\n`
const SXP = `(domain (name ha) (uuid ${UUID}) (memory 256) (maxmem 256) (bootloader pygrub) (device (vbd (uname drbd:web-root) (dev xvda) (mode w))))`

const drbd9 = targetFor('9.0.0', {profile: targetProfile({drbdVersion: [9, 2], firmwareDir: '/usr/lib/xen-4.17/boot', cpuVendor: 'intel'})})
const drbd83 = targetFor('9.0.0', {profile: targetProfile({drbdVersion: [8, 3]})})

function convert(text: string, from: 'xm' | 'xl' | 'sxp', target = targetFor('9.0.0'), to: 'libvirt' | 'xl' | 'xm' = 'libvirt') {
  const r = convertText(text, {file: 'ha.cfg', from, target, to})
  const d = r.domains[0]
  return {output: d?.output, diagnostics: [...r.diagnostics, ...(d?.diagnostics ?? [])]}
}

describe('drbd: disks', () => {
  it.each([
    ['xm', XM],
    ['xl', XL],
    ['sxp', SXP],
  ] as const)('%s: the resource device, a blocker for the promotion (issue 11 §6), no conversion error', (from, text) => {
    const r = convert(text, from, drbd9)
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(r.output).toContain("<disk type='block' device='disk'>\n      <driver name='phy' type='raw'/>\n      <source dev='/dev/drbd/by-res/web-root/0'/>")
    expect(r.diagnostics.find((d) => d.code === 'DISK-DRBD')).toMatchObject({severity: 'blocker', hint: expect.stringMatching(/auto-promote.*cluster manager/)})
    expect(r.diagnostics.map((d) => d.code)).not.toContain('DISK-SCRIPT')
    expect(r.diagnostics.map((d) => d.code)).not.toContain('TARGET-ASSUMED')
  })

  it('DRBD 8.3 names the device without a volume', () => {
    expect(convert(XM, 'xm', drbd83).output).toContain("<source dev='/dev/drbd/by-res/web-root'/>")
  })

  it('offline, DRBD 8.4 (volume 0) is assumed and said', () => {
    const r = convert(XM, 'xm')
    expect(r.output).toContain("<source dev='/dev/drbd/by-res/web-root/0'/>")
    expect(r.diagnostics.find((d) => d.code === 'TARGET-ASSUMED')?.message).toMatch(/DRBD release is not known, 8\.4 is assumed/)
  })

  it('native output writes the device as a plain block disk (block-drbd wants a resource, not a path)', () => {
    expect(convert(XM, 'xm', drbd9, 'xl').output).toContain('"format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/drbd/by-res/web-root/0"')
    expect(convert(XM, 'xm', drbd9, 'xm').output).toContain('"phy:/dev/drbd/by-res/web-root/0,xvda,w"')
  })
})
