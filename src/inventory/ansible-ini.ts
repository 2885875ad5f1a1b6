import {diag, type Diagnostic} from '../model/diagnostic.js'
import {type HostSpec, type Inventory, isHostName, isUserName, parseHostAddress} from './host-spec.js'

interface HostDecl {
  hostname: string
  port?: number
  user?: string
  vars: Record<string, string>
  /** Where each variable was set (the connection vars are refused at their own line). */
  varLines: Record<string, number>
  groups: Set<string>
  line: number
}

interface GroupDecl {
  vars: Record<string, string>
  varLines: Record<string, number>
  children: Set<string>
  hosts: Set<string>
  line: number
}

const SECTION_RE = /^\[([^\]:\s]+)(?::(vars|children))?\]$/
const MAX_RANGE = 10_000

/**
 * Ansible's INI inventory (ansible `plugins/inventory/ini.py`): hosts before any section are
 * `ungrouped`; `[g]` lists hosts with `key=value` host vars, `[g:vars]` sets group vars,
 * `[g:children]` nests groups. Ranges `web[01:20]`/`db-[a:c]` expand as Ansible's do. Of the
 * connection vars, `ansible_host`, `ansible_port`, `ansible_user` (and the old `ansible_ssh_*`)
 * are used; the rest are kept in `vars`. Variable precedence as Ansible's: `all`, then groups
 * by depth (parents before children, then by name), then host vars.
 */
export function parseAnsibleIni(text: string, file?: string): Inventory {
  const diagnostics: Diagnostic[] = []
  const at = (line: number, column = 1) => ({...(file !== undefined ? {file} : {}), line, column})
  const hosts = new Map<string, HostDecl>()
  const groups = new Map<string, GroupDecl>()
  const group = (name: string, line: number): GroupDecl => {
    const known = groups.get(name)
    if (known) return known
    const g: GroupDecl = {vars: {}, varLines: {}, children: new Set(), hosts: new Set(), line}
    groups.set(name, g)
    return g
  }
  group('all', 0)
  group('ungrouped', 0)
  let section: {name: string; kind: 'hosts' | 'vars' | 'children'} = {name: 'ungrouped', kind: 'hosts'}

  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    const body = raw.trim()
    if (body === '' || body.startsWith('#') || body.startsWith(';')) return
    if (body.startsWith('[')) {
      const m = SECTION_RE.exec(body)
      if (!m) {
        diagnostics.push(diag('SYNTAX', 'error', `bad section header ${body} (expected [group], [group:vars] or [group:children])`, at(line)))
        section = {name: '', kind: 'hosts'}
        return
      }
      section = {name: m[1] as string, kind: (m[2] as 'vars' | 'children' | undefined) ?? 'hosts'}
      group(section.name, line)
      return
    }
    if (section.name === '') return // inside a broken section: already reported
    const col = raw.indexOf(body) + 1
    if (section.kind === 'vars') {
      const kv = parseVars(body)
      if ('error' in kv) diagnostics.push(diag('SYNTAX', 'error', `[${section.name}:vars]: ${kv.error}`, at(line, col)))
      else {
        const g = group(section.name, line)
        Object.assign(g.vars, kv.vars)
        for (const k of Object.keys(kv.vars)) g.varLines[k] = line
      }
      return
    }
    if (section.kind === 'children') {
      if (!/^[A-Za-z0-9_.-]+$/.test(body)) {
        diagnostics.push(diag('SYNTAX', 'error', `[${section.name}:children]: "${body}" is not a group name`, at(line, col)))
        return
      }
      group(body, line)
      group(section.name, line).children.add(body)
      return
    }
    const [pattern = '', ...rest] = splitWords(body)
    const kv = parseVars(rest.join(' '))
    if ('error' in kv) {
      diagnostics.push(diag('SYNTAX', 'error', `host ${pattern}: ${kv.error}`, at(line, col)))
      return
    }
    const names = expandRange(pattern)
    if (typeof names === 'string') {
      diagnostics.push(diag('BAD-VALUE', 'error', `host ${pattern}: ${names}`, at(line, col)))
      return
    }
    for (const n of names) {
      const addr = parseHostAddress(n)
      if (!addr || addr.user !== undefined) {
        diagnostics.push(diag('BAD-VALUE', 'error', `not a host name: "${n}"`, at(line, col)))
        continue
      }
      const name = addr.hostname
      const h: HostDecl = hosts.get(name) ?? {hostname: name, vars: {}, varLines: {}, groups: new Set(), line}
      hosts.set(name, h)
      if (addr.port !== undefined) h.port = addr.port
      Object.assign(h.vars, kv.vars)
      for (const k of Object.keys(kv.vars)) h.varLines[k] = line
      h.groups.add(section.name)
      group(section.name, line).hosts.add(name)
    }
  })

  const depth = groupDepths(groups, (cycle) => diagnostics.push(diag('BAD-VALUE', 'error', `group cycle: ${cycle.join(' -> ')}`, at(groups.get(cycle[0] as string)?.line ?? 1))))
  const members = (g: string, seen = new Set<string>()): Set<string> => {
    const out = new Set(groups.get(g)?.hosts ?? [])
    if (seen.has(g)) return out
    seen.add(g)
    for (const c of groups.get(g)?.children ?? []) for (const h of members(c, seen)) out.add(h)
    return out
  }
  const groupMembers: Record<string, string[]> = {}
  for (const g of [...groups.keys()].sort()) groupMembers[g] = g === 'all' ? [...hosts.keys()].sort() : [...members(g)].sort()
  // A host listed in some group is not "ungrouped" (Ansible moves it out).
  groupMembers.ungrouped = (groupMembers.ungrouped ?? []).filter((h) => [...(hosts.get(h)?.groups ?? [])].every((g) => g === 'ungrouped'))

  const specs: HostSpec[] = []
  for (const [name, h] of [...hosts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const hostGroups = Object.keys(groupMembers).filter((g) => groupMembers[g]?.includes(name)).sort()
    const ordered = [...hostGroups].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
    const vars: Record<string, string> = {}
    const varLines: Record<string, number> = {}
    for (const g of ordered) {
      Object.assign(vars, groups.get(g)?.vars)
      Object.assign(varLines, groups.get(g)?.varLines)
    }
    Object.assign(vars, h.vars)
    Object.assign(varLines, h.varLines)
    const spec = toSpec(name, h, vars, hostGroups, file, (msg, key) => diagnostics.push(diag('BAD-VALUE', 'error', `host ${name}: ${msg}`, at((key !== undefined ? varLines[key] : undefined) ?? h.line))))
    if (spec) specs.push(spec)
  }
  return {hosts: specs, groups: groupMembers, diagnostics}
}

