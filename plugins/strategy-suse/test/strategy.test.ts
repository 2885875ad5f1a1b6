import {describe, expect, it} from 'vitest'
import type {HostFacts} from '../../../src/host/facts.js'
import strategyHook from '../hooks/strategy.js'

const facts = (id: string, versionId?: string): HostFacts => ({os: {id, ...(versionId ? {versionId} : {}), prettyName: id, source: '/etc/os-release'}, running: [], notes: []})

describe('@xenlift/strategy-suse', () => {
  const s = strategyHook()
  it('claims SLES, SLED and openSUSE dom0s only', () => {
    for (const id of ['sles', 'sled', 'opensuse-leap']) expect(s.claims(facts(id))).toBe(true)
    expect(s.claims(facts('debian'))).toBe(false)
  })
  it('installs the libxl driver with zypper --non-interactive and sets no toolstack file', () => {
    expect(s.installCommands().at(-1)).toEqual(['zypper', '--non-interactive', 'install', 'libvirt-daemon-driver-libxl', 'libvirt-daemon', 'libvirt-client'])
    expect(s.toolstackSetting).toBeUndefined()
    expect(s.targetLibvirtVersion(facts('sles', '15.4'))).toBe('9.0.0')
  })
})
