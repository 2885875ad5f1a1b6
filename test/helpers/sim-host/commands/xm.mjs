// Stand-in for xend's `xm` (Xen ≤ 4.4, tools/python/xen/xm/main.py): list, list -l, info.
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {err, Exit, hostConfig, main, out, privileged, root, runningDomains, writeJson, xendRunning} from './state.mjs'

const NO_XEND = 'Error: Unable to connect to xend: No such file or directory. Is xend running?\n'

main('xm', (args) => {
  const [sub, ...rest] = args
  if (sub === undefined || sub === 'help' || sub === '--help') {
    out('Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n')
    return sub === undefined ? 1 : 0
  }
  // xm/main.py: every subcommand but help needs root (it talks to xend's root-only socket).
  if (!privileged()) {
    err('Error: Most commands need root access.  Please try again as root.\n')
    return 1
  }
  if (!xendRunning()) {
    err(NO_XEND)
    return 1
  }
  switch (sub) {
    case 'list':
      return list(rest)
    case 'info':
      return info()
    case 'shutdown':
      return shutdown(rest)
    case 'destroy':
      return destroy(rest)
    case 'create':
      return create(rest)
    case 'start':
      return startManaged(rest)
    default:
      err(`Error: Subcommand ${sub} not found!\n`)
      return 1
  }
})

function dom0() {
  const c = hostConfig()
  return {name: 'Domain-0', domid: 0, memory: c.dom0MemoryMiB ?? 1024, vcpus: c.nrCpus ?? 4, state: 'r-----', cpuTime: 1234.5, uuid: '00000000-0000-0000-0000-000000000000'}
}

function list(args) {
  const long = args.includes('-l') || args.includes('--long')
  const names = args.filter((a) => !a.startsWith('-'))
  let doms = [dom0(), ...runningDomains()]
  if (names.length) {
    for (const n of names) {
      if (!doms.some((d) => d.name === n || String(d.domid) === n)) {
        err(`Error: the domain '${n}' does not exist.\n`)
        throw new Exit(1)
      }
    }
    doms = doms.filter((d) => names.includes(d.name) || names.includes(String(d.domid)))
  }
  if (long) {
    for (const d of doms) out(`${sxpOf(d)}\n`)
    return 0
  }
  // xm_brief_list: '%-40s %5s %5s %5s %10s %9s' header, then '%-40s %5d %5d %5d %10s %9.1f'
  out(`${'Name'.padEnd(40)} ${'ID'.padStart(5)} ${'Mem'.padStart(5)} ${'VCPUs'.padStart(5)} ${'State'.padStart(10)} ${'Time(s)'.padStart(9)}\n`)
  for (const d of doms) {
    out(`${d.name.padEnd(40)} ${String(d.domid).padStart(5)} ${String(d.memory).padStart(5)} ${String(d.vcpus).padStart(5)} ${d.state.padStart(10)} ${d.cpuTime.toFixed(1).padStart(9)}\n`)
  }
  return 0
}

