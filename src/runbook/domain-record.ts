import {readLibvirtXml} from '../formats/libvirt/read.js'
import {parseMac} from '../formats/xen-common/vif-spec.js'
import type {Domain} from '../model/domain.js'
import type {DomainRecord} from './plan-document.js'

/** What must survive the upgrade: name, UUID, memory, vCPUs, disks, NICs with MACs. */
export function recordOf(d: Domain): DomainRecord {
  return {
    name: d.name,
    // The readers give the UUID in virUUIDFormat's form already (parseUuid).
    ...(d.uuid !== undefined ? {uuid: d.uuid} : {}),
    memoryKiB: d.maxMemoryKiB,
    vcpus: d.vcpu.max,
    disks: d.devices.disks.map((k) => `${k.target.dev}=${k.source?.file ?? k.source?.dev ?? k.source?.name ?? '(empty)'}`),
    // MACs as virMacAddrParse prints them: the XML may say 00:16:3E:a:b:c, virsh 00:16:3e:0a:0b:0c.
    nics: d.devices.interfaces.map((n) => `${n.mac !== undefined ? (parseMac(n.mac) ?? n.mac) : 'auto'}@${n.source?.bridge ?? n.source?.network ?? n.type}`),
  }
}

/** The record of a libvirt XML text (what the plan converted, or what `virsh dumpxml` returns). */
export function recordOfXml(xml: string): DomainRecord | undefined {
  const r = readLibvirtXml(xml)
  const d = r.domains[0]?.domain
  return d ? recordOf(d) : undefined
}

/**
 * Differences between the pre-upgrade record and what libvirt holds, in words. A NIC that had no
 * MAC (`auto`) matches any MAC libvirt generated for it.
 */
export function recordDifferences(want: DomainRecord, got: DomainRecord): string[] {
  const out: string[] = []
  if (want.name !== got.name) out.push(`name ${want.name} → ${got.name}`)
  if (want.uuid !== undefined && want.uuid !== got.uuid) out.push(`uuid ${want.uuid} → ${got.uuid ?? 'none'}`)
  if (want.memoryKiB !== got.memoryKiB) out.push(`memory ${want.memoryKiB} KiB → ${got.memoryKiB} KiB`)
  if (want.vcpus !== got.vcpus) out.push(`vcpus ${want.vcpus} → ${got.vcpus}`)
  if (want.disks.join(' ') !== got.disks.join(' ')) out.push(`disks ${want.disks.join(', ') || '(none)'} → ${got.disks.join(', ') || '(none)'}`)
  const nicsMatch =
    want.nics.length === got.nics.length &&
    want.nics.every((n, i) => {
      const g = got.nics[i] as string
      return n === g || (n.startsWith('auto@') && g.slice(g.indexOf('@')) === n.slice(n.indexOf('@')))
    })
  if (!nicsMatch) out.push(`NICs ${want.nics.join(', ') || '(none)'} → ${got.nics.join(', ') || '(none)'}`)
  return out
}
