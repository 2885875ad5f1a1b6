// Stand-in for SUSE's zypper: refresh, install, dup with --non-interactive; zypper's exit codes
// (104 ZYPPER_EXIT_INF_CAP_NOT_FOUND for an unknown package, 1 for a declined prompt).
import {err, main, out} from './state.mjs'
import {available, install, installFails, installed} from './packages.mjs'

main('zypper', (args) => {
  const yes = args.some((a) => a === '-n' || a === '--non-interactive' || a === '-y' || a === '--no-confirm')
  const words = args.filter((a) => !a.startsWith('-'))
  const [verb, ...pkgs] = words
  switch (verb) {
    case 'refresh':
    case 'ref':
      out("Repository 'SLES12-SP5-Pool' is up to date.\nAll repositories have been refreshed.\n")
      return 0
    case 'install':
    case 'in': {
      out('Loading repository data...\nReading installed packages...\n')
      for (const p of pkgs) {
        if (!(p in available())) {
          err(`No provider of '${p}' found.\n`)
          return 104
        }
      }
      const have = installed()
      const todo = pkgs.filter((p) => have[p] !== available()[p])
      for (const p of pkgs.filter((q) => !todo.includes(q))) out(`'${p}' is already installed.\n`)
      if (todo.length === 0) {
        out('Nothing to do.\n')
        return 0
      }
      out(`Resolving package dependencies...\n\nThe following ${todo.length} NEW package${todo.length > 1 ? 's are' : ' is'} going to be installed:\n  ${todo.join(' ')}\n\n`)
      if (!yes) {
        out('Continue? [y/n/v/...? shows all options] (y): n\n')
        return 1
      }
      if (installFails()) {
        err(`Installation of ${todo[0]} failed:\nError: Subprocess failed. Error: RPM failed: %post scriptlet failed, exit status 1\n`)
        return 8
      }
      for (const p of todo) out(`(1/1) Installing: ${p}-${install(p)} ...[done]\n`)
      return 0
    }
    case 'dup':
    case 'dist-upgrade': {
      const have = installed()
      const todo = Object.keys(have).filter((p) => p in available() && available()[p] !== have[p])
      if (todo.length === 0) {
        out('Nothing to do.\n')
        return 0
      }
      if (!yes) return 1
      for (const p of todo) out(`Upgrading: ${p}-${install(p)} ...[done]\n`)
      return 0
    }
    default:
      err(`Unknown command '${verb ?? ''}'\n`)
      return 1
  }
})
