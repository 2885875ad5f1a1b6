import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd, writeFleetInventory} from '../helpers/sim-host/fleet.js'
import {type SshdLab, sshdUnavailableReason} from '../helpers/sshd.js'
import {cleanXendHost, DB01_UUID, VNC_PASSWORD} from './upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], {stdio: 'ignore'}).status === 0
const skip = sshdUnavailableReason() ?? (has('ansible-playbook') ? undefined : 'ansible-playbook is not installed (Debian: ansible-core)')

function ansible(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): {code: number | null; out: string} {
  const r = spawnSync(cmd, args, {cwd, env: {...process.env, ...env}, encoding: 'utf8', timeout: 600_000})
  return {code: r.status, out: `${r.stdout}\n${r.stderr}`}
}

async function simState(h: SimHost): Promise<string> {
  const sim = path.join(h.root, '.sim')
  const read = (p: string) => readFile(path.join(sim, p), 'utf8').catch(() => '<none>')
  return JSON.stringify([await read('xend.running'), await read('libvirtd.running'), await read('xen/running.json'), await read('libvirt/domains.json'), await read('packages.json'), await readFile(path.join(h.root, 'etc/default/xen'), 'utf8').catch(() => '<none>')])
}

describe.skipIf(skip !== undefined)('upgrade plan --format ansible: the same runbook as a playbook', () => {
  let dir: string
  let lab: SshdLab
  let deb: SimHost
  let sles: SimHost
  let site: string
  let env: NodeJS.ProcessEnv
  let planOut: {code: number | null; stdout: string; stderr: string}
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-ansible-'))
    deb = await cleanXendHost(dir, 'deb-a', {dbRunning: true})
    sles = await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO})
    lab = await startFleetSshd([deb, sles])
    const inv = await writeFleetInventory(dir, [deb, sles], lab)
    site = path.join(dir, 'site')
    planOut = await runCli(['upgrade', 'plan', '--inventory', inv, '--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '30', '--format', 'ansible', '--out', site, '--batch', '1', '--max-fail-percent', '0'])
    env = {
      ANSIBLE_PRIVATE_KEY_FILE: lab.clientKeyFile,
      ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=60s -o ControlPath=${dir}/cm-%C`,
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_PIPELINING: '1',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      HOME: dir,
    }
  }, 240_000)
  afterAll(async () => {
    await lab?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('writes the site: ready hosts only, passwords only in mode-0600 files, data never templated', async () => {
    // exit 4: the inventory's `gone` is unreachable (the plan still writes the ready hosts' playbook)
    expect(planOut.code, planOut.stderr).toBe(4)
    expect(planOut.stdout).toContain(`ansible-playbook -i ${site}/inventory.ini`)
    const inv = await readFile(path.join(site, 'inventory.ini'), 'utf8')
    expect(inv).toMatch(/^deb-a ansible_host=127\.0\.0\.2 ansible_port=\d+ ansible_user=\S+$/m)
    expect(inv).toMatch(/^# blocked: sles-demo: /m)
    expect(inv).toMatch(/^# unreachable: gone: /m)
    expect(inv).not.toMatch(/^sles-demo /m)
    const xmls = await readdir(path.join(site, 'files', 'deb-a'))
    expect(xmls.sort()).toEqual(['01-app01.xml', '02-db01.xml'])
    const db = path.join(site, 'files', 'deb-a', '02-db01.xml')
    expect(await readFile(db, 'utf8')).toContain(`passwd='${VNC_PASSWORD}'`)
    expect((await stat(db)).mode & 0o777).toBe(0o600)
    expect((await stat(site)).mode & 0o777).toBe(0o700)
    for (const f of ['site.yml', 'inventory.ini', 'host_vars/deb-a.yml', 'tasks/define-domain.yml', 'README.md']) {
      expect(await readFile(path.join(site, f), 'utf8'), f).not.toContain(VNC_PASSWORD)
    }
    const vars = await readFile(path.join(site, 'host_vars', 'deb-a.yml'), 'utf8')
    expect(vars).toMatch(/xenlift_plan_id: !unsafe \d{8}-[0-9a-f]+/)
    const sha = createHash('sha256').update(await readFile(path.join(deb.root, 'etc/xen/db01'))).digest('hex')
    expect(vars).toContain(sha)
    const playbook = await readFile(path.join(site, 'site.yml'), 'utf8')
    expect(playbook).toMatch(/serial: 1\n/)
    expect(playbook).toMatch(/max_fail_percentage: 0\n/)
    for (const step of ['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify']) expect(playbook).toContain(`tasks/${step}.yml`)
  })

  it('passes ansible-playbook --syntax-check and ansible-lint', () => {
    const syntax = ansible('ansible-playbook', ['--syntax-check', '-i', 'inventory.ini', 'site.yml'], site, env)
    expect(syntax.code, syntax.out).toBe(0)
    if (!has('ansible-lint')) return expect.soft(has('ansible-lint'), 'ansible-lint is not installed (Debian: ansible-lint)').toBe(true)
    const lint = ansible('ansible-lint', ['--offline', '-p', 'site.yml'], site, {...env, ANSIBLE_LINT_SKIP_VERSION_CHECK: '1'})
    expect(lint.code, lint.out).toBe(0)
  }, 180_000)

  it('--check changes nothing on the hosts', async () => {
    const before = await simState(deb)
    const r = ansible('ansible-playbook', ['-i', 'inventory.ini', 'site.yml', '--check', '-e', 'xenlift_start=true'], site, env)
    expect(r.code, r.out).toBe(0)
    expect(await simState(deb)).toBe(before)
    await expect(stat(path.join(deb.root, 'var/lib/xenlift/lock'))).rejects.toThrow()
  }, 300_000)

  it('really upgrades the host: backed up, switched, defined with the password, running again; blocked host untouched', async () => {
    const slesBefore = await simState(sles)
    const r = ansible('ansible-playbook', ['-i', 'inventory.ini', 'site.yml', '-e', 'xenlift_start=true'], site, env)
    expect(r.code, r.out).toBe(0)
    expect(Object.keys(await deb.libvirtDomains()).sort()).toEqual(['app01', 'db01'])
    const xml = await deb.libvirtXml('db01')
    expect(xml).toContain(`<uuid>${DB01_UUID}</uuid>`)
    expect(xml).toContain(`passwd='${VNC_PASSWORD}'`)
    expect(xml).toBe(await readFile(path.join(site, 'files', 'deb-a', '02-db01.xml'), 'utf8'))
    const active = JSON.parse(await readFile(path.join(deb.root, '.sim/libvirt/active.json'), 'utf8')) as unknown
    expect(JSON.stringify(active)).toContain('app01')
    expect(JSON.stringify(active)).toContain('db01')
    expect(await readFile(path.join(deb.root, 'etc/default/xen'), 'utf8')).toMatch(/^TOOLSTACK=xl$/m)
    // the password never reached a command line
    expect((await deb.commandLog()).join('\n')).not.toContain(VNC_PASSWORD)
    // the backup is on the controller, mode 0600, and holds the xend tree
    const backups = (await readdir(path.join(site, 'backups'))).filter((f) => f.endsWith('.tar.gz'))
    expect(backups).toHaveLength(1)
    const tarball = path.join(site, 'backups', backups[0] as string)
    expect((await stat(tarball)).mode & 0o777).toBe(0o600)
    const list = spawnSync('tar', ['-tzf', tarball], {encoding: 'utf8'}).stdout
    expect(list).toContain('etc/xen/db01')
    expect(list).toMatch(/var\/lib\/xend\/domains\/[0-9a-f-]+\/config\.sxp/)
    await expect(stat(path.join(deb.root, 'var/lib/xenlift/lock'))).rejects.toThrow()
    expect(await simState(sles)).toBe(slesBefore)
  }, 600_000)

  it("verify releases only this run's lock: another run's lock stays", async () => {
    const lock = path.join(deb.root, 'var/lib/xenlift/lock')
    const foreign = '{"controller":"other-controller","planId":"20261207-00000000"}\n'
    await writeFile(lock, foreign, {mode: 0o600})
    const r = ansible('ansible-playbook', ['-i', 'inventory.ini', 'site.yml', '--tags', 'verify', '--limit', 'deb-a'], site, env)
    expect(r.code, r.out).toBe(0)
    expect(await readFile(lock, 'utf8')).toBe(foreign)
    await rm(lock)
  }, 300_000)

  it('refuses a config changed since planning: plan is stale', async () => {
    await writeFile(path.join(deb.root, 'etc/xen/db01'), `${await readFile(path.join(deb.root, 'etc/xen/db01'), 'utf8')}# changed\n`)
    const stale = ansible('ansible-playbook', ['-i', 'inventory.ini', 'site.yml'], site, env)
    expect(stale.code).not.toBe(0)
    expect(stale.out).toContain('plan is stale, plan again')
  }, 600_000)
})
