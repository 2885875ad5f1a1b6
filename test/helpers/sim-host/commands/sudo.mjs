// Stand-in for `sudo -n [--] CMD ARGS…` on a simulated host whose login is not root: runs CMD
// as "root" (marks it privileged for the other stand-ins). Only the options xenlift uses.
import {spawnSync} from 'node:child_process'
import {err, main} from './state.mjs'

main('sudo', (argv) => {
  const args = [...argv]
  while (args.length && args[0].startsWith('-')) {
    const a = args.shift()
    if (a === '--') break
    if (a !== '-n') {
      err(`sudo: unknown option -- ${a.replace(/^-+/, '')}\n`)
      return 1
    }
  }
  if (args.length === 0) {
    err('usage: sudo -n [--] command [arg ...]\n')
    return 1
  }
  const r = spawnSync(args[0], args.slice(1), {stdio: 'inherit', env: {...process.env, XENLIFT_SIM_SUDO: '1'}})
  if (r.error) {
    err(`sudo: ${args[0]}: command not found\n`)
    return 1
  }
  return r.status ?? 1
})
