// Stand-in for libvirt's `virsh` (tools/virsh*.c, libvirt 9.x output) against the libxl driver.
// Domains live in $XENLIFT_SIM_ROOT/.sim/libvirt; `define` validates with the REAL
// /usr/bin/virt-xml-validate, as a schema-checking libvirtd would refuse bad XML.
import {execFileSync} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {existsSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {libvirtDefine} from './define-defaults.mjs'
import {err, Exit, hostConfig, libvirtdRunning, main, out, readJson, statePath, writeJson} from './state.mjs'

const VALIDATE = process.env.XENLIFT_SIM_VIRT_XML_VALIDATE ?? '/usr/bin/virt-xml-validate'

main('virsh', (argv) => {
  const c = hostConfig()
  const lv = c.libvirt
  if (!lv) {
    err('bash: virsh: command not found\n')
    return 127
  }
  let uri
  const args = [...argv]
  while (args.length && args[0].startsWith('-')) {
    const a = args.shift()
    if (a === '--version' || a === '-v' || a === '-V') {
      out(`${lv.version}\n`)
      return 0
    }
    if (a === '-c' || a === '--connect') uri = args.shift()
    else if (a.startsWith('--connect=')) uri = a.slice(10)
    else if (a === '-q' || a === '--quiet' || a === '-r' || a === '--readonly') continue
    else {
      err(`error: unsupported option '${a}'. See --help.\n`)
      return 1
    }
  }
  const [cmd, ...rest] = args
  if (cmd === undefined) {
    err('error: interactive shell is not available in this stand-in\n')
    return 1
  }
  // Injected fault: a libvirtd that never comes up (hangs in its start-up, socket never answers).
  if (!libvirtdRunning() || c.libvirtdNeverAnswers) {
    err("error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n")
    return 1
  }
  const effective = uri ?? 'xen:///system'
  if (!/^xen:\/\/\/(system)?$/.test(effective) || lv.libxl === false) {
    err(`error: failed to connect to the hypervisor\nerror: no connection driver available for ${effective}\n`)
    return 1
  }
  const commands = {uri: () => {
      out(`${effective}\n\n`)
      return 0
    }, list, define, dumpxml, start, destroy, undefine, domstate, domname, autostart}
  const fn = commands[cmd]
  if (!fn) {
    err(`error: unknown command: '${cmd}'\n`)
    return 1
  }
  return fn(parseCommandArgs(cmd, rest))
})

/** Options each command knows (libvirt 9 virsh-domain*.c); anything else is refused as virsh does. */
function knownOptions(cmd) {
  // A function, not a const: main() runs while this module is still being evaluated.
  return {
  uri: [],
  list: ['--all', '--inactive', '--name', '--uuid', '--table', '--persistent', '--transient', '--autostart', '--no-autostart', '--state-running', '--state-shutoff'],
  define: ['--validate'],
  dumpxml: ['--inactive', '--security-info', '--update-cpu', '--migratable'],
  start: ['--paused', '--autodestroy', '--console', '--bypass-cache', '--force-boot'],
  destroy: ['--graceful'],
  undefine: ['--managed-save', '--snapshots-metadata', '--checkpoints-metadata', '--nvram', '--keep-nvram', '--remove-all-storage', '--wipe-storage'],
  domstate: ['--reason'],
  domname: [],
  autostart: ['--disable'],
  }[cmd] ?? []
}

/**
 * vsh.c's command-line parsing: a token `--word` is an option (refused when the command does
 * not know it), `--` ends the options, anything else is data. So a domain named `--all` must come
 * after `--`, as real virsh needs.
 */
function parseCommandArgs(cmd, args) {
  const opts = new Set()
  const operands = []
  let dataOnly = false
  for (const a of args) {
    if (!dataOnly && a === '--') dataOnly = true
    else if (!dataOnly && /^--[A-Za-z0-9]/.test(a)) {
      const name = a.split('=')[0]
      if (!knownOptions(cmd).includes(name)) {
        err(`error: command '${cmd}' doesn't support option ${name}\n`)
        throw new Exit(1)
      }
      opts.add(name)
    } else operands.push(a)
  }
  return {opts, operands}
}

function unescapeXml(s) {
  return s.replace(/&(apos|quot|lt|gt|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, e, d, x) =>
    d ? String.fromCodePoint(Number(d)) : x ? String.fromCodePoint(parseInt(x, 16)) : {apos: "'", quot: '"', lt: '<', gt: '>', amp: '&'}[e],
  )
}

function domains() {
  return readJson('libvirt/domains.json', {})
}

function active() {
  return readJson('libvirt/active.json', {})
}

function findDomain(ref) {
  const all = domains()
  for (const [name, d] of Object.entries(all)) if (name === ref || d.uuid === ref) return {name, ...d}
  const act = active()
  for (const [name, id] of Object.entries(act)) if (String(id) === ref && all[name]) return {name, ...all[name]}
  return undefined
}

function noDomain(ref) {
  err(`error: failed to get domain '${ref}'\n`)
  throw new Exit(1)
}

function xmlPath(name) {
  return statePath('libvirt', 'xml', `${name}.xml`)
}

function list(args) {
  const all = args.opts.has('--all')
  const namesOnly = args.opts.has('--name')
  const uuids = args.opts.has('--uuid')
  const act = active()
  const rows = Object.keys(domains())
    .sort()
    .map((name) => [act[name] !== undefined ? String(act[name]) : '-', name, act[name] !== undefined ? 'running' : 'shut off'])
    .filter((r) => all || r[2] === 'running')
    .sort((a, b) => (a[0] === '-' ? 1 : 0) - (b[0] === '-' ? 1 : 0) || Number(a[0]) - Number(b[0]))
  if (uuids) {
    // virsh 7.x+: --uuid with --name prints "uuid name" per line; --uuid alone the uuid.
    for (const r of rows) out(namesOnly ? `${domains()[r[1]].uuid} ${r[1]}\n` : `${domains()[r[1]].uuid}\n`)
    out('\n')
    return 0
  }
  if (namesOnly) {
    for (const r of rows) out(`${r[1]}\n`)
    out('\n')
    return 0
  }
  // vshTable: one leading space, columns padded to their widest cell, three spaces between.
  const table = [['Id', 'Name', 'State'], ...rows]
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => r[i].length)))
  const line = (r) => ` ${r.map((c, i) => c.padEnd(widths[i])).join('   ')}`.trimEnd()
  const padded = ` ${table[0].map((c, i) => c.padEnd(widths[i])).join('   ')}`
  // vshTablePrint: the rule runs two past the padded header; cells are not right-padded at the end.
  out(`${padded.trimEnd()}\n${'-'.repeat(padded.length + 2)}\n`)
  for (const r of rows) out(`${line(r)}\n`)
  out('\n')
  return 0
}

