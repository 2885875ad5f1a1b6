import {describe, expect, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import type {Finding} from '../../src/checks/finding.js'
import type {PlanQuestion} from '../../src/runbook/plan-document.js'
import {answeredDomain, questionsFor} from '../../src/runbook/questions.js'

const XM = `name = "shr"
memory = 256
bootloader = "/usr/lib/xen/boot/domUloader.py"
bootargs = "--entry=xvda2:/boot/vmlinuz-xen,/boot/initrd-xen"
disk = ['phy:/dev/vg0/shr,xvda,w', 'phy:/dev/vg0/cluster,xvdb,w!']
vscsi = ['/dev/sdb,0:0:0:0']
`
const read = () => {
  const d = convertText(XM, {file: '/etc/xen/shr', target: targetFor('9.0.0')}).domains[0]?.domain
  if (!d) throw new Error('no domain')
  return d
}
const q = (rule: string, answer: string | undefined, domain = 'shr'): PlanQuestion => ({id: `${rule}:${domain}`, rule, domain, question: '?', choices: [], ...(answer !== undefined ? {answer} : {})})

describe('answered questions change the model, before the writer', () => {
  it('exclusive drops <shareable/>, pygrub drops domUloader arguments, drop removes PVSCSI; the read domain is not mutated', () => {
    const d = read()
    const a = answeredDomain(d, [q('DISK-SHARED', 'exclusive'), q('BOOT-DOMULOADER', 'pygrub'), q('PVSCSI', 'drop')])
    expect(a.devices.disks.map((x) => x.shareable ?? false)).toEqual([false, false])
    expect(a.os.bootloader).toBe('/usr/bin/pygrub')
    expect(a.os.bootloaderArgs).toBeUndefined()
    expect(a.extra.vscsi).toBeUndefined()
    expect(d.devices.disks.map((x) => x.shareable ?? false)).toEqual([false, true])
    expect(d.os.bootloaderArgs).toBe('--entry=xvda2:/boot/vmlinuz-xen,/boot/initrd-xen')
    expect(d.extra.vscsi).toEqual(['/dev/sdb,0:0:0:0'])
  })

  it('keep-shareable, unanswered questions and another domain\'s answers leave it as read', () => {
    const d = read()
    expect(answeredDomain(d, [q('DISK-SHARED', 'keep-shareable'), q('BOOT-DOMULOADER', undefined), q('PVSCSI', 'drop', 'other')])).toBe(d)
  })

  it('questionsFor: an answer matches by rule or full id, domain and host globs, and only with a valid choice', () => {
    const f = (rule: string): Finding => ({rule, severity: 'warning', domain: 'shr', message: 'm', remediation: 'r'}) as Finding
    const findings = [f('DISK-SHARED'), f('PVSCSI'), f('BOOT-DOMULOADER'), f('CPU-PIN')]
    const qs = questionsFor('dom0-3', findings, [
      {question: 'DISK-SHARED', answer: 'maybe'},
      {question: 'DISK-SHARED:shr', host: 'dom0-*', answer: 'exclusive'},
      {question: 'PVSCSI', host: 'dom0-4', answer: 'drop'},
      {question: 'BOOT-DOMULOADER', domain: 's*', answer: 'pygrub'},
    ])
    expect(qs.map((x) => [x.id, x.answer ?? null])).toEqual([
      ['BOOT-DOMULOADER:shr', 'pygrub'],
      ['DISK-SHARED:shr', 'exclusive'],
      ['PVSCSI:shr', null],
    ])
  })
})
