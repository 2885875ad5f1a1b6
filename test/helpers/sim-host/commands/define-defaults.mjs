// What a real libvirt 9.0 (libxl driver) changes in a domain XML when it defines it, as the Xen
// lab's libvirt showed it (test/lab/known-differences.ts, phase 'define') and its sources say:
// - <pae/> on every x86_64 HVM domain (libxlDomainDefPostParse);
// - <hap/> printed as <hap state='on'/> (the HAP tristate's format);
// - disks in virDomainDiskInsert's order: grouped by the bus written in the XML (a missing bus is
//   one group of its own, named only in post-parse), groups in order of first appearance, each
//   sorted by virDiskNameToIndex;
// - an empty type='block' CD-ROM stored as type='file';
// - a random interfaceid for an openvswitch <virtualport> that has none.
// Written for the stand-in on its own, not shared with src/: it is the "real libvirt" the import
// comparison is tested against.
import {randomUUID} from 'node:crypto'

export function libvirtDefine(xml) {
  let out = xml
  if (/<type\b[^>]*>hvm<\/type>/.test(out) && !/<pae\b/.test(out) && !/<type\b[^>]*arch='(?!x86_64')/.test(out)) {
    if (/<features>/.test(out)) {
      const lines = out.split('\n')
      let i = lines.findIndex((l) => l.trim() === '<features>') + 1
      const indent = `${lines[i - 1].match(/^ */)[0]}  `
      while (/^\s*<(acpi|apic)\b/.test(lines[i])) i++
      lines.splice(i, 0, `${indent}<pae/>`)
      out = lines.join('\n')
    } else {
      out = out.replace(/^( *)<\/os>\n/m, (m, ind) => `${m}${ind}<features>\n${ind}  <pae/>\n${ind}</features>\n`)
    }
  }
  out = out.replace(/<hap\/>/g, "<hap state='on'/>")
  out = sortDisks(out)
  out = out.replace(/<disk type='block' device='cdrom'>(\n(?:(?!<\/disk>)[\s\S])*?<\/disk>)/g, (whole, body) =>
    body.includes('<source') ? whole : `<disk type='file' device='cdrom'>${body}`,
  )
  out = out.replace(/^( *)<virtualport type='openvswitch'\/>$/gm, (_m, ind) => `${ind}<virtualport type='openvswitch'>\n${ind}  <parameters interfaceid='${randomUUID()}'/>\n${ind}</virtualport>`)
  return out
}

function nameIndex(dev) {
  const m = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)\d*$/.exec(dev)
  if (!m) return -1
  let idx = 0
  for (const [i, ch] of [...m[1]].entries()) idx = (idx + (i === 0 ? 0 : 1)) * 26 + (ch.charCodeAt(0) - 97)
  return idx
}

function sortDisks(xml) {
  const re = /^ *<disk\b[^\n]*>\n(?:.*\n)*? *<\/disk>\n/gm
  const blocks = [...xml.matchAll(re)]
  if (blocks.length < 2) return xml
  const start = blocks[0].index
  const end = blocks.at(-1).index + blocks.at(-1)[0].length
  const disks = blocks.map((b) => {
    const target = /<target\b([^>]*)\/>/.exec(b[0])?.[1] ?? ''
    return {text: b[0], bus: /bus='([^']*)'/.exec(target)?.[1] ?? '(none)', index: nameIndex(/dev='([^']*)'/.exec(target)?.[1] ?? '')}
  })
  const buses = [...new Set(disks.map((d) => d.bus))]
  const sorted = buses.flatMap((b) => disks.filter((d) => d.bus === b).sort((x, y) => x.index - y.index))
  return xml.slice(0, start) + sorted.map((d) => d.text).join('') + xml.slice(end)
}
