import {describe, expect, it} from 'vitest'
import {recordDifferences, recordOfXml} from '../../src/runbook/domain-record.js'

const xml = (uuid: string, mac: string) =>
  `<domain type='xen'><name>web</name><uuid>${uuid}</uuid><memory unit='KiB'>524288</memory><vcpu>1</vcpu><os><type>linux</type></os>` +
  `<devices><interface type='bridge'><mac address='${mac}'/><source bridge='br0'/></interface></devices></domain>`

describe('domain record', () => {
  it('compares MACs and UUIDs in the one printed form (virMacAddrParse, virUUIDParse)', () => {
    const planned = recordOfXml(xml('4DEA22B3-1D52-D8F3-2516-782E98A23FA0', '00:16:3E:a:b:c'))
    const defined = recordOfXml(xml('4dea22b3-1d52-d8f3-2516-782e98a23fa0', '00:16:3e:0a:0b:0c'))
    if (planned === undefined || defined === undefined) throw new Error('not read')
    expect(planned.nics).toEqual(['00:16:3e:0a:0b:0c@br0'])
    expect(planned.uuid).toBe('4dea22b3-1d52-d8f3-2516-782e98a23fa0')
    expect(recordDifferences(planned, defined)).toEqual([])
    expect(recordDifferences(planned, recordOfXml(xml('4dea22b3-1d52-d8f3-2516-782e98a23fa0', '00:16:3e:0a:0b:0d')) ?? defined)).toEqual([
      'NICs 00:16:3e:0a:0b:0c@br0 → 00:16:3e:0a:0b:0d@br0',
    ])
  })
})
