import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {LocalTransport} from '../../src/transport/local.js'
import {parseXen2libvirtArgs} from '../../src/xen2libvirt/parse-args.js'
import {xen2libvirt} from '../../src/xen2libvirt/main.js'
import {runCli} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const WEB01_SXP = `${DEMO}/var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp`
const bin = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, {bin: 'bin/xen2libvirt.js', env: {XENLIFT_DEV: '1', ...env}})

describe('SUSE xen2libvirt flags', () => {
  it('parses short, combined, long and = forms like argparse', () => {
    expect(parseXen2libvirtArgs(['-cr', '-fsexpr', 'p'])).toMatchObject({convertOnly: true, recursive: true, format: 'sexpr', path: 'p'})
    expect(parseXen2libvirtArgs(['--convert-only', '--format=xm', '--verbose', 'p'])).toMatchObject({convertOnly: true, verbose: true, format: 'xm', recursive: false})
    expect(parseXen2libvirtArgs(['-f', 'xm', '--', '-odd-name'])).toMatchObject({format: 'xm', path: '-odd-name'})
    expect(parseXen2libvirtArgs(['-h'])).toMatchObject({help: true})
    expect(parseXen2libvirtArgs(['-f', 'xl', 'p'])).toEqual({error: "argument -f/--format: invalid choice: 'xl' (choose from 'xm', 'sexpr')"})
    expect(parseXen2libvirtArgs([])).toEqual({error: 'the following arguments are required: path'})
    expect(parseXen2libvirtArgs(['a', 'b'])).toEqual({error: 'unrecognized arguments: b'})
    expect(parseXen2libvirtArgs(['--nope', 'a'])).toEqual({error: 'unrecognized arguments: --nope'})
  })
})

describe('bin/xen2libvirt.js', () => {
  it('-c prints the domain XML on stdout and nothing else', async () => {
    const r = await bin(['-c', `${DEMO}/etc/xen/mail01`])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^<domain type='xen'>\n {2}<name>mail01<\/name>\n {2}<uuid>4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a<\/uuid>/)
    expect(r.stdout.trim().endsWith('</domain>')).toBe(true)
  })

  it('-h prints usage (exit 0); a bad flag is an argparse usage error (exit 2)', async () => {
    const h = await bin(['-h'])
    expect(h.code).toBe(0)
    expect(h.stdout).toContain('usage: xen2libvirt [-h] [-c] [-f FORMAT] [-r] [-v] path')
    const bad = await bin(['--bogus', 'x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('usage: xen2libvirt [-h] [-c] [-f FORMAT] [-r] [-v] path\nxen2libvirt: error: unrecognized arguments: --bogus\n')
  })
})

describe('xen2libvirt (in process)', () => {
  let dir: string
  let host: SimHost
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-x2l-'))
    host = await createSimHost({dir, name: 'sles12', profile: 'debian12-libvirt'})
  })
  afterAll(() => rm(dir, {recursive: true, force: true}))

  const run = async (argv: string[], transport = new LocalTransport({env: host.env})) => {
    let stdout = ''
    let stderr = ''
    const code = await xen2libvirt(argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), transport})
    return {code, stdout, stderr}
  }

  it('-c -r converts every config under a tree, skipping non-configs, and -v explains skips on stderr', async () => {
    const r = await run(['-c', '-r', '-v', DEMO])
    expect(r.code).toBe(0)
    const names = [...r.stdout.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1])
    expect(names).toEqual(expect.arrayContaining(['mail01', 'web01', 'db01', 'backup01']))
    expect(r.stdout).not.toMatch(/Skipping|Successfully/)
    expect(r.stderr).toMatch(/Skipping .*xend-config\.sxp/)
    expect(r.stderr).toMatch(/Successfully read config file .*mail01/)
    expect(await host.libvirtDomains()).toEqual({}) // convert-only defines nothing
  })

  it("replaces SUSE's domUloader by pygrub, as xen2libvirt did, and says so", async () => {
    const cfg = path.join(dir, 'suse1')
    await writeFile(cfg, 'name = "suse1"\nmemory = 512\nbootloader = "/usr/lib/xen/boot/domUloader.py"\ndisk = ["phy:/dev/vg/suse1,xvda,w"]\n')
    const r = await run(['-c', cfg])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('<bootloader>/usr/bin/pygrub</bootloader>')
    expect(r.stderr).toMatch(/suse1:3:1: warning: .*domUloader.*\[BOOT-DOMULOADER\]/)
  })

  it('a domain named like a virsh option (--all) is defined as data, never read as an option', async () => {
    const cfg = path.join(dir, 'dash')
    await writeFile(cfg, 'name = "--all"\nuuid = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"\nmemory = 256\nbootloader = "pygrub"\ndisk = ["phy:/dev/vg/dash,xvda,w"]\n')
    const own = await createSimHost({dir, name: 'dash-host', profile: 'debian12-libvirt'})
    const r = await run([cfg], new LocalTransport({env: own.env}))
    expect(r.code, r.stderr).toBe(0)
    expect(await own.libvirtDomains()).toEqual({'--all': '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'})
    expect(await own.commandLog()).toEqual(expect.arrayContaining([expect.stringMatching(/ begin virsh -c xen:\/\/\/system dumpxml --inactive (--security-info )?-- --all$/)]))
  })

  it('a directory without -r is refused; a missing path fails', async () => {
    expect((await run([DEMO])).code).toBe(1)
    expect((await run(['/nonexistent/cfg'])).stderr).toBe('Failed to open/read path /nonexistent/cfg\n')
  })

  it('without -c defines into the local libvirt; running it again replaces the same definition', async () => {
    const first = await run([`${DEMO}/etc/xen/mail01`])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toBe('')
    expect(await host.libvirtDomains()).toEqual({mail01: '4b2a9c1e-7d3f-4e6a-8b5c-0f1e2d3c4b5a'})
    const again = await run(['-v', `${DEMO}/etc/xen/mail01`])
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/domXML of 'mail01' successfully imported into libvirt \(unchanged\)/)
  })

  it('-f sexpr reads a file as SXP whatever its name; -f xm a native config', async () => {
    const copy = path.join(dir, 'web01.txt')
    await writeFile(copy, await readFile(WEB01_SXP, 'utf8'))
    const r = await run(['-c', '-f', 'sexpr', copy])
    expect(r.stdout).toContain('<name>web01</name>')
    // forcing the wrong format is obeyed (and fails), as with SUSE's tool
    const wrong = await run(['-c', '-f', 'sexpr', `${DEMO}/etc/xen/mail01`])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/Failed to convert .*mail01 to domXML/)
    const x = await run(['-c', '--format', 'xm', `${DEMO}/etc/xen/mail01`])
    expect(x.stdout).toContain('<name>mail01</name>')
  })

  it('fails with SUSE\'s message when libvirt does not answer', async () => {
    await new LocalTransport({env: host.env}).exec(['systemctl', 'stop', 'libvirtd'])
    const r = await run([`${DEMO}/etc/xen/mail01`])
    expect(r).toMatchObject({code: 1, stderr: 'Failed to open connection to the hypervisor\n'})
    // convert-only needs no libvirt
    expect((await run(['-c', `${DEMO}/etc/xen/mail01`])).code).toBe(0)
  })
})
