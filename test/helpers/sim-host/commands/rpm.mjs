// Stand-in for `rpm -qa [--qf FORMAT]`: installed packages from .sim/packages.json; a version
// `1.2-3.4` is %{VERSION}-%{RELEASE}; \t and \n escapes as rpm's query format has them.
import {err, main, out} from './state.mjs'
import {installed} from './packages.mjs'

main('rpm', (args) => {
  if (!args.includes('-qa')) {
    err('rpm: only -qa is simulated\n')
    return 1
  }
  const fi = args.indexOf('--qf') >= 0 ? args.indexOf('--qf') : args.indexOf('--queryformat')
  const format = fi >= 0 ? args[fi + 1] : '%{NAME}-%{VERSION}-%{RELEASE}\\n'
  const have = installed()
  for (const n of Object.keys(have).sort()) {
    const v = String(have[n])
    const dash = v.lastIndexOf('-')
    const [version, release] = dash > 0 ? [v.slice(0, dash), v.slice(dash + 1)] : [v, '0']
    out(format.replace(/%\{NAME\}/g, n).replace(/%\{VERSION\}/g, version).replace(/%\{RELEASE\}/g, release).replace(/\\t/g, '\t').replace(/\\n/g, '\n'))
  }
  return 0
})
