/**
 * `xenlift convert --to xl|xm`: the native writers through the real CLI. What the target format
 * cannot express is a warning on stderr, so `--strict` fails (exit 1) exactly when something was lost.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readXl} from '../../src/formats/xl/read.js'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

const WEB01 = join(REPO_ROOT, 'fixtures/demo-host/var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp')

function domainXml(devices: string, type = 'linux'): string {
  return `<domain type='xen'>
  <name>app01</name>
  <uuid>2c9a7b1e-1111-4a4a-9b9b-0123456789ab</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='${type === 'hvm' ? 'xenfv' : 'xenpv'}'>${type}</type>
    ${type === 'hvm' ? "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader><boot dev='hd'/>" : '<kernel>/boot/vmlinuz</kernel>'}
  </os>
  <clock offset='utc' adjustment='reset'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>restart</on_crash>
  <devices>
    <disk type='block' device='disk'>
      <driver name='phy'/>
      <source dev='/dev/vg/app01'/>
      <target dev='xvda' bus='xen'/>
    </disk>
${devices}
  </devices>
</domain>
`
}

function file(name: string, text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'xenlift-native-')), name)
  writeFileSync(p, text)
  return p
}

const SHARED_DISK = `    <disk type='block' device='disk'>
      <driver name='phy'/>
      <source dev='/dev/vg/cluster'/>
      <target dev='xvdb' bus='xen'/>
      <shareable/>
    </disk>`

describe('xenlift convert --to xl / --to xm', () => {
  it('a domain xl can fully express converts under --strict (exit 0), and xl reads it back', async () => {
    const r = await runCli(['convert', '--to', 'xl', '--strict', file('app01.xml', domainXml(''))])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('name = "app01"')
    expect(r.stdout).toContain('disk = [ "format=raw,vdev=xvda,access=rw,backendtype=phy,target=/dev/vg/app01" ]')
    const back = readXl(r.stdout)
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(back.domains[0]?.domain.uuid).toBe('2c9a7b1e-1111-4a4a-9b9b-0123456789ab')
  })

  it('a shareable disk is reported (DISK-SHARED) and --strict exits 1', async () => {
    const input = file('app01.xml', domainXml(SHARED_DISK))
    const loose = await runCli(['convert', '--to', 'xl', input])
    expect(loose.code, loose.stderr).toBe(0)
    expect(loose.stderr).toMatch(/warning: xl: disk xvdb is shared writable.*\[DISK-SHARED\]/)
    expect(loose.stdout).not.toContain('/dev/vg/cluster')

    const strict = await runCli(['convert', '--to', 'xl', '--strict', input])
    expect(strict.code).toBe(1)
    expect(strict.stderr).toMatch(/DISK-SHARED/)
    expect(strict.stderr).toMatch(/--strict/)
    expect(strict.stdout).toBe('')
  })

  it('SPICE to xm is a loss: --strict exits 1; xl can say it (exit 0)', async () => {
    const input = file('app01.xml', domainXml("    <graphics type='spice' port='5901' autoport='no'/>", 'hvm'))
    const xm = await runCli(['convert', '--to', 'xm', '--strict', input])
    expect(xm.code).toBe(1)
    expect(xm.stderr).toMatch(/xm: SPICE graphics are an xl feature/)
    const xl = await runCli(['convert', '--to', 'xl', '--strict', input])
    expect(xl.code, xl.stderr).toBe(0)
    expect(xl.stdout).toContain('spiceport = 5901')
  })

  it('converts xend SXP straight to xl', async () => {
    const r = await runCli(['convert', '--to', 'xl', WEB01])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('name = "web01"')
    expect(readXl(r.stdout).diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })
})
