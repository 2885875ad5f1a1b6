/**
 * The one-command query of xend's services (`sh -c` over systemctl is-enabled / is-active per
 * unit), run for real against the simulated hosts' systemctl: per-unit states, a missing unit as
 * `not-found`, and a unit systemctl cannot answer for reported as that unit; the same for the
 * switch's stop-and-disable of the units in one command, and rollback's enable-and-start of them
 * in one command.
 */
import {chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseUnitsOff, parseUnitsOn, queryUnitStates, type UnitCall, unitsOffArgv, unitsOnArgv} from '../../src/runbook/steps/services.js'
import {LocalTransport} from '../../src/transport/local.js'
import {createSimHost} from '../helpers/sim-host/create-sim-host.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xenlift-units-'))
})
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('queryUnitStates', () => {
  it('one remote command: each unit\'s is-enabled and is-active, a missing unit not-found', async () => {
    const h = await createSimHost({dir, name: 'deb', profile: 'debian7-xend'})
    const t = new LocalTransport({env: h.env})
    expect((await t.exec(['systemctl', 'disable', 'xendomains'])).exitCode).toBe(0)
    const argvs: string[][] = []
    const states = await queryUnitStates((argv) => {
      argvs.push([...argv])
      return t.exec(argv)
    }, ['xendomains', 'xend', 'nosuch'])
    expect(argvs).toHaveLength(1)
    expect(states).toEqual([
      {unit: 'xendomains', enabled: 'disabled', active: 'inactive'},
      {unit: 'xend', enabled: 'enabled', active: 'active'},
      {unit: 'nosuch', enabled: 'not-found', active: 'inactive'},
    ])
  })

  it('a host without xend\'s units: both not-found', async () => {
    const h = await createSimHost({dir, name: 'half', profile: 'debian7-xend', xendInstalled: false})
    const t = new LocalTransport({env: h.env})
    expect(await queryUnitStates((argv) => t.exec(argv), ['xendomains', 'xend'])).toEqual([
      {unit: 'xendomains', enabled: 'not-found', active: 'inactive'},
      {unit: 'xend', enabled: 'not-found', active: 'inactive'},
    ])
  })

  it('systemctl failing for one unit is reported for that unit; no systemctl at all is an error, not a missing unit', async () => {
    const h = await createSimHost({dir, name: 'bus', profile: 'debian7-xend'})
    // the stand-in answers for xendomains; for xend, systemd's bus is down
    const real = path.join(h.binDir, 'systemctl')
    await rename(real, `${real}-sim`)
    await writeFile(real, `#!/bin/sh\ncase "$2" in xend) echo "Failed to connect to bus: Connection refused" >&2; exit 1 ;; esac\nexec "$0-sim" "$@"\n`)
    await chmod(real, 0o755)
    // a host without systemctl: a PATH holding only sh
    const bare = path.join(dir, 'bare-bin')
    await mkdir(bare)
    await symlink('/bin/sh', path.join(bare, 'sh'))
    const t = new LocalTransport({env: h.env})
    await expect(queryUnitStates((argv) => t.exec(argv), ['xendomains', 'xend'])).rejects.toThrow(/^cannot read the state of xend: systemctl is-enabled: Failed to connect to bus: Connection refused$/)
    await expect(queryUnitStates((argv) => t.exec(argv, {env: {PATH: bare}}), ['xend'])).rejects.toThrow(/cannot read the state of xend: systemctl is-enabled: .*not found/)
  })
})