function toSpec(
  name: string,
  h: HostDecl,
  vars: Record<string, string>,
  groups: string[],
  file: string | undefined,
  fail: (msg: string, key?: string) => void,
): HostSpec | undefined {
  const portKey = vars.ansible_port !== undefined ? 'ansible_port' : 'ansible_ssh_port'
  const portText = vars[portKey]
  let port = h.port
  if (portText !== undefined) {
    port = Number(portText)
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      fail(`ansible_port "${portText}" is not a TCP port (1-65535)`, portKey)
      return undefined
    }
  }
  // Validated as --host values are: both reach ssh, and a ProxyCommand's %h/%r is run by /bin/sh -c.
  const hostKey = vars.ansible_host !== undefined ? 'ansible_host' : vars.ansible_ssh_host !== undefined ? 'ansible_ssh_host' : undefined
  const hostname = hostKey !== undefined ? (vars[hostKey] as string) : h.hostname
  if (hostKey !== undefined && !isHostName(hostname)) {
    fail(`${hostKey} ${JSON.stringify(hostname)} is not a host name or address (letters, digits, ".", "-", "_", IP addresses)`, hostKey)
    return undefined
  }
  const userKey = vars.ansible_user !== undefined ? 'ansible_user' : vars.ansible_ssh_user !== undefined ? 'ansible_ssh_user' : undefined
  const user = userKey !== undefined ? (vars[userKey] as string) : h.user
  if (userKey !== undefined && !isUserName(user as string)) {
    fail(`${userKey} ${JSON.stringify(user)} is not a login name (letters, digits, ".", "-", "_")`, userKey)
    return undefined
  }
  return {
    name,
    hostname: hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(port !== undefined ? {port} : {}),
    ...(user !== undefined ? {user} : {}),
    groups,
    vars,
    source: {...(file !== undefined ? {file} : {}), line: h.line},
  }
}

/** all = 0; every other group is one deeper than its deepest parent (Ansible's group depth). */
function groupDepths(groups: Map<string, GroupDecl>, onCycle: (cycle: string[]) => void): Map<string, number> {
  const parents = new Map<string, string[]>()
  for (const [g, d] of groups) for (const c of d.children) parents.set(c, [...(parents.get(c) ?? []), g])
  const depth = new Map<string, number>([['all', 0]])
  const visit = (g: string, stack: string[]): number => {
    const known = depth.get(g)
    if (known !== undefined) return known
    if (stack.includes(g)) {
      onCycle([...stack.slice(stack.indexOf(g)), g])
      return 1
    }
    const ps = parents.get(g) ?? []
    const d = 1 + Math.max(0, ...ps.map((p) => visit(p, [...stack, g])))
    depth.set(g, d)
    return d
  }
  for (const g of groups.keys()) visit(g, [])
  return depth
}

/** Split on whitespace outside quotes (`a="x y" b=1`). */
function splitWords(text: string): string[] {
  return text.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []
}

function parseVars(text: string): {vars: Record<string, string>} | {error: string} {
  const vars: Record<string, string> = {}
  for (const w of splitWords(text.replace(/\s+#.*$/, ''))) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(w)
    if (!m) return {error: `expected key=value, got "${w}"`}
    vars[m[1] as string] = unquote(m[2] as string)
  }
  return {vars}
}

function unquote(v: string): string {
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v)
  return m ? (m[1] as string) : v
}

/** Ansible host ranges: `web[01:03]` → web01 web02 web03, `[a:c]`, optional `:step`. */
function expandRange(pattern: string): string[] | string {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/.exec(pattern)
  if (!m || /^\[[0-9A-Fa-f:.]*\](:\d+)?$/.test(pattern)) return [pattern]
  const [, pre = '', from = '', to = '', stepText, post = ''] = m
  const step = stepText !== undefined ? Number(stepText) : 1
  if (step < 1) return 'range step must be at least 1'
  const out: string[] = []
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') ? from.length : 0
    const a = Number(from)
    const b = Number(to)
    if (b < a) return `range [${from}:${to}] runs backwards`
    if ((b - a) / step > MAX_RANGE) return `range [${from}:${to}] has more than ${MAX_RANGE} hosts`
    for (let n = a; n <= b; n += step) out.push(`${pre}${String(n).padStart(width, '0')}${post}`)
  } else if (/^[a-z]$/.test(from) && /^[a-z]$/.test(to)) {
    if (to < from) return `range [${from}:${to}] runs backwards`
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += step) out.push(`${pre}${String.fromCharCode(c)}${post}`)
  } else {
    return `bad range [${from}:${to}]`
  }
  return out.flatMap((n) => {
    const r = expandRange(n)
    return typeof r === 'string' ? [n] : r
  })
}
