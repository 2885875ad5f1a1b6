import {describe, expect, it} from 'vitest'
import {parseVifRate} from '../../../src/formats/xen-common/vif-rate.js'

describe('parseVifRate (libvirt xenParseSxprVifRate)', () => {
  it.each([
    ['10240KB/s', 10240],
    ['10MB/s', 10240],
    ['1GB/s', 1048576],
    ['1000B/s', 1000],
    ['10Mb/s', 1280],
    ['100Kb/s', 12],
    ['15b/s', 1],
    ['0KB/s', 0],
  ])('%s → %d KB/s', (rate, kBps) => {
    expect(parseVifRate(rate)).toEqual({kBps})
  })

  it('drops the @interval and returns it for the report', () => {
    expect(parseVifRate('5MB/s@20ms')).toEqual({kBps: 5120, interval: '20ms'})
  })

  it.each(['256kb/s', '10MB', 'fast', '', ' 10MB/s', '10 MB/s', '10TB/s'])('rejects %j', (rate) => {
    expect(parseVifRate(rate)).toEqual({error: `Invalid rate '${rate}' specified`})
  })
})