function define(args) {
  const file = args.operands[0]
  if (!file) {
    err("error: command 'define' requires <file> option\n")
    return 1
  }
  let xml
  // `define /dev/stdin` (how xenlift hands over XML with passwords): validated from a private copy.
  const fromStdin = file === '/dev/stdin' || file === '-'
  let check = file
  try {
    xml = readFileSync(fromStdin ? 0 : file, 'utf8')
    if (fromStdin) {
      check = statePath(`define-stdin-${process.pid}.xml`)
      mkdirSync(statePath(), {recursive: true})
      writeFileSync(check, xml, {mode: 0o600})
    }
  } catch {
    err(`error: Failed to read file '${file}' to define domain\nerror: Failed to open file '${file}': No such file or directory\n`)
    return 1
  }
  if (existsSync(VALIDATE)) {
    try {
      execFileSync(VALIDATE, [check, 'domain'], {stdio: ['ignore', 'pipe', 'pipe']})
    } catch (e) {
      const detail = `${e.stderr ?? ''}`.split('\n').find((l) => l.trim() && !/fails to validate$/.test(l)) ?? 'schema error'
      err(`error: Failed to define domain from ${file}\nerror: XML document failed to validate against schema: Unable to validate doc against /usr/share/libvirt/schemas/domain.rng\n${detail.trim()}\n`)
      return 1
    } finally {
      if (fromStdin) rmSync(check, {force: true})
    }
  } else if (fromStdin) rmSync(check, {force: true})
  const rawName = /<name>([^<]*)<\/name>/.exec(xml)?.[1]
  const name = rawName === undefined ? undefined : unescapeXml(rawName).trim()
  if (!name) {
    err(`error: Failed to define domain from ${file}\nerror: XML error: missing domain name information\n`)
    return 1
  }
  if (name.includes('/')) {
    err(`error: Failed to define domain from ${file}\nerror: XML error: name ${name} cannot contain '/'\n`)
    return 1
  }
  let uuid = /<uuid>([^<]*)<\/uuid>/.exec(xml)?.[1]?.toLowerCase()
  const all = domains()
  // virDomainObjListAddLocked: same name + other uuid, or same uuid + other name, is refused.
  const byName = all[name]
  if (byName && uuid !== undefined && byName.uuid !== uuid) {
    err(`error: Failed to define domain from ${file}\nerror: operation failed: domain '${name}' already exists with uuid ${byName.uuid}\n`)
    return 1
  }
  for (const [other, d] of Object.entries(all)) {
    if (uuid !== undefined && d.uuid === uuid && other !== name) {
      err(`error: Failed to define domain from ${file}\nerror: operation failed: domain '${other}' is already defined with uuid ${uuid}\n`)
      return 1
    }
  }
  if (uuid === undefined) {
    uuid = byName?.uuid ?? randomUUID()
    xml = xml.replace(/(<name>[^<]*<\/name>\n?)(\s*)/, `$1$2<uuid>${uuid}</uuid>\n$2`)
  }
  mkdirSync(statePath('libvirt', 'xml'), {recursive: true})
  // Stored as libvirt holds it after its parse and post-parse (define-defaults.mjs).
  writeFileSync(xmlPath(name), libvirtDefine(xml))
  all[name] = {uuid, autostart: byName?.autostart ?? false}
  writeJson('libvirt/domains.json', all)
  out(`Domain '${name}' defined from ${file}\n\n`)
  return 0
}

