import type {Domain} from '../../model/domain.js'
import type {LibvirtTarget} from './target.js'

/** What libvirt's post-parse adds (inputs, video, consoles, controllers, addresses…). Placeholder. */
export function applyLibvirtDefaults(domain: Domain, _target: LibvirtTarget): Domain {
  return domain
}
