/**
 * Decisions without prompts (issue 10): the plan's questions (keep a `w!` disk shareable, drop
 * PVSCSI, pygrub for domUloader) answered in the policy file, over real sshd with the CLI. An
 * answer changes the domain the converter writes (so the XML apply defines), and a host whose
 * questions nobody answered is blocked alone: the others are upgraded.
 */
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import type {SimHost} from '../helpers/sim-host/create-sim-host.js'
import {sshdUnavailableReason} from '../helpers/sshd.js'
import {useSshFleet} from './ssh-fleet.js'
import {autoLink, cleanXendHost} from './upgrade-hosts.js'

const noSshd = sshdUnavailableReason()

/** A SUSE-era xm config asking all three questions: a `w!` disk, domUloader with its arguments, a PVSCSI device. */
const SHR_XM = `name = "shr"
uuid = "5e5e5e5e-1111-4222-8333-444444444444"
memory = 256
bootloader = "/usr/lib/xen/boot/domUloader.py"
bootargs = "--entry=xvda2:/boot/vmlinuz-xen,/boot/initrd-xen"
disk = ['phy:/dev/vg0/shr,xvda,w', 'phy:/dev/vg0/cluster,xvdb,w!']
vscsi = ['/dev/sdb,0:0:0:0']
vif = ['mac=00:16:3e:00:00:09,bridge=xenbr0']
`

const POLICY = `# waivers and answers in the one file check --policy reads
answers:
  - question: DISK-SHARED
    host: ans-x
    answer: exclusive
  - question: DISK-SHARED:shr
    host: ans-k
    answer: keep-shareable
  - question: BOOT-DOMULOADER
    host: ans-*
    answer: pygrub
  - question: PVSCSI
    domain: shr
    host: ans-*
    answer: drop
`

interface PlanJson {
  hosts: {host: string; status: string; targetLibvirtVersion?: string; blockers: {rule: string; waived?: unknown}[]; questions: {id: string; answer?: string}[]; domains: {name: string; xml?: string}[]}[]
}

