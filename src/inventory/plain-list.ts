import {diag, type Diagnostic} from '../model/diagnostic.js'
import {type HostSpec, type Inventory, parseHostAddress} from './host-spec.js'

/**
 * A plain host list: one `[user@]host[:port]` per line; `#` starts a comment (whole line or
 * after the host); blank lines are ignored. A host named twice is reported and kept once.
 */
export function parsePlainList(text: string, file?: string): Inventory {
  const hosts: HostSpec[] = []
  const diagnostics: Diagnostic[] = []
  const seen = new Map<string, number>()
  const at = (line: number, column = 1) => ({...(file !== undefined ? {file} : {}), line, column})
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    const body = raw.replace(/(^|\s)#.*$/, '').trim()
    if (body === '') return
    if (/\s/.test(body)) {
      diagnostics.push(diag('SYNTAX', 'error', `expected one [user@]host[:port] per line, got "${body}"`, at(line, raw.indexOf(body) + 1)))
      return
    }
    const addr = parseHostAddress(body)
    if (!addr) {
      diagnostics.push(diag('BAD-VALUE', 'error', `not a host: "${body}" (expected [user@]host[:port])`, at(line, raw.indexOf(body) + 1)))
      return
    }
    const name = body.replace(/^[^@]*@/, '')
    const first = seen.get(name)
    if (first !== undefined) {
      diagnostics.push(diag('DUPLICATE', 'warning', `host ${name} is listed again (first on line ${first}); using the first`, at(line)))
      return
    }
    seen.set(name, line)
    hosts.push({name, ...addr, groups: ['all'], vars: {}, source: {...(file !== undefined ? {file} : {}), line}})
  })
  return {hosts, groups: {all: hosts.map((h) => h.name).sort()}, diagnostics}
}
