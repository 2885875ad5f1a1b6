import type {HostScan} from '../host/scan.js'
import {formatKiB, renderTable} from './table.js'

/** `scan`'s text result: one table of hosts, one of domains, then unreadable files. */
export function renderScan(scans: readonly HostScan[]): string {
  const hostRows = scans.map((s) => {
    const f = s.facts
    const os = f?.os ? `${f.os.id} ${f.os.versionId ?? ''}`.trim() : '-'
    const lv = f?.libvirt ? `${f.libvirt.version}${f.libvirt.libxl ? ' (libxl)' : ' (no libxl)'}` : '-'
    const status = s.ok ? (s.errors.length ? `ok, ${s.errors.length} unreadable` : 'ok') : `FAILED: ${s.error ?? 'unknown error'}`
    return [s.host, os, f?.xen?.version ?? '-', f?.toolstack?.inUse ?? (f ? 'offline' : '-'), lv, s.ok ? String(s.domains.length) : '-', status]
  })
  let out = renderTable(['HOST', 'OS', 'XEN', 'TOOLSTACK', 'LIBVIRT', 'DOMAINS', 'STATUS'], hostRows)
  const domRows = scans.flatMap((s) =>
    s.domains.map((d) => [
      d.name,
      s.host,
      d.uuid ?? '-',
      d.kind.toUpperCase(),
      formatKiB(d.memoryKiB),
      String(d.vcpus),
      String(d.disks.length),
      String(d.interfaces.length),
      `${d.state ?? '-'}${d.autostart ? ' (auto)' : ''}`,
      findingsText(d.findings),
      d.source,
    ]),
  )
  if (domRows.length) out += `\n${renderTable(['DOMAIN', 'HOST', 'UUID', 'TYPE', 'MEMORY', 'VCPUS', 'DISKS', 'NICS', 'STATE', 'FINDINGS', 'SOURCE'], domRows)}`
  const errRows = scans.flatMap((s) => s.errors.map((e) => [s.host, e.path, e.message]))
  if (errRows.length) out += `\n${renderTable(['HOST', 'UNREADABLE', 'WHY'], errRows)}`
  const noteRows = scans.flatMap((s) => (s.facts?.notes ?? []).map((n) => [s.host, n]))
  if (noteRows.length) out += `\n${renderTable(['HOST', 'NOTE'], noteRows)}`
  return out
}

function findingsText(f: {blocker: number; warning: number; info: number}): string {
  const parts = [f.blocker ? `${f.blocker} blocker` : '', f.warning ? `${f.warning} warning` : ''].filter(Boolean)
  return parts.length ? parts.join(', ') : '0'
}
