import {describe, expect, it} from 'vitest'
import {bucketGroups, groupByIdentity} from './define-groups.js'
import {generateConfigs} from './generate-configs.js'

describe('generateConfigs', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateConfigs(40, 7)
    expect(generateConfigs(40, 7)).toEqual(a)
    expect(generateConfigs(40, 8).map((c) => c.text)).not.toEqual(a.map((c) => c.text))
  })

  it('gives count configs per format with stable ids', () => {
    const cs = generateConfigs(25)
    expect(cs.filter((c) => c.format === 'xm')).toHaveLength(25)
    expect(cs.filter((c) => c.format === 'xl')).toHaveLength(25)
    expect(cs[0]?.id).toBe('gen:xm:0000')
    expect(new Set(cs.map((c) => c.id)).size).toBe(50)
  })

  it('covers the key space: PV, HVM, PVH, disks, vifs, graphics, faults', () => {
    const all = generateConfigs(150)
    const text = all.map((c) => c.text).join('\n')
    for (const key of ['name', 'uuid', 'memory', 'maxmem', 'vcpus', 'maxvcpus', 'cpus', 'kernel', 'ramdisk', 'bootloader', 'builder', 'type', 'boot', 'disk', 'vif', 'vfb', 'vnc', 'sdl', 'spice', 'serial', 'parallel', 'pci', 'usbdevice', 'soundhw', 'localtime', 'on_crash', 'on_reboot', 'on_poweroff', 'rtc_timeoffset', 'tsc_mode', 'nestedhvm', 'max_grant_frames']) {
      expect(text, key).toMatch(new RegExp(`^${key} = `, 'm'))
    }
    expect(text).toMatch(/vdev=/)
    expect(text).toMatch(/'phy:[^']*,xvda,w'/)
    expect(text).toMatch(/type = "pvh"/)
    const faults = all.filter((c) => c.intent?.includes('fault'))
    expect(faults.length).toBeGreaterThan(10)
    expect(faults.length).toBeLessThan(all.length / 4)
  })

  it('never repeats a key within one config (first-wins vs last-wins is not what this tests)', () => {
    for (const c of generateConfigs(150)) {
      const keys = c.text.split('\n').filter((l) => / = /.test(l) && !l.startsWith('#')).map((l) => l.split(' = ')[0])
      expect(new Set(keys).size, c.id).toBe(keys.length)
    }
  })
})

describe('groupByIdentity', () => {
  it('puts domains sharing a name or a uuid into one group', () => {
    const w = (id: string, name: string, uuid?: string) => ({id, name, xml: '', ...(uuid ? {uuid} : {})})
    const groups = groupByIdentity([w('1', 'a', 'u1'), w('2', 'b', 'u1'), w('3', 'b', 'u2'), w('4', 'c', 'u3'), w('5', 'c'), w('6', 'd')])
    const ids = groups.map((g) => g.map((x) => x.id).sort().join(',')).sort()
    expect(ids).toEqual(['1,2,3', '4,5', '6'])
  })
})

describe('bucketGroups', () => {
  it('keeps every group whole and balances the buckets', () => {
    const w = (id: string, name: string) => ({id, name, xml: ''})
    const groups = [[w('1', 'a'), w('2', 'a'), w('3', 'a')], [w('4', 'b')], [w('5', 'c'), w('6', 'c')], [w('7', 'd')]]
    const buckets = bucketGroups(groups, 2)
    expect(buckets.map((b) => b.length).sort()).toEqual([3, 4])
    for (const b of buckets) for (const name of new Set(b.map((x) => x.name))) expect(buckets.filter((o) => o.some((x) => x.name === name))).toHaveLength(1)
    expect(bucketGroups(groups, 10)).toHaveLength(4)
  })
})
