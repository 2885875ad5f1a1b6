import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {collectFacts, describeXenState, parseOsRelease, parseXenInfo, parseXmList} from '../../src/host/facts.js'
import {LocalTransport} from '../../src/transport/local.js'
import {parseCpuVendor, parseDrbdVersion, targetProfileFromFacts} from '../../src/host/platform-facts.js'
import {drbdDevicePath, hvmLoaderOf, targetProfile} from '../../src/formats/target-profile.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-facts-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('collectFacts on simulated dom0s', () => {
  it('SLES 11 with xend running: xend in use, Xen 4.4 from xl, libvirt without libxl', async () => {
    const h = await createSimHost({dir, name: 'sles', profile: 'sles11-xend', running: [{name: 'web01', memory: 1024, vcpus: 2}]})
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}))
    expect(f.os).toMatchObject({id: 'sles', versionId: '11.4', source: '/etc/SuSE-release'})
    expect(f.xen).toMatchObject({version: '4.4.4_02-32.1', major: 4, minor: 4, from: 'xl'})
    expect(f.toolstack).toEqual({xendRunning: true, xm: true, xl: true, inUse: 'xend'})
    expect(f.libvirt).toMatchObject({version: '1.2.5', libxl: false, error: 'no connection driver available for xen:///system'})
    expect(f.running).toEqual([{name: 'web01', id: 1, memoryMiB: 1024, vcpus: 2, state: '-b----'}])
    expect(f.platform).toEqual({hvmLoader: '/usr/lib/xen/boot/hvmloader', cpuVendor: 'intel', drbd: {version: '8.3.13', major: 8, minor: 3}})
    const profile = targetProfileFromFacts(f, 'sles')
    expect(drbdDevicePath(profile, 'r0')).toBe('/dev/drbd/by-res/r0')
  })

  it('Debian 7 with xend stopped: xm fails, xl answers, no libvirt', async () => {
    const h = await createSimHost({dir, name: 'wheezy', profile: 'debian7-xend', xendRunning: false})
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}))
    expect(f.os).toMatchObject({id: 'debian', versionId: '7'})
    expect(f.toolstack).toEqual({xendRunning: false, xm: false, xl: true, inUse: 'xl'})
    expect(f.xen?.version).toBe('4.1.4')
    expect(f.libvirt).toBeUndefined()
  })

  it('Debian 12 with libvirt 9.0 whose libxl driver answers', async () => {
    const h = await createSimHost({dir, name: 'bookworm', profile: 'debian12-libvirt'})
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}))
    expect(f.toolstack?.inUse).toBe('libvirt')
    expect(f.libvirt).toEqual({version: '9.0.0', libxl: true})
    expect(f.os?.prettyName).toBe('Debian GNU/Linux 12 (bookworm)')
    // The target profile: Debian's own firmware dir, the CPU vendor, DRBD 8.4 (volumes).
    expect(f.platform).toEqual({hvmLoader: '/usr/lib/xen-4.17/boot/hvmloader', cpuVendor: 'amd', drbd: {version: '8.4.11', major: 8, minor: 4}})
    const profile = targetProfileFromFacts(f, 'bookworm')
    expect(profile).toEqual({firmwareDir: '/usr/lib/xen-4.17/boot', cpuVendor: 'amd', drbdVersion: [8, 4], assumed: [], host: 'bookworm'})
    expect(hvmLoaderOf(profile)).toBe('/usr/lib/xen-4.17/boot/hvmloader')
    expect(drbdDevicePath(profile, 'r0')).toBe('/dev/drbd/by-res/r0/0')
  })

  it('a hanging tool is killed at the timeout and noted; the other probes still run', async () => {
    const h = await createSimHost({dir, name: 'wedged', profile: 'debian12-libvirt', hangs: ['virsh']})
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}), {timeoutMs: 4000})
    expect(f.notes).toEqual(['`virsh --version` timed out'])
    expect(f.libvirt).toBeUndefined()
    expect(f.toolstack).toMatchObject({xl: true, inUse: 'xl'})
    expect(f.xen?.version).toBe('4.17.5-pre')
  })

  it('a login that may not run xm/xl: the running domains are unknown, with why, never "none running"', async () => {
    const h = await createSimHost({dir, name: 'nonroot', profile: 'sles11-xend', nonRootLogin: true, running: [{name: 'web01'}]})
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}))
    expect(f.running).toEqual([])
    expect(f.runningError).toMatch(/^could not list the running domains: `xm list` failed \(exit 1: Error: Most commands need root access/)
    expect(f.runningError).toContain('`xl list` failed (exit 1: xencall: error: Could not obtain handle on privileged command interface: Permission denied)')
  })

  it('xl lists what libvirt runs too: those domains are not "running outside libvirt"', async () => {
    const h = await createSimHost({dir, name: 'mixed', profile: 'debian12-libvirt', running: [{name: 'old-xl'}, {name: 'moved'}]})
    await mkdir(path.join(h.root, '.sim/libvirt'), {recursive: true})
    await writeFile(path.join(h.root, '.sim/libvirt/domains.json'), JSON.stringify({moved: {uuid: '11111111-2222-4333-8444-555555555555'}}))
    await writeFile(path.join(h.root, '.sim/libvirt/active.json'), JSON.stringify({moved: 2}))
    const f = await collectFacts(new LocalTransport({env: h.env, root: h.root}))
    expect(f.runningError).toBeUndefined()
    expect(f.running.map((r) => r.name)).toEqual(['old-xl'])
  })

  it('offline (a mounted root) reads files only', async () => {
    const h = await createSimHost({dir, name: 'off', profile: 'debian12-libvirt'})
    const f = await collectFacts(new LocalTransport({root: h.root}), {offline: true})
    // The firmware is a file of the tree; /proc of a mounted root is not the target's.
    expect(f).toEqual({os: expect.objectContaining({id: 'debian'}), platform: {hvmLoader: '/usr/lib/xen-4.17/boot/hvmloader'}, running: [], notes: []})
    expect(targetProfileFromFacts(f).assumed).toEqual(['cpuVendor', 'drbdVersion'])
  })
})