function sxpOf(d) {
  if (d.sxp) {
    // The stored config plus the runtime keys `xm list -l` adds (domid, state, cpu_time).
    const text = readFileSync(join(root, d.sxp), 'utf8').trim()
    return text.replace(/^\(domain/, `(domain\n    (domid ${d.domid})\n    (state ${d.state})\n    (cpu_time ${d.cpuTime})`)
  }
  const uuid = d.uuid ?? `00000000-0000-4000-8000-${String(d.domid).padStart(12, '0')}`
  return `(domain\n    (domid ${d.domid})\n    (uuid ${uuid})\n    (vcpus ${d.vcpus})\n    (memory ${d.memory})\n    (name ${d.name})\n    (state ${d.state})\n    (cpu_time ${d.cpuTime})\n)`
}

function info() {
  const c = hostConfig()
  const [major, minor, extra] = c.xenVersion ?? [4, 4, '.4']
  const rows = [
    ['host', c.hostname ?? 'dom0'],
    ['release', c.kernelRelease ?? '3.0.101-108.13-xen'],
    ['version', '#1 SMP Wed Oct 11 12:30:40 UTC 2017 (294ccfe)'],
    ['machine', 'x86_64'],
    ['nr_cpus', String(c.nrCpus ?? 4)],
    ['nr_nodes', '1'],
    ['cores_per_socket', String(c.nrCpus ?? 4)],
    ['threads_per_core', '1'],
    ['cpu_mhz', '2394'],
    ['hw_caps', 'bfebfbff:2c100800:00000000:00007f00:77fafbff:00000000:00000121:021c27ab'],
    ['virt_caps', 'hvm hvm_directio'],
    ['total_memory', String(c.totalMemoryMiB ?? 16383)],
    ['free_memory', String(c.freeMemoryMiB ?? 8191)],
    ['free_cpus', '0'],
    ['xen_major', String(major)],
    ['xen_minor', String(minor)],
    ['xen_extra', String(extra)],
    ['xen_caps', 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
    ['xen_scheduler', 'credit'],
    ['xen_pagesize', '4096'],
    ['platform_params', 'virt_start=0xffff800000000000'],
    ['xen_changeset', ''],
    ['xen_commandline', 'dom0_mem=1024M'],
    ['cc_compiler', 'gcc (SUSE Linux) 4.3.4 [gcc-4_3-branch revision 152973]'],
    ['cc_compile_by', 'abuild'],
    ['cc_compile_domain', 'suse.de'],
    ['cc_compile_date', 'Tue Oct 10 12:30:40 UTC 2017'],
    ['xend_config_format', '4'],
  ]
  for (const [k, v] of rows) out(`${k.padEnd(23)}: ${v}\n`)
  return 0
}

function findRunning(ref) {
  const d = runningDomains().find((x) => x.name === ref || String(x.domid) === ref)
  if (!d) {
    err(`Error: Domain '${ref}' does not exist.\n`)
    throw new Exit(1)
  }
  return d
}

function remove(name) {
  writeJson('xen/running.json', runningDomains().filter((x) => x.name !== name))
}

// `xm shutdown [-w] DOM`: a clean shutdown. A domain marked `ignoresShutdown` never goes down:
// without -w xm returns at once, with -w it waits (until someone destroys it; capped at 10 min).
function shutdown(args) {
  const wait = args.includes('-w') || args.includes('--wait')
  const ref = args.find((a) => !a.startsWith('-'))
  const d = findRunning(ref)
  if (!d.ignoresShutdown) {
    remove(d.name)
    if (wait) out(`Domain ${d.name} terminated\nAll domains terminated\n`)
    return 0
  }
  if (!wait) return 0
  const until = Date.now() + 600_000
  while (Date.now() < until) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    if (!runningDomains().some((x) => x.name === d.name)) return 0
  }
  return 1
}

function destroy(args) {
  const d = findRunning(args.find((a) => !a.startsWith('-')))
  remove(d.name)
  return 0
}

function boot(name, extra) {
  const all = runningDomains()
  if (all.some((x) => x.name === name)) {
    err(`Error: Domain '${name}' already exists with ID '${all.find((x) => x.name === name).domid}'\n`)
    throw new Exit(1)
  }
  const domid = Math.max(0, ...all.map((x) => x.domid)) + 1
  all.push({name, domid, memory: 512, vcpus: 1, state: '-b----', cpuTime: 0.1, ...extra})
  writeJson('xen/running.json', all)
  out(`Started domain ${name} (id=${domid})\n`)
  return 0
}

/** `xm create PATH`: an xm config (name = "…"). */
function create(args) {
  const file = args.find((a) => !a.startsWith('-'))
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    err(`Error: Unable to open config file: ${file}\n`)
    return 1
  }
  const name = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(text)?.[1]
  if (!name) {
    err('Error: No domain name given.\n')
    return 1
  }
  return boot(name, {})
}

/** `xm start NAME`: a domain xend manages (/var/lib/xend/domains/<uuid>/config.sxp). */
function startManaged(args) {
  const name = args.find((a) => !a.startsWith('-'))
  const dir = join(root, 'var/lib/xend/domains')
  for (const u of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, u, 'config.sxp')
    if (!existsSync(p)) continue
    if (new RegExp(`\\(name ${name}\\)`).test(readFileSync(p, 'utf8'))) return boot(name, {sxp: `var/lib/xend/domains/${u}/config.sxp`})
  }
  err(`Error: Domain '${name}' does not exist.\n`)
  return 1
}
