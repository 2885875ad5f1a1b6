// Stand-in for Debian's `dpkg-query -W [-f FORMAT] [PACKAGE…]`: installed packages from
// .sim/packages.json; ${Package} and ${Version} substituted, \t and \n escapes as dpkg-query does.
import {err, main, out} from './state.mjs'
import {installed} from './packages.mjs'

main('dpkg-query', (args) => {
  if (!args.includes('-W') && !args.includes('--show')) {
    err('dpkg-query: error: need an action option\n')
    return 2
  }
  const fi = args.findIndex((a) => a === '-f' || a === '--showformat')
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${Field} format syntax
  const format = fi >= 0 ? args[fi + 1] : '${Package}\\t${Version}\\n'
  const names = args.filter((a, i) => !a.startsWith('-') && i !== fi + 1)
  const have = installed()
  let code = 0
  const list = names.length ? names : Object.keys(have).sort()
  for (const n of list) {
    if (!(n in have)) {
      err(`dpkg-query: no packages found matching ${n}\n`)
      code = 1
      continue
    }
    out(format.replace(/\$\{Package\}/g, n).replace(/\$\{Version\}/g, have[n]).replace(/\\t/g, '\t').replace(/\\n/g, '\n'))
  }
  return code
})