describe.skipIf(noSshd !== undefined)('upgrade: questions answered in the policy file', () => {
  const f = useSshFleet('answers', async (dir) => {
    const withShr = async (name: string) => {
      const h = await cleanXendHost(dir, name)
      await writeFile(path.join(h.root, 'etc/xen/shr'), SHR_XM)
      return h
    }
    const x = await withShr('ans-x')
    // an /etc/xen/auto link: planned from the one-round-trip snapshot, fingerprinted again file by file at apply
    await autoLink(x, 'db01')
    return [x, await withShr('ans-k'), await withShr('open-q')]
  }, {setupMs: 120_000})
  const hosts = {
    get x() {
      return f.hosts[0] as SimHost
    },
    get k() {
      return f.hosts[1] as SimHost
    },
    get open() {
      return f.hosts[2] as SimHost
    },
  }

  it('the answers decide the XML that apply defines; the host nobody answered for is blocked alone', async () => {
    const policy = path.join(f.dir, 'policy.yaml')
    await writeFile(policy, POLICY)
    // the same file is a valid `check --policy` (answers waive nothing there)
    const check = await runCli(['check', '--policy', policy, path.join(hosts.x.root, 'etc/xen/shr')])
    expect(check.stderr).not.toMatch(/policy/i)

    const planFile = path.join(f.dir, 'plan.json')
    const p = await runCli(['upgrade', 'plan', '--inventory', f.inventory, '--policy', policy, ...f.ssh, '--out', planFile])
    expect(p.code, p.stderr).toBe(3)
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanJson
    const host = (name: string) => plan.hosts.find((h) => h.host === name)
    const answers = (name: string) => Object.fromEntries(host(name)?.questions.map((q) => [q.id, q.answer ?? null]) ?? [])
    expect(answers('ans-x')).toEqual({'BOOT-DOMULOADER:shr': 'pygrub', 'DISK-SHARED:shr': 'exclusive', 'PVSCSI:shr': 'drop'})
    expect(answers('ans-k')).toEqual({'BOOT-DOMULOADER:shr': 'pygrub', 'DISK-SHARED:shr': 'keep-shareable', 'PVSCSI:shr': 'drop'})
    expect(answers('open-q')).toEqual({'BOOT-DOMULOADER:shr': null, 'DISK-SHARED:shr': null, 'PVSCSI:shr': null})
    expect(plan.hosts.map((h) => [h.host, h.status])).toEqual([
      ['ans-k', 'ready'],
      ['ans-x', 'ready'],
      ['open-q', 'blocked'],
    ])
    // open questions are what blocks it, not a blocker
    expect(host('open-q')?.blockers.filter((b) => !b.waived)).toEqual([])

    // The converter's own output for the decided domain: `convert` of the same config differs
    // from the keep-shareable plan only by the domUloader arguments pygrub does not get.
    const planXml = (name: string) => host(name)?.domains.find((d) => d.name === 'shr')?.xml ?? ''
    const converted = await runCli(['convert', path.join(hosts.k.root, 'etc/xen/shr'), '--libvirt-version', host('ans-k')?.targetLibvirtVersion ?? '?'])
    expect(converted.code, converted.stderr).toBe(0)
    const xmlK = planXml('ans-k')
    expect(xmlK).toContain('<bootloader>/usr/bin/pygrub</bootloader>')
    expect(xmlK).not.toContain('bootloader_args')
    expect(converted.stdout).toContain('<bootloader_args>--entry=xvda2:/boot/vmlinuz-xen,/boot/initrd-xen</bootloader_args>')
    expect(xmlK.trim()).toBe(converted.stdout.replace(/^ *<bootloader_args>.*<\/bootloader_args>\n/m, '').trim())
    // exclusive: the one difference is the `w!` disk's <shareable/>
    const xmlX = planXml('ans-x')
    expect(xmlK.match(/<shareable\/>/g)).toHaveLength(1)
    expect(xmlX).not.toContain('<shareable/>')
    expect(xmlX).toBe(xmlK.replace(/^ *<shareable\/>\n/m, ''))

    const stateDir = path.join(f.dir, 'state')
    const r = await runCli(['upgrade', 'apply', planFile, '--yes', '--json', '--state-dir', stateDir, ...f.ssh])
    expect(r.code, r.stderr).toBe(3)
    const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; hosts?: {host: string; status: string; message?: string}[]}).at(-1)
    expect(result?.hosts?.map((h) => [h.host, h.status])).toEqual([
      ['ans-k', 'done'],
      ['ans-x', 'done'],
      ['open-q', 'blocked'],
    ])
    expect(result?.hosts?.find((h) => h.host === 'open-q')?.message).toMatch(/open questions/)
    // what libvirt holds is the plan's XML, plus the import's <metadata> record
    const defined = async (h: SimHost) => (await h.libvirtXml('shr')).replace(/^ *<metadata>\n[\s\S]*?<\/metadata>\n/m, '').trim()
    expect(await defined(hosts.x)).not.toContain('<shareable/>')
    expect((await defined(hosts.k)).match(/<shareable\/>/g)).toHaveLength(1)
    for (const h of [hosts.x, hosts.k]) {
      const xml = await defined(h)
      expect(xml).toContain('<bootloader>/usr/bin/pygrub</bootloader>')
      expect(xml).not.toMatch(/bootloader_args|vscsi/)
      expect(xml).toBe(planXml(h.name).trim())
    }
    // the blocked host is untouched: nothing defined, nothing shut down, xend's tree as it was
    expect(await hosts.open.libvirtDomains()).toEqual({})
    expect((await hosts.open.commandLog()).filter((l) => / begin (xm shutdown|systemctl stop|apt-get)/.test(l))).toEqual([])
  }, 400_000)
})
