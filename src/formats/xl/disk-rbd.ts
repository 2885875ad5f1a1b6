import type {Disk} from '../../model/domain.js'

/**
 * virStorageSourceParseRBDColonString: `rbd:pool/image[@snap][:opt=val…]`; a backslash escapes
 * the next character; `id=` → auth user with a ceph secret, `mon_host=h\\:p\\;h2…` → hosts.
 * The snapshot and `conf=` have no place in the model and are dropped.
 */
export function parseRbd(text: string): NonNullable<Disk['source']> {
  const body = text.startsWith('rbd:') ? text.slice(4) : text
  const colon = body.indexOf(':')
  const image = colon >= 0 ? body.slice(0, colon) : body
  const name = image.split('@')[0] ?? ''
  const source: NonNullable<Disk['source']> = {protocol: 'rbd', name}
  if (colon < 0) return source
  const options = body.slice(colon + 1)
  let p = 0
  while (p < options.length) {
    let e = p
    while (e < options.length && options[e] !== ':') {
      if (options[e] === '\\') e++
      e++
    }
    const opt = options.slice(p, Math.min(e, options.length))
    if (opt.startsWith('id=')) source.auth = {username: opt.slice(3), secretType: 'ceph'}
    if (opt.startsWith('mon_host=')) source.hosts = rbdHosts(opt.slice(9))
    p = e + 1
  }
  return source
}

function rbdHosts(list: string): {name: string; port?: number}[] {
  const hosts: {name: string; port?: number}[] = []
  for (const hostport of list.split(/\\[,; ]/)) {
    let host = hostport
    let port: string | undefined
    const bracket = host.indexOf(']')
    if (bracket >= 0) {
      port = host.slice(bracket + 3)
      host = host.slice(1, bracket)
    } else {
      const i = host.indexOf('\\:')
      if (i >= 0) {
        port = host.slice(i + 2)
        host = host.slice(0, i)
      }
    }
    const h: {name: string; port?: number} = {name: host.split('\\:').join(':')}
    if (port !== undefined && /^\d+$/.test(port)) h.port = Number(port)
    hosts.push(h)
  }
  return hosts
}
