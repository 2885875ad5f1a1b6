import {writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {type SshdLab, startSshd} from '../sshd.js'
import type {SimHost} from './create-sim-host.js'

/** One real sshd per simulated dom0, on 127.0.0.2, 127.0.0.3, … in the order given. */
export function startFleetSshd(hosts: readonly SimHost[]): Promise<SshdLab> {
  return startSshd({hosts: hosts.map((h, i) => ({address: `127.0.0.${i + 2}`, name: h.name, root: h.root, pathPrepend: [h.binDir]}))})
}

/**
 * An Ansible INI inventory of the fleet (group `xend`, each host's tree as `xenlift_root`) plus
 * (unless `gone: false`) one host, `gone`, on an address where nothing listens. Returns the file's path.
 */
export async function writeFleetInventory(dir: string, hosts: readonly SimHost[], lab: SshdLab, opts: {gone?: boolean} = {}): Promise<string> {
  const inv = path.join(dir, 'fleet.ini')
  await writeFile(
    inv,
    [
      '[xend]',
      ...hosts.map((h, i) => `${h.name} ansible_host=127.0.0.${i + 2} ansible_port=${lab.port} ansible_user=${lab.user} xenlift_root=${h.root}`),
      ...(opts.gone === false ? [] : [`gone ansible_host=127.0.0.99 ansible_port=${lab.port}`]),
      '',
    ].join('\n'),
  )
  return inv
}
