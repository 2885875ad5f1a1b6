// The differential machinery itself (no lab needed): a classifier that called everything
// "identical" would make the whole lab suite worthless, so it is tested on its own.
import {describe, expect, it} from 'vitest'
import {compareXml} from '../helpers/xml-compare.js'
import {compareDefined, compareOutcomes, formatTally, tally} from './compare-outcomes.js'
import {KNOWN_DIFFERENCES, type KnownDifference} from './known-differences.js'
import {staleRules} from './lab-report.js'
import {configHasUuid, normaliseDomainXml, normaliseNativeConfig} from './normalise.js'

const rules: KnownDifference[] = [
  {id: 'mac', phase: 'from-native', reason: 'test', cases: /./, onlyLibvirt: /<mac address='00:00:00:00:00:00'\/>/, onlyXenlift: /<mac address='00:16:3e:/},
  {id: 'strict', phase: 'from-native', reason: 'test', cases: /^gen:/, outcome: 'only-xenlift-fails', error: /duplicate key/},
]
const ok = (text: string) => ({ok: true as const, text})
const fail = (error: string) => ({ok: false as const, error})

describe('compareOutcomes', () => {
  it('equal texts are identical, two failures are agreement', () => {
    expect(compareOutcomes('a', 'from-native', ok('<x/>\n'), ok('<x/>\n'), rules).verdict).toBe('identical')
    expect(compareOutcomes('a', 'from-native', fail('bad'), fail('worse'), rules).verdict).toBe('both-failed')
  })

  it('a difference is reasoned only when every changed line is claimed by a rule', () => {
    const lv = "<i>\n<mac address='00:00:00:00:00:00'/>\n</i>\n"
    const xl = "<i>\n<mac address='00:16:3e:01:02:03'/>\n</i>\n"
    const r = compareOutcomes('a', 'from-native', ok(xl), ok(lv), rules)
    expect(r.verdict).toBe('reasoned')
    expect(r.rules).toEqual(['mac'])
    const extra = compareOutcomes('a', 'from-native', ok(xl.replace('</i>', '<x/>\n</i>')), ok(lv), rules)
    expect(extra.verdict).toBe('unexplained')
    expect(extra.unexplained).toEqual(['+<x/>'])
  })

  it('rules apply only to their phase and cases', () => {
    expect(compareOutcomes('corpus:x', 'from-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('unexplained')
    expect(compareOutcomes('gen:xl:1', 'from-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('reasoned')
    expect(compareOutcomes('gen:xl:1', 'to-native', fail('duplicate key memory'), ok('<x/>'), rules).verdict).toBe('unexplained')
    expect(compareOutcomes('gen:xl:1', 'from-native', ok('<x/>'), fail('duplicate key'), rules).verdict).toBe('unexplained')
  })

  it('a two-sided rule ("libvirt prints X, xenlift prints Y") never excuses a lone X or a lone Y', () => {
    const lv = "<i>\n<mac address='00:00:00:00:00:00'/>\n</i>\n"
    const xl = "<i>\n<mac address='00:16:3e:01:02:03'/>\n</i>\n"
    const lone = compareOutcomes('a', 'from-native', ok('<i>\n</i>\n'), ok(lv), rules)
    expect(lone.verdict).toBe('unexplained')
    expect(lone.unexplained).toEqual(["-<mac address='00:00:00:00:00:00'/>"])
    expect(compareOutcomes('a', 'from-native', ok(xl), ok('<i>\n</i>\n'), rules).verdict).toBe('unexplained')
    // X and Y in two different places of the text are not a pair either.
    const apart = compareOutcomes('a', 'from-native', ok(`${xl}<j/>\n`), ok(`<i>\n</i>\n<j/>\n${lv.replace('<i>\n', '').replace('</i>\n', '')}`), rules)
    expect(apart.verdict).toBe('unexplained')
  })

  it('equate rules pair lines that agree after the rewrite, and explain lines rewritten to nothing', () => {
    const eq: KnownDifference[] = [
      {id: 'order', phase: 'to-native', reason: 'test', cases: /./, equate: (l) => (l.startsWith('d = ') ? `d = ${l.slice(4).split(',').sort().join(',')}` : l)},
      {id: 'zero', phase: 'to-native', reason: 'test', cases: /./, equate: (l) => (l === 'p = 0' ? '' : l)},
    ]
    const r = compareOutcomes('a', 'to-native', ok('d = b,a\n'), ok('d = a,b\np = 0\n'), eq)
    expect(r.verdict).toBe('reasoned')
    expect([...r.rules].sort()).toEqual(['order', 'zero'])
    expect(compareOutcomes('a', 'to-native', ok('d = b,c\n'), ok('d = a,b\n'), eq).verdict).toBe('unexplained')
  })

  it('tallies and prints the three counts', () => {
    const t = tally([
      compareOutcomes('a', 'from-native', ok('x'), ok('x'), []),
      compareOutcomes('b', 'from-native', fail('x'), fail('y'), []),
      compareOutcomes('c', 'from-native', ok('x'), ok('y'), []),
    ])
    expect(t).toEqual({identical: 1, bothFailed: 1, reasoned: 0, unexplained: 1})
    expect(formatTally('from-native', t)).toBe('from-native: 3 cases: identical 2 (incl. 1 both failed) / reasoned differences 0 / unexplained 1')
  })
})

describe('compareDefined', () => {
  const defined = "<domain type='xen'>\n  <name>a</name>\n  <devices>\n    <disk type='block'/>\n  </devices>\n</domain>\n"
  it('is identical when dumpxml gives the same domain back, whatever the formatting', () => {
    const dumped = `<domain type="xen">\n  <name>a</name>\n  <devices>\n    <disk type="block"></disk>\n  </devices>\n</domain>\n`
    expect(compareDefined('a', defined, ok(dumped), [], compareXml).verdict).toBe('identical')
  })
  it('explains a semantic difference line by line (- dumpxml, + defined)', () => {
    const r = compareDefined('a', defined, ok(defined.replace('block', 'file')), [], compareXml)
    expect(r.verdict).toBe('unexplained')
    expect(r.unexplained).toEqual(["-    <disk type='file'/>", "+    <disk type='block'/>"])
    expect(r.diff).toContain('/domain/devices[1]/disk[1]/@type: defined block, dumpxml file')
    const rule: KnownDifference = {id: 'f', phase: 'define', reason: 'test', cases: /./, onlyLibvirt: /type='file'/, onlyXenlift: /type='block'/}
    expect(compareDefined('a', defined, ok(defined.replace('block', 'file')), [rule], compareXml).verdict).toBe('reasoned')
  })
  it('a refused define is unexplained unless a rule names its error', () => {
    expect(compareDefined('a', defined, fail('XML error: nope'), [], compareXml).unexplained).toEqual(['only-libvirt-fails: XML error: nope'])
  })
})

describe('normalisation', () => {
  it('hides an invented uuid only when the config has none', () => {
    const xml = '<domain>\n  <uuid>c7a5fdb0-cdaf-9455-926a-d65c16db1809</uuid>\n</domain>\n\n'
    expect(normaliseDomainXml(xml, false)).toBe('<domain>\n  <uuid>(generated)</uuid>\n</domain>\n')
    expect(normaliseDomainXml(xml, true)).toBe('<domain>\n  <uuid>c7a5fdb0-cdaf-9455-926a-d65c16db1809</uuid>\n</domain>\n')
    expect(configHasUuid('name = "a"\n  uuid = "x"\n')).toBe(true)
    expect(configHasUuid('name = "uuid = x"\n# uuid = "x"\n')).toBe(false)
  })
  it('compares native configs as sorted key = value sets', () => {
    expect(normaliseNativeConfig('b = 2\n# c\n\na = 1   \n')).toBe(normaliseNativeConfig('a = 1\nb = 2\n'))
    expect(normaliseNativeConfig('a = 1\n')).not.toBe(normaliseNativeConfig('a = 2\n'))
  })
})

describe('known-differences.ts', () => {
  it('a rule no comparison used is reported as stale, per phase', () => {
    const fromNative = KNOWN_DIFFERENCES.filter((k) => k.phase === 'from-native').map((k) => k.id)
    expect(staleRules('from-native', [])).toEqual(fromNative)
    const first = fromNative[0] ?? ''
    const used = {...compareOutcomes('x', 'from-native', ok('a'), ok('a'), []), rules: [first]}
    expect(staleRules('from-native', [used])).toEqual(fromNative.slice(1))
  })

  it('every entry names its cases and explains its own example, and a two-sided entry no lone line', () => {
    const missing = KNOWN_DIFFERENCES.filter((k) => EXAMPLES[k.id] === undefined).map((k) => k.id)
    expect(missing, 'add an example below for each known difference').toEqual([])
    expect(Object.keys(EXAMPLES).filter((id) => !KNOWN_DIFFERENCES.some((k) => k.id === id))).toEqual([])
    for (const k of KNOWN_DIFFERENCES) {
      const e = EXAMPLES[k.id] as Example
      expect(k.cases.test(e.id), `${k.id}: its example case ${e.id}`).toBe(true)
      const [xenlift, libvirt] = outcomesOf(e)
      const r = compareOutcomes(e.id, k.phase, xenlift, libvirt, [k])
      expect([r.verdict, r.rules, r.unexplained], k.id).toEqual(['reasoned', [k.id], []])
      // The whole list explains it too (no other entry makes it unexplained).
      expect(compareOutcomes(e.id, k.phase, xenlift, libvirt, KNOWN_DIFFERENCES).verdict, k.id).toBe('reasoned')
      // Outside its cases (or its phase) it explains nothing.
      expect(compareOutcomes('other:case', k.phase, xenlift, libvirt, [k]).verdict, k.id).toBe('unexplained')
      const otherPhase = k.phase === 'define' ? 'from-native' : 'define'
      expect(compareOutcomes(e.id, otherPhase, xenlift, libvirt, [k]).verdict, k.id).toBe('unexplained')
      if (k.onlyLibvirt !== undefined && k.onlyXenlift !== undefined && 'libvirt' in e) {
        const only = (lines: readonly string[]) => ok(['<domain>', ...lines, '</domain>', ''].join('\n'))
        expect(compareOutcomes(e.id, k.phase, only([]), only(e.libvirt), [k]).verdict, `${k.id}: lone libvirt line`).toBe('unexplained')
        expect(compareOutcomes(e.id, k.phase, only(e.xenlift), only([]), [k]).verdict, `${k.id}: lone xenlift line`).toBe('unexplained')
      }
    }
  })

  it('every entry has a unique id, a reason and something to match', () => {
    const ids = KNOWN_DIFFERENCES.map((k) => k.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const k of KNOWN_DIFFERENCES) {
      expect(k.reason.length, k.id).toBeGreaterThan(30)
      const matchers = [k.onlyLibvirt, k.onlyXenlift, k.outcome, k.equate].filter((m) => m !== undefined)
      expect(matchers.length, k.id).toBeGreaterThan(0)
    }
  })
})

/** One difference each known-differences.ts entry is there to explain: changed lines, or an outcome. */
type Example = {readonly id: string; readonly libvirt: readonly string[]; readonly xenlift: readonly string[]} | {readonly id: string; readonly fails: 'libvirt' | 'xenlift'; readonly error: string}

function outcomesOf(e: Example): [ReturnType<typeof ok> | ReturnType<typeof fail>, ReturnType<typeof ok> | ReturnType<typeof fail>] {
  if ('fails' in e) return e.fails === 'libvirt' ? [ok('<domain/>\n'), fail(e.error)] : [fail(e.error), ok('<domain/>\n')]
  const text = (lines: readonly string[]) => ['<domain>', ...lines, '</domain>', ''].join('\n')
  return [ok(text(e.xenlift)), ok(text(e.libvirt))]
}

const XL = 'corpus:libvirt/xl/test-fullvirt.xml>xl'
const XM = 'corpus:libvirt/xl/test-paravirt.xml>xm'
const EXAMPLES: Readonly<Record<string, Example>> = {
  'xm-python-read-statically': {id: 'corpus:xen-examples/xmexample.vti#xm', fails: 'libvirt', error: 'configuration file syntax error: memory conf:12: expecting an assignment'},
  'xm-hvm-without-kernel': {id: 'corpus:wild/xm/08-b-bak-ubuhvm-cfg.cfg#xm', fails: 'libvirt', error: 'config value kernel was missing'},
  'xm-numeric-tsc-mode': {id: 'corpus:xen-examples/xmexample.hvm#xm', fails: 'libvirt', error: "expected a string for 'tsc_mode' parameter"},
  'xm-bare-boot-file-resolved': {id: 'corpus:xen-examples/xmexample.hvm#xm', libvirt: ["    <loader type='rom'>hvmloader</loader>"], xenlift: ["    <loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>"]},
  'xm-phy-device-name-resolved': {id: 'corpus:xen-examples/xmexample1#xm', libvirt: ["      <source dev='hda1'/>"], xenlift: ["      <source dev='/dev/hda1'/>"]},
  'xm-nbd-disk-refused': {id: 'corpus:xen-examples/xmexample.nbd#xm', fails: 'xenlift', error: "disk 'nbd:134.100.233.115 20004,hda1,w': nbd: targets need their block script"},
  'to-native-vif-spec-equivalent': {id: XL, libvirt: ['vif = [ "mac=00:16:3e:00:00:01,bridge=br0,script=vif-bridge" ]'], xenlift: ['vif = [ "bridge=br0,mac=00:16:3e:00:00:01" ]']},
  'to-native-disk-order': {id: XL, libvirt: ['disk = [ "/b.img,raw,hda,rw", "/a.img,raw,xvda,rw" ]'], xenlift: ['disk = [ "/a.img,raw,xvda,rw", "/b.img,raw,hda,rw" ]']},
  'to-native-xl-no-blktap': {id: XL, libvirt: ['disk = [ "format=raw,vdev=xvda,access=rw,backendtype=tap,target=/a.img" ]'], xenlift: ['disk = [ "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/a.img" ]']},
  'to-native-xl-cdrom-qdisk': {id: XL, libvirt: ['disk = [ "vdev=hdc,access=ro,backendtype=phy,devtype=cdrom,target=/dev/sr0" ]'], xenlift: ['disk = [ "vdev=hdc,access=ro,backendtype=qdisk,devtype=cdrom,target=/dev/sr0" ]']},
  'to-native-xl-vhd-format': {id: XL, libvirt: ['disk = [ "format=xvhd,vdev=xvda,access=rw,target=/a.vhd" ]'], xenlift: ['disk = [ "format=vhd,vdev=xvda,access=rw,target=/a.vhd" ]']},
  'to-native-vfb-no-port': {id: XM, libvirt: ['vfb = [ "type=vnc,vncunused=0,vncdisplay=-5900" ]'], xenlift: ['vfb = [ "type=vnc,vncunused=0" ]']},
  'to-native-spice-zero-ports': {id: XL, libvirt: ['spiceport = 0'], xenlift: []},
  'to-native-xm-xl-only-keys': {id: XM, libvirt: ['e820_host = 1'], xenlift: []},
  'to-native-xm-qdisk-images': {id: XM, libvirt: ['disk = [ "qemu:/a.qcow2,xvda,w", "file:/b.img,xvdb,w" ]'], xenlift: ['disk = [ "file:/b.img,xvdb,w" ]']},
  'to-native-xm-qdisk-only-disk-lost': {id: XM, libvirt: ['disk = [ "qemu:/a.qcow2,xvda,w" ]'], xenlift: []},
  'to-native-xm-qemu-raw-disk': {id: 'corpus:libvirt/xl/test-paravirt-cmdline.xml>xm', libvirt: [], xenlift: ['disk = [ "file:/dev/HostVG/XenGuest2,xvda,w" ]']},
  'to-native-xl-negative-number-quoted': {id: XL, libvirt: ['rtc_timeoffset = -3600'], xenlift: ['rtc_timeoffset = "-3600"']},
  'to-native-xl-escaped-quotes': {id: 'corpus:libvirt/xl/test-escape-paths.xml>xl', libvirt: ['disk = [ """/a\'b"c.img,raw,xvda,rw""" ]'], xenlift: ['disk = [ "/a\'b\\"c.img,raw,xvda,rw" ]']},
  'to-native-lifecycle-coredump': {id: XL, fails: 'libvirt', error: "unsupported configuration: Lifecycle event 'poweroff' doesn't support 'coredump-restart' action"},
  'to-native-bridge-without-source': {id: XM, fails: 'libvirt', error: "XML error: interface type='bridge' requires a 'source' element"},
  'to-native-xm-one-serial': {id: XM, fails: 'libvirt', error: 'unsupported configuration: Multiple serial devices are not supported by xen-xm'},
  'to-native-acpi-rawset-is-libvirt-11': {id: 'corpus:libvirt/xl-v11.3.0/test-fullvirt-acpi-slic.xml>xl', fails: 'libvirt', error: "XML error: Unknown acpi table type: rawset"},
  'define-ovs-interfaceid': {
    id: 'corpus:libvirt/xl/test-fullvirt-ovswitch-trunked.cfg#xl@XenGuest2',
    libvirt: ["      <virtualport type='openvswitch'>", "        <parameters interfaceid='0e2b1a56-0a8b-4f5f-9d3c-8f6a7c9d1e2f'/>", '      </virtualport>'],
    xenlift: ["      <virtualport type='openvswitch'/>"],
  },
  'define-vnuma-distances': {
    id: 'corpus:libvirt/xl/test-fullvirt-vnuma-partialdist.cfg#xl@XenGuest2',
    libvirt: ["      <cell id='0' cpus='0-1' memory='2097152' unit='KiB'>", '        <distances>', "          <sibling id='0' value='10'/>", '        </distances>', '      </cell>'],
    xenlift: ["      <cell id='0' cpus='0-1' memory='2097152' unit='KiB'/>"],
  },
  'define-empty-cdrom-type-file': {id: 'corpus:libvirt/xm/test-pci-devs.cfg#xm@XenGuest2', libvirt: ["    <disk type='file' device='cdrom'>"], xenlift: ["    <disk type='block' device='cdrom'>"]},
  'define-hvm-pae-on': {id: 'corpus:wild/sxp/04-d-hvm-spice-oneline.sxp#sxp@fedora14', libvirt: ['  <features>', '    <pae/>', '  </features>'], xenlift: []},
  'define-hap-spelling': {id: 'corpus:wild/sxp/04-d-hvm-spice-oneline.sxp#sxp@fedora14', libvirt: ["    <hap state='on'/>"], xenlift: ['    <hap/>']},
}