function dumpxml(args) {
  const inactive = args.opts.has('--inactive')
  // Like libvirt: passwords only with --security-info (VIR_DOMAIN_XML_SECURE).
  const secure = args.opts.has('--security-info')
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  let xml = readFileSync(xmlPath(d.name), 'utf8')
  const id = active()[d.name]
  if (id !== undefined && !inactive) xml = xml.replace(/^<domain type='xen'/, `<domain type='xen' id='${id}'`)
  if (!secure) xml = xml.replace(/(<graphics\b[^>]*?) passwd=(?:'[^']*'|"[^"]*")/g, '$1')
  out(xml.endsWith('\n') ? xml : `${xml}\n`)
  out('\n')
  return 0
}

function start(args) {
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  const act = active()
  if (act[d.name] !== undefined) {
    err(`error: Failed to start domain '${d.name}'\nerror: Requested operation is not valid: domain is already running\n`)
    return 1
  }
  act[d.name] = Math.max(0, ...Object.values(act)) + 1
  writeJson('libvirt/active.json', act)
  out(`Domain '${d.name}' started\n\n`)
  return 0
}

function destroy(args) {
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  const act = active()
  if (act[d.name] === undefined) {
    err(`error: Failed to destroy domain '${d.name}'\nerror: Requested operation is not valid: domain is not running\n`)
    return 1
  }
  delete act[d.name]
  writeJson('libvirt/active.json', act)
  out(`Domain '${d.name}' destroyed\n\n`)
  return 0
}

function undefine(args) {
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  const all = domains()
  delete all[d.name]
  writeJson('libvirt/domains.json', all)
  if (active()[d.name] === undefined) rmSync(xmlPath(d.name), {force: true})
  out(`Domain '${d.name}' has been undefined\n\n`)
  return 0
}

function domstate(args) {
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  out(`${active()[d.name] !== undefined ? 'running' : 'shut off'}\n\n`)
  return 0
}

function domname(args) {
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  out(`${d.name}\n\n`)
  return 0
}

function autostart(args) {
  const disable = args.opts.has('--disable')
  const ref = args.operands[0]
  const d = ref && findDomain(ref)
  if (!d) return noDomain(ref ?? '')
  const all = domains()
  all[d.name].autostart = !disable
  writeJson('libvirt/domains.json', all)
  out(disable ? `Domain '${d.name}' unmarked as autostarted\n\n` : `Domain '${d.name}' marked as autostarted\n\n`)
  return 0
}
