import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {Ajv, type ValidateFunction} from 'ajv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {committedSchemas, contractEntries, liveSchemas, schemaFileName} from '../../scripts/json-schemas.mjs'
import {runCli} from '../helpers/cli.js'
import {createSimHost, type SimHost} from '../helpers/sim-host/create-sim-host.js'
import {startFleetSshd, writeFleetInventory} from '../helpers/sim-host/fleet.js'
import {type SshdLab, sshdUnavailableReason} from '../helpers/sshd.js'
import {cleanXendHost} from '../runbook/upgrade-hosts.js'

const DEMO = new URL('../../fixtures/demo-host', import.meta.url).pathname

describe('schemas/: the --json contract, generated from the result types', () => {
  it('every committed schema is what the types give now (and no schema is missing or left over)', async () => {
    const [committed, live] = await Promise.all([committedSchemas(), liveSchemas()])
    const differ = [...new Set([...Object.keys(committed), ...Object.keys(live)])].filter((n) => committed[n] !== live[n]).map((n) => `${committed[n] === undefined ? '+' : live[n] === undefined ? '-' : '~'} schemas/${n}`)
    expect(differ, `the --json result types differ from schemas/:\n${differ.join('\n')}\nIf intended, run: npm run contract:update (and commit schemas/)`).toEqual([])
  }, 120_000)

  it('names a schema for every command that has --json', async () => {
    const ids = (await contractEntries()).map((e) => e.id).sort()
    expect(ids).toEqual(['check', 'convert', 'error', 'import', 'scan', 'upgrade apply', 'upgrade plan', 'upgrade rollback', 'upgrade status'])
  })
})

/** A validator per command id, from the committed files (what a consumer of the contract reads). */
async function validators(): Promise<(id: string) => ValidateFunction> {
  const files = await committedSchemas()
  const ajv = new Ajv({allErrors: true, strict: false})
  return (id) => {
    const text = files[schemaFileName(id)]
    if (text === undefined) throw new Error(`no schema for ${id}`)
    return ajv.compile(JSON.parse(text) as object)
  }
}

function expectValid(validate: ValidateFunction, value: unknown, what: string): void {
  const ok = validate(value)
  expect(ok, `${what} does not match its schema:\n${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`).toBe(true)
}

