/**
 * What libvirt stores when it defines one of our XMLs: `virsh define` runs the full parse and
 * post-parse, and `dumpxml` prints the result, so a few things come back other than we sent
 * them although nothing was changed by anyone. `convert` keeps libvirt's from-native text (what
 * `virsh domxml-from-native` prints); only the comparison with a defined domain (`import`, its
 * `--dry-run` diff) needs the defined form, so that it shows real differences only.
 *
 * Each rule is one libvirt does on define (checked on the Xen lab's libvirt 9.0, and in its
 * sources where named):
 * - `<pae/>` on every x86_64 HVM domain (libxlDomainDefPostParse, "always enable pae"); the SXP
 *   reader, like xend and libvirt 4.5's xenParseSxpr, writes it only for `(pae 1)`;
 * - `<hap/>` is the tristate HAP feature, formatted `<hap state='on'/>`
 *   (virDomainDefFormatFeatures);
 * - disks in libvirt's order (virDomainDiskInsert, disk-order.ts): a config listing xvdb first;
 * - an empty CD-ROM (no `<source>`) of `type='block'`, as xm's `',hdc:cdrom,r'` converts, is
 *   stored as `type='file'`;
 * - an openvswitch `<virtualport>` without parameters gets a random `interfaceid`
 *   (virNetDevVPortProfile post-parse): the one already defined is kept when `defined` has it.
 * Pure text rewriting of our own writer's layout (one element per line, two-space indent).
 */
import {libvirtDiskOrder} from './disk-order.js'
import type {LibvirtTarget} from './target.js'

/** `xml` (this converter's output) as libvirt would print it once defined; `defined` is what it holds now, if anything. */
export function asDefinedByLibvirt(xml: string, target: Pick<LibvirtTarget, 'arch' | 'diskBusFromName'>, defined?: string): string {
  let out = withPae(xml, target.arch)
  out = out.replace(/^(\s*)<hap\/>$/m, "$1<hap state='on'/>")
  out = inDiskOrder(out, target)
  const before = out
  out = out.replace(/^( *)<disk type='block' device='cdrom'>\n/gm, (whole, indent: string, offset: number) =>
    emptyDiskBlock(before, offset) ? `${indent}<disk type='file' device='cdrom'>\n` : whole,
  )
  return defined !== undefined ? withDefinedInterfaceIds(out, defined) : out
}

function withPae(xml: string, arch: string): string {
  const type = /<type\b([^>]*)>hvm<\/type>/.exec(xml)
  if (!type || /<pae\b/.test(xml)) return xml
  const typeArch = /\barch='([^']*)'/.exec(type[1] ?? '')?.[1] ?? arch
  if (typeArch !== 'x86_64') return xml
  const features = /^( *)<features>\n((?:\1 {2}.*\n)*?)\1<\/features>\n/m.exec(xml)
  if (features) {
    // Formatter order: acpi, apic, pae, hap, …
    const indent = `${features[1]}  `
    const lines = (features[2] ?? '').split('\n').slice(0, -1)
    let at = 0
    while (at < lines.length && /^\s*<(acpi|apic)\b/.test(lines[at] as string)) at++
    lines.splice(at, 0, `${indent}<pae/>`)
    return xml.replace(features[0], `${features[1]}<features>\n${lines.join('\n')}\n${features[1]}</features>\n`)
  }
  // No <features> yet: libvirt's formatter puts it right after </os>.
  return xml.replace(/^( *)<\/os>\n/m, (m, indent: string) => `${m}${indent}<features>\n${indent}  <pae/>\n${indent}</features>\n`)
}

/** Is the `<disk>` starting at `offset` one without a `<source>` element? */
function emptyDiskBlock(xml: string, offset: number): boolean {
  const end = xml.indexOf('</disk>', offset)
  return end >= 0 && !/<source\b/.test(xml.slice(offset, end))
}

const DISK_BLOCK = /^ *<disk\b[^\n]*>\n(?: .*\n)*? *<\/disk>\n/gm

function inDiskOrder(xml: string, target: Pick<LibvirtTarget, 'diskBusFromName'>): string {
  const blocks = [...xml.matchAll(DISK_BLOCK)]
  if (blocks.length < 2) return xml
  // Our writer puts every <disk> together; anything else is left as it is.
  const first = blocks[0] as RegExpMatchArray
  const start = first.index ?? 0
  const run = blocks.map((b) => b[0]).join('')
  if (xml.slice(start, start + run.length) !== run) return xml
  const ordered = libvirtDiskOrder(
    blocks.map((b) => b[0]),
    (text) => {
      const t = /<target\b([^>]*)\/>/.exec(text)?.[1] ?? ''
      const bus = /\bbus='([^']*)'/.exec(t)?.[1]
      return {dev: /\bdev='([^']*)'/.exec(t)?.[1] ?? '', ...(bus !== undefined ? {bus} : {}), floppy: /device='floppy'/.test(text)}
    },
    target,
  )
  return xml.slice(0, start) + ordered.join('') + xml.slice(start + run.length)
}

const OVS_BARE = /^( *)<virtualport type='openvswitch'\/>\n/gm
const OVS_WITH_ID = /^ *<virtualport type='openvswitch'>\n *<parameters interfaceid='[0-9a-f-]+'\/>\n *<\/virtualport>\n/gm

/** The n-th parameterless openvswitch port takes the interfaceid libvirt generated for the n-th one defined. */
function withDefinedInterfaceIds(xml: string, defined: string): string {
  const ids = [...defined.matchAll(OVS_WITH_ID)].map((m) => /interfaceid='([^']*)'/.exec(m[0])?.[1] as string)
  let n = 0
  return xml.replace(OVS_BARE, (whole, indent: string) => {
    const id = ids[n++]
    return id === undefined ? whole : `${indent}<virtualport type='openvswitch'>\n${indent}  <parameters interfaceid='${id}'/>\n${indent}</virtualport>\n`
  })
}
