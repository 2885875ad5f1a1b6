import type {Domain} from '../../model/domain.js'
import type {LibvirtTarget} from './target.js'

/** Domain → libvirt domain XML text, in libvirt's own formatting. Placeholder until it lands. */
export function writeLibvirtXml(domain: Domain, _target: LibvirtTarget): string {
  return `<domain type='xen'>\n  <name>${domain.name}</name>\n</domain>\n`
}
