import {mkdir, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {createSimHost, type SimHost, type SimHostOptions} from '../helpers/sim-host/create-sim-host.js'

/** A PV domain xend manages (config.sxp), started at boot. */
export const APP01_UUID = '11111111-2222-4333-8444-555555555555'
export const APP01_SXP = `(domain
    (uuid ${APP01_UUID})
    (name app01)
    (memory 512)
    (maxmem 512)
    (vcpus 1)
    (bootloader /usr/bin/pygrub)
    (on_xend_start start)
    (image (linux (kernel '') (args '')))
    (device (vbd (dev xvda:disk) (uname phy:/dev/vg0/app01) (mode w)))
    (device (vif (bridge xenbr0) (mac 00:16:3e:00:00:01)))
)
`
/** An HVM domain from an xm config, with a VNC password. */
export const DB01_UUID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'
export const VNC_PASSWORD = 's3cr3t-vnc'
export const DB01_XM = `name = "db01"
uuid = "${DB01_UUID}"
builder = "hvm"
kernel = "/usr/lib/xen/boot/hvmloader"
memory = 1024
vcpus = 2
disk = ['phy:/dev/vg0/db01,hda,w']
vif = ['mac=00:16:3e:00:00:02,bridge=xenbr0']
vnc = 1
vncpasswd = "${VNC_PASSWORD}"
boot = "c"
`

/**
 * A clean xend dom0 (nothing blocks it): app01 (PV, managed, autostart, running) and db01 (HVM
 * xm config with a VNC password; running when `dbRunning`), /etc/default/xen with TOOLSTACK=xm.
 */
export async function cleanXendHost(dir: string, name: string, opts: Partial<SimHostOptions> & {dbRunning?: boolean} = {}): Promise<SimHost> {
  const {dbRunning, ...rest} = opts
  const profile = opts.profile ?? 'debian7-xend'
  const tree = path.join(dir, `${name}-tree`)
  const managed = path.join(tree, 'var/lib/xend/domains', APP01_UUID)
  await mkdir(managed, {recursive: true})
  await writeFile(path.join(managed, 'config.sxp'), APP01_SXP)
  await mkdir(path.join(tree, 'etc/xen/auto'), {recursive: true})
  await writeFile(path.join(tree, 'etc/xen/db01'), DB01_XM)
  await mkdir(path.join(tree, 'etc/default'), {recursive: true})
  await writeFile(path.join(tree, 'etc/default/xen'), '# Xen toolstack\nTOOLSTACK=xm\n')
  const running = [{name: 'app01', sxp: `var/lib/xend/domains/${APP01_UUID}/config.sxp`}, ...(dbRunning ? [{name: 'db01', memory: 1024, vcpus: 2}] : [])]
  return createSimHost({dir, name, profile, tree, running, ...rest})
}

/** Link /etc/xen/auto/<name> → ../<name> in a sim host (xendomains starts it at boot). */
export async function autoLink(h: SimHost, config: string): Promise<void> {
  await symlink(`../${config}`, path.join(h.root, 'etc/xen/auto', config))
}