describe('the switch\'s stop and disable in one command', () => {
  it('stops and disables each unit; a missing unit is passed over; a failing call is reported as itself and ends the script', async () => {
    const h = await createSimHost({dir, name: 'off', profile: 'debian7-xend'})
    const t = new LocalTransport({env: h.env})
    expect(parseUnitsOff(await t.exec(unitsOffArgv(['xendomains', 'nosuch', 'xend'])), ['xendomains', 'nosuch', 'xend'])).toEqual({missing: ['nosuch']})
    expect(await queryUnitStates((argv) => t.exec(argv), ['xendomains', 'xend'])).toEqual([
      {unit: 'xendomains', enabled: 'disabled', active: 'inactive'},
      {unit: 'xend', enabled: 'disabled', active: 'inactive'},
    ])
    // again on the same host: each call is idempotent
    expect(parseUnitsOff(await t.exec(unitsOffArgv(['xendomains', 'xend'])), ['xendomains', 'xend'])).toEqual({missing: []})

    const bad = await createSimHost({dir, name: 'off-bad', profile: 'debian7-xend'})
    const real = path.join(bad.binDir, 'systemctl')
    await rename(real, `${real}-sim`)
    await writeFile(real, `#!/bin/sh\ncase "$1 $2" in "disable xendomains") echo "Failed to disable unit: Access denied" >&2; exit 1 ;; esac\nexec "$0-sim" "$@"\n`)
    await chmod(real, 0o755)
    const tb = new LocalTransport({env: bad.env})
    const r = await tb.exec(unitsOffArgv(['xendomains', 'xend']))
    expect(r.exitCode).toBe(1)
    expect(parseUnitsOff(r, ['xendomains', 'xend'])).toEqual({missing: [], failure: 'systemctl disable xendomains: Failed to disable unit: Access denied'})
    // it stopped there: xend untouched
    expect(await queryUnitStates((argv) => tb.exec(argv), ['xend'])).toEqual([{unit: 'xend', enabled: 'enabled', active: 'active'}])
  })
})

describe('rollback\'s enable and start in one command', () => {
  it('runs each call in order; a failed enable is passed over, a failed start is reported as itself and ends the script', async () => {
    const h = await createSimHost({dir, name: 'on', profile: 'debian7-xend'})
    const t = new LocalTransport({env: h.env})
    parseUnitsOff(await t.exec(unitsOffArgv(['xendomains', 'xend'])), ['xendomains', 'xend'])
    const calls: UnitCall[] = [
      {verb: 'enable', unit: 'xend'},
      {verb: 'enable', unit: 'xendomains'},
      {verb: 'start', unit: 'xend'},
    ]
    expect(parseUnitsOn(await t.exec(unitsOnArgv(calls)), calls).map((c) => c.ok)).toEqual([true, true, true])
    expect(await queryUnitStates((argv) => t.exec(argv), ['xendomains', 'xend'])).toEqual([
      {unit: 'xendomains', enabled: 'enabled', active: 'inactive'},
      {unit: 'xend', enabled: 'enabled', active: 'active'},
    ])

    const bad = await createSimHost({dir, name: 'on-bad', profile: 'debian7-xend'})
    const tb = new LocalTransport({env: bad.env})
    parseUnitsOff(await tb.exec(unitsOffArgv(['xendomains', 'xend'])), ['xendomains', 'xend'])
    const real = path.join(bad.binDir, 'systemctl')
    await rename(real, `${real}-sim`)
    await writeFile(
      real,
      `#!/bin/sh\ncase "$1 $2" in\n"enable xend") echo "Failed to enable unit: Access denied" >&2; exit 1 ;;\n"start xend") printf 'Job for xend.service failed.\\nSee "journalctl -xe" for details.\\n\\n' >&2; exit 1 ;;\nesac\nexec "$0-sim" "$@"\n`,
    )
    await chmod(real, 0o755)
    const more: UnitCall[] = [...calls, {verb: 'start', unit: 'xendomains'}]
    const r = await tb.exec(unitsOnArgv(more))
    expect(r.exitCode).toBe(1)
    expect(parseUnitsOn(r, more)).toEqual([
      {call: more[0], ok: false, why: 'Failed to enable unit: Access denied'},
      {call: more[1], ok: true, why: ''},
      {call: more[2], ok: false, why: 'See "journalctl -xe" for details.'},
      {call: more[3], ok: false, why: ''},
    ])
    // it stopped at xend's start: xendomains enabled (before it) but never started
    expect(await queryUnitStates((argv) => tb.exec(argv), ['xendomains', 'xend'])).toEqual([
      {unit: 'xendomains', enabled: 'enabled', active: 'inactive'},
      {unit: 'xend', enabled: 'disabled', active: 'inactive'},
    ])
  })
})
