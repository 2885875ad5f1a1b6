import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {LocalTransport} from '../../../src/transport/local.js'
import {createSimHost} from './create-sim-host.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-standins-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('stand-in commands follow the real tools', () => {
  it('xm needs xend; systemctl starts it; is-active exits 3 when inactive', async () => {
    const h = await createSimHost({dir, name: 'sles', profile: 'sles11-xend', xendRunning: false})
    const t = new LocalTransport({env: h.env})
    expect(await t.exec(['xm', 'list'])).toMatchObject({exitCode: 1, stderr: 'Error: Unable to connect to xend: No such file or directory. Is xend running?\n'})
    expect(await t.exec(['systemctl', 'is-active', 'xend'])).toMatchObject({exitCode: 3, stdout: 'inactive\n'})
    expect((await t.exec(['systemctl', 'start', 'xend'])).exitCode).toBe(0)
    const list = await t.exec(['xm', 'list'])
    expect(list.exitCode).toBe(0)
    expect(list.stdout.split('\n')[0]).toBe(`${'Name'.padEnd(40)}    ID   Mem VCPUs      State   Time(s)`)
    expect(list.stdout).toMatch(/^Domain-0 +0 +1024 +4 +r----- +1234\.5$/m)
    expect((await t.exec(['systemctl', 'stop', 'nosuch'])).exitCode).toBe(5)
    expect((await h.commandLog()).filter((l) => l.includes(' begin '))).toHaveLength(5)
  })

  it('zypper and apt-get: exit codes, non-interactive confirmation, installing libvirt makes virsh answer', async () => {
    const sles = await createSimHost({dir, name: 'sles-pkg', profile: 'sles11-xend', available: {libvirt: '1.2.5'}})
    const ts = new LocalTransport({env: sles.env})
    expect((await ts.exec(['zypper', '--non-interactive', 'install', 'nosuch'])).exitCode).toBe(104)
    expect((await ts.exec(['zypper', 'install', 'libvirt'])).exitCode).toBe(1)

    const deb = await createSimHost({dir, name: 'deb-pkg', profile: 'debian7-xend', available: {'libvirt-daemon-system': '9.0.0-4', 'libvirt-daemon-driver-xen': '9.0.0-4'}})
    const td = new LocalTransport({env: deb.env})
    expect((await td.exec(['virsh', '--version'])).exitCode).toBe(127)
    const no = await td.exec(['apt-get', 'install', 'libvirt-daemon-system'])
    expect(no).toMatchObject({exitCode: 1})
    expect(no.stdout).toContain('Do you want to continue? [Y/n] Abort.')
    expect((await td.exec(['apt-get', 'install', 'nosuch', '-y'])).stderr).toBe('E: Unable to locate package nosuch\n')
    const yes = await td.exec(['apt-get', '-y', 'install', 'libvirt-daemon-system'])
    expect(yes.exitCode).toBe(0)
    expect(yes.stdout).toContain('Setting up libvirt-daemon-system (9.0.0-4) ...')
    // libvirtd runs, but its libxl driver comes with the driver package and loads on restart
    expect((await td.exec(['virsh', '-c', 'xen:///system', 'uri'])).stderr).toContain('no connection driver available for xen:///system')
    expect((await td.exec(['apt-get', 'install', '-y', 'libvirt-daemon-driver-xen'])).exitCode).toBe(0)
    expect((await td.exec(['virsh', '-c', 'xen:///system', 'uri'])).exitCode).toBe(1)
    expect((await td.exec(['systemctl', 'restart', 'libvirtd'])).exitCode).toBe(0)
    expect((await td.exec(['virsh', '-c', 'xen:///system', 'uri'])).stdout).toBe('xen:///system\n\n')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${Field} format syntax
    expect((await td.exec(['dpkg-query', '-W', '-f', '${Package}\\t${Version}\\n'])).stdout).toContain('libvirt-daemon-driver-xen\t9.0.0-4\n')
    expect((await td.exec(['apt-get', '-y', 'install', 'libvirt-daemon-system'])).stdout).toContain('is already the newest version (9.0.0-4).')
  })

  it('virsh list --all prints vshTable; dumpxml of a running domain carries its id', async () => {
    const h = await createSimHost({dir, name: 'lv', profile: 'debian12-libvirt'})
    const t = new LocalTransport({env: h.env})
    const file = path.join(h.root, 'a.xml')
    await t.writeFileAtomic(
      file,
      "<domain type='xen'>\n  <name>a</name>\n  <memory unit='KiB'>262144</memory>\n  <os>\n    <type arch='x86_64' machine='xenpv'>linux</type>\n  </os>\n</domain>\n",
    )
    const def = await t.exec(['virsh', 'define', file])
    expect(def).toMatchObject({exitCode: 0, stdout: `Domain 'a' defined from ${file}\n\n`})
    expect((await t.exec(['virsh', 'list', '--all'])).stdout).toBe(` Id   Name   State\n${'-'.repeat(23)}\n -    a      shut off\n\n`)
    await t.exec(['virsh', 'start', 'a'])
    expect((await t.exec(['virsh', 'dumpxml', 'a'])).stdout).toMatch(/^<domain type='xen' id='1'>/)
    expect((await t.exec(['virsh', 'dumpxml', '--inactive', 'a'])).stdout).toMatch(/^<domain type='xen'>/)
    // libvirt added a uuid, as it does for XML without one
    expect(Object.values(await h.libvirtDomains())[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(await t.exec(['virsh', 'dumpxml', 'nosuch'])).toMatchObject({exitCode: 1, stderr: "error: failed to get domain 'nosuch'\n"})
  })
})
