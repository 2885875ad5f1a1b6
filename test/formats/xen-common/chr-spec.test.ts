import {describe, expect, it} from 'vitest'
import {parseChrSpec} from '../../../src/formats/xen-common/chr-spec.js'

const dev = (v: string) => {
  const r = parseChrSpec(v)
  if ('error' in r) throw new Error(r.error)
  return r.device
}

describe('parseChrSpec (libvirt xenParseSxprChar)', () => {
  it('host devices and the simple types', () => {
    expect(dev('/dev/ttyS0')).toEqual({type: 'dev', sources: [{path: '/dev/ttyS0'}], target: {}})
    for (const t of ['pty', 'vc', 'null', 'stdio'] as const) expect(dev(t)).toEqual({type: t, sources: [], target: {}})
    // libvirt drops the path of `dev:`.
    expect(dev('dev:/dev/ttyS1')).toEqual({type: 'dev', sources: [], target: {}})
    expect(dev('file:/tmp/serial.log')).toEqual({type: 'file', sources: [{path: '/tmp/serial.log'}], target: {}})
    expect(dev('pipe:/tmp/p')).toEqual({type: 'pipe', sources: [{path: '/tmp/p'}], target: {}})
  })

  it('tcp and telnet: host optional, server → bind', () => {
    expect(dev('tcp:localhost:9999,server,nowait')).toEqual({type: 'tcp', protocol: 'raw', sources: [{mode: 'bind', host: 'localhost', service: '9999'}], target: {}})
    expect(dev('tcp::4444')).toEqual({type: 'tcp', protocol: 'raw', sources: [{mode: 'connect', service: '4444'}], target: {}})
    expect(dev('telnet:h:23,server')).toMatchObject({type: 'tcp', protocol: 'telnet', sources: [{mode: 'bind', host: 'h', service: '23'}]})
  })

  it('udp with and without a bind part', () => {
    expect(dev('udp:localhost:9998@localhost:9999').sources).toEqual([
      {mode: 'bind', host: 'localhost', service: '9999'},
      {mode: 'connect', host: 'localhost', service: '9998'},
    ])
    expect(dev('udp:1.2.3.4:5').sources).toEqual([{mode: 'connect', host: '1.2.3.4', service: '5'}])
    expect(dev('udp::5@:6').sources).toEqual([
      {mode: 'bind', service: '6'},
      {mode: 'connect', service: '5'},
    ])
  })

  it('unix sockets', () => {
    expect(dev('unix:/tmp/s,server,nowait').sources).toEqual([{mode: 'bind', path: '/tmp/s'}])
    expect(dev('unix:/tmp/s').sources).toEqual([{mode: 'connect', path: '/tmp/s'}])
  })

  it('unknown types and malformed tcp/udp are errors', () => {
    expect(parseChrSpec('bogus')).toEqual({error: "unknown chr device type 'bogus'"})
    expect(parseChrSpec('mon:stdio')).toEqual({error: "unknown chr device type 'mon'"})
    expect(parseChrSpec('')).toEqual({error: "unknown chr device type ''"})
    expect(parseChrSpec('tcp:9999')).toEqual({error: 'malformed char device string'})
    expect(parseChrSpec('udp:a:1@b')).toEqual({error: 'malformed char device string'})
    expect(parseChrSpec('constructor')).toEqual({error: "unknown chr device type 'constructor'"})
  })
})
