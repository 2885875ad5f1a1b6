/**
 * xl `vnuma` (a list of lists of `key=value` strings) → `<cpu><numa>` cells, as libvirt 9.0's
 * `xenParseXLVnuma` (`src/libxl/xen_xl.c`; xen-formats.md §5.3): keys matched by prefix
 * (`pnode`, `size` in MiB, `vcpus` a bitmap, `vdistances` one value per vnode); a vnode must
 * have pnode, vcpus and size; the number of vCPUs must fit maxvcpus. libvirt then makes the
 * domain memory the sum of the cell sizes.
 */
import type {NumaCell} from '../../model/domain.js'
import type {ConfigValue} from '../../model/native-config.js'
import {formatBitmap, parseBitmap} from './cpuset.js'

export type VnumaResult = {readonly cells: NumaCell[]; readonly vcpus: number} | {readonly error: string}

export function parseVnuma(list: readonly ConfigValue[]): VnumaResult {
  let nrNodes = 0
  while (nrNodes < list.length && Array.isArray(list[nrNodes])) nrNodes++
  // virDomainNumaSetNodeCount(0) fails (libvirt: "An error occurred, but the cause is unknown").
  if (nrNodes === 0) return {error: 'vnuma has no vnode lists ([["pnode=0", "size=…", "vcpus=…"], …])'}
  const cells: NumaCell[] = []
  let vcpus = 0
  for (let id = 0; id < list.length; id++) {
    const vnode = list[id]
    let pnode = -1
    let cpus: Set<number> | undefined
    let sizeMiB = 0
    let distances: {id: number; value: number}[] | undefined
    if (Array.isArray(vnode)) {
      for (const item of vnode) {
        if (typeof item !== 'string') break
        const eq = item.lastIndexOf('=')
        if (eq < 0) return {error: `vnuma vnode invalid format '${item}'`}
        const data = item.slice(eq + 1)
        if (data === '') continue
        if (data.length >= 64) return {error: `vnuma vnode ${id} value '${data}' too long`}
        if (item.startsWith('pnode')) {
          if (!/^\s*\+?\d+$/.test(data) || Number(data) >= nrNodes) return {error: `vnuma vnode ${id} contains invalid pnode value '${data}'`}
          pnode = Number(data)
        } else if (item.startsWith('size')) {
          if (!/^\s*\+?\d+$/.test(data)) return {error: `vnuma vnode ${id} has an invalid size '${data}'`}
          sizeMiB = Number(data)
        } else if (item.startsWith('vcpus')) {
          cpus = parseBitmap(data)
          if (cpus === undefined) return {error: `vnuma vnode ${id}: Failed to parse bitmap '${data}'`}
          vcpus += cpus.size
        } else if (item.startsWith('vdistances')) {
          const parts = data.split(',')
          if (parts.length !== nrNodes) {
            return {error: `vnuma pnode ${id} configured '${data}' (count ${parts.length}) doesn't fit the number of specified vnodes ${nrNodes}`}
          }
          distances = []
          for (let i = 0; i < parts.length; i++) {
            const p = parts[i] ?? ''
            if (!/^\s*\+?\d+$/.test(p)) return {error: `vnuma vnode ${id}: distance '${p}' is not a number`}
            distances.push({id: i, value: Number(p)})
          }
        } else {
          return {error: `Invalid vnuma configuration for vnode ${id} ('${item}')`}
        }
      }
    }
    if (pnode < 0 || cpus === undefined || sizeMiB === 0) return {error: `Incomplete vnuma configuration for vnode ${id} (needs pnode, vcpus and size)`}
    const cell: NumaCell = {id, cpus: formatBitmap(cpus), memoryKiB: sizeMiB * 1024}
    if (distances) cell.distances = distances
    cells.push(cell)
  }
  return {cells, vcpus}
}
