// Stand-in for libxl's `xl` (tools/libxl/xl_cmdimpl.c): list, info. It talks to the
// hypervisor, not to xend, so it answers whether xend runs or not.
import {err, hostConfig, main, out, privileged, runningDomains} from './state.mjs'

main('xl', (args) => {
  const [sub, ...rest] = args
  // libxl opens /proc/xen/privcmd, which only root may.
  if (sub !== undefined && !privileged()) {
    err('xencall: error: Could not obtain handle on privileged command interface: Permission denied\nlibxl: error: libxl.c:102:libxl_ctx_alloc: cannot open libxc handle: Permission denied\ncannot init xl context\n')
    return 1
  }
  switch (sub) {
    case 'list':
      return list(rest)
    case 'info':
      return info()
    case undefined:
      err('Usage xl [-vfN] <subcommand> [args]\n')
      return 1
    default:
      err(`command not implemented\n`)
      return 1
  }
})

function list(args = []) {
  const c = hostConfig()
  let doms = [{name: 'Domain-0', domid: 0, memory: c.dom0MemoryMiB ?? 1024, vcpus: c.nrCpus ?? 4, state: 'r-----', cpuTime: 1234.5}, ...runningDomains()]
  // getopt: options until `--` or the first operand; an unknown one is refused.
  const names = []
  let dataOnly = false
  for (const a of args) {
    if (!dataOnly && a === '--') dataOnly = true
    else if (!dataOnly && names.length === 0 && a.startsWith('-') && a !== '-') {
      if (!/^-[lvZcn]+$/.test(a) && !['--long', '--verbose', '--context', '--cpupool', '--numa'].includes(a)) {
        err(`xl list: invalid option -- '${a.replace(/^-+/, '')}'\n`)
        return 1
      }
    } else names.push(a)
  }
  for (const n of names) {
    if (!doms.some((d) => d.name === n || String(d.domid) === n)) {
      err(`${n} is an invalid domain identifier (rc=-6)\n`)
      return 1
    }
  }
  if (names.length) doms = doms.filter((d) => names.includes(d.name) || names.includes(String(d.domid)))
  // xl: "%-40s %5s %5s %5s %10s %9s" header with a tab-ish layout; values "%-40s %5d %5lu %5d     %s %8.1f"
  out('Name                                        ID   Mem VCPUs\tState\tTime(s)\n')
  for (const d of doms) out(`${d.name.padEnd(40)} ${String(d.domid).padStart(5)} ${String(d.memory).padStart(5)} ${String(d.vcpus).padStart(5)}     ${d.state} ${d.cpuTime.toFixed(1).padStart(9)}\n`)
  return 0
}

function info() {
  const c = hostConfig()
  const [major, minor, extra] = c.xenVersion ?? [4, 4, '.4']
  const rows = [
    ['host', c.hostname ?? 'dom0'],
    ['release', c.kernelRelease ?? '3.0.101-108.13-xen'],
    ['machine', 'x86_64'],
    ['nr_cpus', String(c.nrCpus ?? 4)],
    ['max_cpu_id', String((c.nrCpus ?? 4) - 1)],
    ['total_memory', String(c.totalMemoryMiB ?? 16383)],
    ['free_memory', String(c.freeMemoryMiB ?? 8191)],
    ['xen_major', String(major)],
    ['xen_minor', String(minor)],
    ['xen_extra', String(extra)],
    ['xen_version', `${major}.${minor}${extra}`],
    ['xen_caps', 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
    ['xen_scheduler', 'credit'],
    ['xen_pagesize', '4096'],
    ['xen_commandline', 'dom0_mem=1024M'],
    ['xend_config_format', '4'],
  ]
  for (const [k, v] of rows) out(`${k.padEnd(23)}: ${v}\n`)
  return 0
}