describe('fact parsers', () => {
  it('parse os-release quoting', () => {
    expect(parseOsRelease('ID="sles"\nVERSION_ID="12.5"\nPRETTY_NAME=\'SUSE Linux Enterprise Server 12 SP5\'\n')).toEqual({
      id: 'sles',
      versionId: '12.5',
      prettyName: 'SUSE Linux Enterprise Server 12 SP5',
      source: '/etc/os-release',
    })
    expect(parseOsRelease('garbage')).toBeUndefined()
  })
  it('parse the CPU vendor and the DRBD release', () => {
    expect(parseCpuVendor('processor : 0\nvendor_id\t: GenuineIntel\n')).toBe('intel')
    expect(parseCpuVendor('vendor_id : AuthenticAMD\n')).toBe('amd')
    expect(parseCpuVendor('vendor_id : CentaurHauls\n')).toBeUndefined()
    expect(parseDrbdVersion('version: 9.2.4 (api:2/proto:86-122)\n')).toEqual({version: '9.2.4', major: 9, minor: 2})
    expect(parseDrbdVersion('nothing\n')).toBeUndefined()
    expect(drbdDevicePath(targetProfile({drbdVersion: [9, 2]}), 'web')).toBe('/dev/drbd/by-res/web/0')
  })
  it('parse xm info and reject output without a version', () => {
    expect(parseXenInfo('xen_major              : 3\nxen_minor              : 2\nxen_extra              : .1\n', 'xm')?.version).toBe('3.2.1')
    expect(parseXenInfo('host : x\n', 'xl')).toBeUndefined()
  })
  it('parse xm list with names containing spaces and skip Domain-0', () => {
    const text =
      'Name                                        ID   Mem VCPUs      State   Time(s)\nDomain-0                                     0  1024     2     r-----    100.0\nmy guest                                     3   256     1     --p---      1.5\nbad line\n'
    expect(parseXmList(text)).toEqual([{name: 'my guest', id: 3, memoryMiB: 256, vcpus: 1, state: '--p---'}])
    expect(describeXenState('-b----')).toBe('blocked')
    expect(describeXenState('------')).toBe('idle')
  })
})
