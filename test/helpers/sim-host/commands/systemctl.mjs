// Stand-in for systemd's `systemctl`: is-active / start / stop / restart / enable for the units
// a dom0 migration touches (xend, xendomains, libvirtd). Exit codes as systemctl's:
// is-active → 0 active, 3 inactive; unknown unit → 5 with "Unit X.service not found."
import {err, flag, hostConfig, main, out, setFlag} from './state.mjs'

const UNITS = {xend: 'xend.running', xendomains: 'xendomains.running', libvirtd: 'libvirtd.running'}

main('systemctl', (args) => {
  const verbs = args.filter((a) => !a.startsWith('-'))
  const [verb, ...units] = verbs
  const quiet = args.includes('-q') || args.includes('--quiet')
  const known = (u) => {
    const name = u.replace(/\.service$/, '')
    if (!(name in UNITS)) return undefined
    if (name === 'libvirtd' && !hostConfig().libvirt) return undefined
    return name
  }
  switch (verb) {
    case 'is-active': {
      let code = 0
      for (const u of units) {
        const n = known(u)
        const on = n !== undefined && flag(UNITS[n])
        if (!quiet) out(`${on ? 'active' : 'inactive'}\n`)
        if (!on) code = 3
      }
      return code
    }
    case 'start':
    case 'stop':
    case 'restart':
    case 'enable':
    case 'disable': {
      for (const u of units) {
        const n = known(u)
        if (n === undefined) {
          err(`Failed to ${verb} ${u}: Unit ${u.replace(/\.service$/, '')}.service not found.\n`)
          return 5
        }
        if (verb === 'start' || verb === 'restart') setFlag(UNITS[n], true)
        if (verb === 'stop') setFlag(UNITS[n], false)
      }
      return 0
    }
    default:
      err(`Unknown command verb ${verb}.\n`)
      return 1
  }
})
