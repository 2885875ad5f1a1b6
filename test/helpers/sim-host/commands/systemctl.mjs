// Stand-in for systemd's `systemctl`: is-active / is-enabled / start / stop / restart / enable /
// disable for the units a dom0 migration touches (xend, xendomains, libvirtd). Exit codes as
// systemctl's: is-active → 0 active, 3 inactive; is-enabled → 0 enabled, 1 disabled; unknown
// unit → 5 with "Unit X.service not found." (4 for is-enabled's "No such file or directory").
// Starting libvirtd loads the libxl driver a package installed since (host.json libxlPending),
// unless the host is set to `libvirtdNeverAnswers`.
import {err, flag, hostConfig, main, out, setFlag, writeJson} from './state.mjs'

const UNITS = {xend: 'xend.running', xendomains: 'xendomains.running', libvirtd: 'libvirtd.running'}

main('systemctl', (args) => {
  const verbs = args.filter((a) => !a.startsWith('-'))
  const [verb, ...units] = verbs
  const quiet = args.includes('-q') || args.includes('--quiet')
  const known = (u) => {
    const name = u.replace(/\.service$/, '')
    if (!(name in UNITS)) return undefined
    if (name === 'libvirtd' && !hostConfig().libvirt) return undefined
    if ((name === 'xend' || name === 'xendomains') && hostConfig().xendInstalled === false) return undefined
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
    case 'is-enabled': {
      let code = 0
      for (const u of units) {
        const n = known(u)
        if (n === undefined) {
          err(`Failed to get unit file state for ${u.replace(/\.service$/, '')}.service: No such file or directory\n`)
          code = 4
          continue
        }
        const on = flag(`enabled/${n}`)
        if (!quiet) out(`${on ? 'enabled' : 'disabled'}\n`)
        if (!on && code === 0) code = 1
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
        if (verb === 'start' || verb === 'restart') {
          setFlag(UNITS[n], true)
          const c = hostConfig()
          if (n === 'libvirtd' && c.libxlPending && c.libvirt) {
            c.libvirt = {...c.libvirt, libxl: true}
            delete c.libxlPending
            writeJson('host.json', c)
          }
        }
        if (verb === 'stop') setFlag(UNITS[n], false)
        if (verb === 'enable') setFlag(`enabled/${n}`, true)
        if (verb === 'disable') setFlag(`enabled/${n}`, false)
      }
      return 0
    }
    default:
      err(`Unknown command verb ${verb}.\n`)
      return 1
  }
})