describe('real --json outputs validate against schemas/ (demo host files)', () => {
  let schema: (id: string) => ValidateFunction
  beforeAll(async () => {
    schema = await validators()
  })

  it('convert -r and check -r on fixtures/demo-host; scan --root', async () => {
    const convert = await runCli(['convert', '--json', '--libvirt-version', '11.3.0', '-r', DEMO])
    expect(convert.code, convert.stderr).toBe(0)
    const records = JSON.parse(convert.stdout) as unknown[]
    expect(records.length).toBeGreaterThan(3)
    expectValid(schema('convert'), records, 'convert --json')
    const check = await runCli(['check', '--json', '-r', DEMO, '--fail-on', 'never'])
    expect(check.code, check.stderr).toBe(0)
    expectValid(schema('check'), JSON.parse(check.stdout), 'check --json')
    const scan = await runCli(['scan', '--json', '--root', DEMO])
    expect(scan.code, scan.stderr).toBe(0)
    expectValid(schema('scan'), JSON.parse(scan.stdout), 'scan --json --root')
  }, 120_000)

  it('a failure with --json prints the one error shape, with the exit code it exits with', async () => {
    const cases: [string[], number][] = [
      [['scan', '--json', '--host', 'bad host!'], 2],
      [['check', '--json', '--no-such-flag', DEMO], 2],
      [['upgrade', 'apply', '--json', '--yes', path.join(DEMO, 'no-such-plan.json')], 2],
      [['import', '--json', '--dry-run', '--inventory', path.join(DEMO, 'no-such-inventory.ini')], 2],
    ]
    for (const [args, code] of cases) {
      const r = await runCli(args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      const doc = JSON.parse(r.stdout) as {error: {exitCode: number; message: string}}
      expectValid(schema('error'), doc, `${args.join(' ')} --json error`)
      expect(doc.error.exitCode).toBe(code)
      expect(doc.error.message.length).toBeGreaterThan(0)
      if (args[0] === 'upgrade') expectValid(schema('upgrade apply'), doc, 'upgrade apply --json error line')
    }
    expect(schema('error')({error: {name: 'Error', message: 'x', exitCode: 2, oclif: {exit: 2}}})).toBe(false)
  }, 120_000)

  it('a schema rejects what the command does not print (a misspelt field, a wrong type)', () => {
    const validate = schema('scan')
    expect(validate({schemaVersion: 1, hosts: [], summary: {hosts: 0, failedHosts: 0, domains: 0}})).toBe(true)
    expect(validate({schemaVersion: 1, hosts: [], summary: {hosts: 0, failedHost: 0, domains: 0}})).toBe(false)
    expect(validate({schemaVersion: 2, hosts: [], summary: {hosts: 0, failedHosts: 0, domains: 0}})).toBe(false)
    expect(schema('convert')([{source: 'a', ok: 'yes', diagnostics: []}])).toBe(false)
  })
})

describe.skipIf(sshdUnavailableReason() !== undefined)('real --json outputs validate against schemas/ (simulated dom0s over SSH)', () => {
  let dir: string
  let lab: SshdLab
  let hosts: SimHost[]
  let ssh: string[]
  let inv: string
  let schema: (id: string) => ValidateFunction
  beforeAll(async () => {
    schema = await validators()
    dir = await mkdtemp(path.join(tmpdir(), 'xenlift-json-schemas-'))
    hosts = [await cleanXendHost(dir, 'deb-a', {dbRunning: true}), await createSimHost({dir, name: 'sles-demo', profile: 'sles11-xend', tree: DEMO})]
    lab = await startFleetSshd(hosts)
    inv = await writeFleetInventory(dir, hosts, lab)
    ssh = ['--identity', lab.clientKeyFile, '--known-hosts', lab.knownHostsFile, '--timeout', '60']
  }, 120_000)
  afterAll(async () => {
    await lab?.stop()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('scan, check and import --dry-run over a fleet with an unreachable host', async () => {
    const scan = await runCli(['scan', '--json', '--inventory', inv, ...ssh])
    expect(scan.code, scan.stderr).toBe(4)
    expectValid(schema('scan'), JSON.parse(scan.stdout), 'scan --json --inventory')
    const check = await runCli(['check', '--json', '--inventory', inv, ...ssh])
    expect(check.code, check.stderr).toBe(4)
    expectValid(schema('check'), JSON.parse(check.stdout), 'check --json --inventory')
    const imp = await runCli(['import', '--json', '--dry-run', '--inventory', inv, '--limit', '!gone', ...ssh])
    expect(imp.code, imp.stderr).toBe(1) // the demo tree holds configs that do not convert (by design)
    expectValid(schema('import'), JSON.parse(imp.stdout), 'import --json --dry-run')
  }, 300_000)

  it('upgrade plan, apply (every NDJSON line), status and rollback', async () => {
    const plan = await runCli(['upgrade', 'plan', '--json', '--inventory', inv, '--limit', '!gone', ...ssh])
    expect(plan.code, plan.stderr).toBe(3)
    expectValid(schema('upgrade plan'), JSON.parse(plan.stdout), 'upgrade plan --json')
    const planFile = path.join(dir, 'plan.json')
    await runCli(['upgrade', 'plan', '--inventory', inv, '--limit', '!gone', ...ssh, '--out', planFile])
    const stateDir = path.join(dir, 'state')
    const apply = await runCli(['upgrade', 'apply', planFile, '--yes', '--json', '--state-dir', stateDir, ...ssh])
    expect(apply.code, apply.stderr).toBe(3)
    const lines = apply.stdout.trim().split('\n')
    const types = new Set<string>()
    for (const line of lines) {
      const event = JSON.parse(line) as {type: string}
      types.add(event.type)
      expectValid(schema('upgrade apply'), event, `upgrade apply --json line ${line}`)
    }
    expect([...types].sort()).toEqual(expect.arrayContaining(['host-end', 'host-start', 'result', 'step-end', 'step-start']))
    const status = await runCli(['upgrade', 'status', '--json', '--state-dir', stateDir])
    expect(status.code, status.stderr).toBe(0)
    expectValid(schema('upgrade status'), JSON.parse(status.stdout), 'upgrade status --json')
    const rollback = await runCli(['upgrade', 'rollback', '--json', '--yes', '--host', 'deb-a', '--state-dir', stateDir, ...ssh])
    expect(rollback.code, rollback.stderr).toBe(0)
    const rolled = JSON.parse(rollback.stdout) as {hosts: {status: string}[]}
    expect(rolled.hosts.map((h) => h.status)).toEqual(['done'])
    expectValid(schema('upgrade rollback'), rolled, 'upgrade rollback --json')
  }, 400_000)
})
