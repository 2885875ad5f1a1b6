/**
 * Issue 11 §6 on the real dom0: the target profile read from the lab's facts names the HVM
 * firmware that exists there (Debian 12 / Xen 4.17: /usr/lib/xen-4.17/boot/hvmloader, not
 * libvirt's built-in /usr/lib/xen/boot/hvmloader) and the host's CPU vendor; the XML xenlift
 * writes with it is accepted by the real libvirt, which keeps that loader.
 */
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, inject, it} from 'vitest'
import {convertText} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {hvmLoaderOf} from '../../src/formats/target-profile.js'
import {collectFacts} from '../../src/host/facts.js'
import {targetProfileFromFacts} from '../../src/host/platform-facts.js'
import {connectSsh} from '../../src/transport/ssh/ssh-transport.js'
import {readEnvFile} from './global-setup.js'
import {labRunDir} from './lab-env.js'
import {virsh} from './virsh.js'

const lab = inject('xenLab')
const envFile = join(lab.runDir ?? labRunDir(), 'env')
const skip = lab.skip ?? (existsSync(envFile) ? undefined : `no lab env file ${envFile} (SSH port and key)`)

const HVM = `name = "xenlift-lab-fw"\nuuid = "5d1f3c2a-8b7e-4c6d-9a0f-1e2d3c4b5a69"\nmemory = 128\nbuilder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n`

const gate = skip
describe.skipIf(gate !== undefined)(`target profile from the lab's facts${gate ? ` (SKIPPED: ${gate})` : ''}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'xenlift-lab-profile-'))
  afterAll(() => rmSync(scratch, {recursive: true, force: true}))

  it("names the dom0's own hvmloader and CPU vendor, and the real libvirt defines that XML", async () => {
    const env = readEnvFile(envFile)
    const knownHosts = join(scratch, 'known_hosts')
    writeFileSync(knownHosts, '')
    const t = await connectSsh(
      {host: 'xen-lab', hostName: '127.0.0.1', port: Number(env.XEN_LAB_SSH_PORT), user: 'root', identityFiles: [env.XEN_LAB_SSH_KEY as string]},
      {knownHostsFiles: [knownHosts], acceptNewHostKeys: true, agent: false},
    )
    try {
      const facts = await collectFacts(t)
      expect(facts.platform?.hvmLoader).toBe('/usr/lib/xen-4.17/boot/hvmloader')
      // QEMU's qemu64 model reports AuthenticAMD (test/lab/xenlift-outcome.ts LAB_TARGET).
      expect(facts.platform?.cpuVendor).toBe('amd')
      const profile = targetProfileFromFacts(facts, 'xen-lab')
      expect(profile.assumed).not.toContain('firmwareDir')
      // The file exists on the dom0; libvirt's built-in default does not.
      expect((await t.exec(['test', '-f', hvmLoaderOf(profile)])).exitCode).toBe(0)
      expect((await t.exec(['test', '-e', '/usr/lib/xen/boot/hvmloader'])).exitCode).not.toBe(0)

      const r = convertText(HVM, {file: 'fw.cfg', from: 'xm', target: targetFor('9.0.0', {profile})})
      const xml = r.domains[0]?.output as string
      expect(xml).toContain("<loader type='rom'>/usr/lib/xen-4.17/boot/hvmloader</loader>")
      const file = join(scratch, 'fw.xml')
      writeFileSync(file, xml)
      const uri = lab.uri as string
      const def = await virsh(uri, ['define', file])
      expect(def.error).toBe('')
      try {
        const dump = await virsh(uri, ['dumpxml', 'xenlift-lab-fw'])
        expect(dump.stdout).toContain('/usr/lib/xen-4.17/boot/hvmloader')
      } finally {
        await virsh(uri, ['undefine', 'xenlift-lab-fw'])
      }
    } finally {
      await t.close()
    }
  })
})
