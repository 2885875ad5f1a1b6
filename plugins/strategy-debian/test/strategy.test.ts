import {describe, expect, it} from 'vitest'
import type {HostFacts} from '../../../src/host/facts.js'
import strategyHook from '../hooks/strategy.js'

const facts = (os: HostFacts['os'], libvirt?: HostFacts['libvirt']): HostFacts => ({...(os ? {os} : {}), ...(libvirt ? {libvirt} : {}), running: [], notes: []})

describe('@xenlift/strategy-debian', () => {
  const s = strategyHook()
  it('claims Debian and Ubuntu dom0s only', () => {
    expect(s.claims(facts({id: 'debian', versionId: '7', prettyName: 'Debian 7', source: '/etc/os-release'}))).toBe(true)
    expect(s.claims(facts({id: 'ubuntu', versionId: '14.04', prettyName: 'Ubuntu', source: '/etc/os-release'}))).toBe(true)
    expect(s.claims(facts({id: 'sles', versionId: '11.4', prettyName: 'SLES', source: '/etc/SuSE-release'}))).toBe(false)
    expect(s.claims(facts(undefined))).toBe(false)
  })
  it("aims the XML at the release's libvirt, or at a libvirt whose libxl driver already answers", () => {
    expect(s.targetLibvirtVersion(facts({id: 'debian', versionId: '12', prettyName: 'Debian 12', source: ''}))).toBe('9.0.0')
    expect(s.targetLibvirtVersion(facts({id: 'debian', versionId: '13', prettyName: 'Debian 13', source: ''}))).toBe('11.3.0')
    expect(s.targetLibvirtVersion(facts({id: 'debian', versionId: '12', prettyName: '', source: ''}, {version: '9.0.0', libxl: true}))).toBe('9.0.0')
  })
  it('installs without prompting and sets TOOLSTACK=xl', () => {
    expect(s.installCommands().at(-1)).toEqual(['apt-get', 'install', '-y', '--no-install-recommends', 'libvirt-daemon-system', 'libvirt-daemon-driver-xen'])
    expect(s.toolstackSetting).toEqual({path: '/etc/default/xen', key: 'TOOLSTACK', value: 'xl'})
  })
})
