// Stand-in for Debian's apt-get: update, install, upgrade/dist-upgrade; apt's messages and
// exit code 100 on errors; refuses to continue without -y when stdin is not a terminal.
import {err, main, out} from './state.mjs'
import {available, install, installFails, installed} from './packages.mjs'

main('apt-get', (args) => {
  const yes = args.some((a) => a === '-y' || a === '--yes' || a === '--assume-yes' || a === '-qy')
  const words = args.filter((a) => !a.startsWith('-'))
  const [verb, ...pkgs] = words
  if (process.getuid && process.getuid() !== 0) {
    err('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n')
    return 100
  }
  switch (verb) {
    case 'update':
      out('Hit:1 http://deb.debian.org/debian bookworm InRelease\nReading package lists... Done\n')
      return 0
    case 'install': {
      out('Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n')
      const have = installed()
      for (const p of pkgs) {
        if (!(p in available())) {
          err(`E: Unable to locate package ${p}\n`)
          return 100
        }
      }
      const todo = pkgs.filter((p) => have[p] !== available()[p])
      for (const p of pkgs.filter((q) => !todo.includes(q))) out(`${p} is already the newest version (${have[p]}).\n`)
      if (todo.length === 0) {
        out('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n')
        return 0
      }
      out(`The following NEW packages will be installed:\n  ${todo.join(' ')}\n0 upgraded, ${todo.length} newly installed, 0 to remove and 0 not upgraded.\n`)
      if (!yes) {
        out('Do you want to continue? [Y/n] Abort.\n')
        return 1
      }
      if (installFails()) {
        err('E: Sub-process /usr/bin/dpkg returned an error code (1)\n')
        return 100
      }
      for (const p of todo) out(`Setting up ${p} (${install(p)}) ...\n`)
      return 0
    }
    case 'upgrade':
    case 'dist-upgrade':
    case 'full-upgrade': {
      out('Reading package lists... Done\nBuilding dependency tree... Done\nCalculating upgrade... Done\n')
      const have = installed()
      const todo = Object.keys(have).filter((p) => p in available() && available()[p] !== have[p])
      out(`${todo.length} upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`)
      if (todo.length && !yes) {
        out('Do you want to continue? [Y/n] Abort.\n')
        return 1
      }
      for (const p of todo) out(`Setting up ${p} (${install(p)}) ...\n`)
      return 0
    }
    default:
      err(`E: Invalid operation ${verb ?? ''}\n`)
      return 100
  }
})
