import {describe, expect, it} from 'vitest'
import {parseMac, parseVifSpec} from '../../../src/formats/xen-common/vif-spec.js'

const ok = (spec: string, typename: 'netfront' | 'vif' = 'vif') => {
  const r = parseVifSpec(spec, typename)
  if ('error' in r) throw new Error(r.error)
  return r
}
const err = (spec: string) => {
  const r = parseVifSpec(spec, 'vif')
  if (!('error' in r)) throw new Error(`expected an error for ${spec}`)
  return r.error
}

describe('vif specs (xenParseVif)', () => {
  it('maps the bridge, mac, script and model keys', () => {
    const {iface} = ok('mac=00:16:3e:66:92:9c,bridge=xenbr1,script=vif-bridge,model=e1000')
    expect(iface).toMatchObject({type: 'bridge', mac: '00:16:3e:66:92:9c', source: {bridge: 'xenbr1'}, script: 'vif-bridge', model: 'e1000'})
  })
  it('an empty string is a default ethernet NIC without a MAC', () => {
    expect(ok('').iface).toEqual({type: 'ethernet', ips: []})
  })
  it('is ethernet unless bridge is set or script is exactly vif-bridge/vif-vnic', () => {
    expect(ok('script=/etc/xen/scripts/vif-bridge').iface.type).toBe('ethernet')
    expect(ok('script=vif-vnic').iface.type).toBe('bridge')
    expect(ok('bridge=').iface).toMatchObject({type: 'bridge', source: {bridge: ''}})
  })
  it('skips spaces after commas and lets the last key win', () => {
    expect(ok('mac=00:16:3e:00:00:01, \tbridge=br0,bridge=br1').iface.source).toEqual({bridge: 'br1'})
  })
  it('fails on an element without =', () => {
    expect(err('bridge=br0,')).toMatch(/not key=value/)
    expect(err('mac=00:16:3e:00:00:01,,bridge=br0')).toMatch(/not key=value/)
  })
  it('normalises and checks MAC addresses', () => {
    expect(parseMac('0:16:3E:0:0:1')).toBe('00:16:3e:00:00:01')
    expect(parseMac('00:16:3e:00:00:01 ')).toBe('00:16:3e:00:00:01')
    for (const bad of ['00-16-3e-00-00-01', '00:16:3e:00:00', '00:16:3e:00:00:01:02', 'zz:16:3e:00:00:01', '', '000:16:3e:00:00:01']) {
      expect(parseMac(bad), bad).toBeUndefined()
    }
    expect(err('mac=00-16-3e-00-00-01')).toBe("malformed mac address '00-16-3e-00-00-01'")
  })
  it('maps OVS vlan and trunk bridges', () => {
    expect(ok('bridge=ovsbr0.42').iface).toMatchObject({source: {bridge: 'ovsbr0'}, vlan: {trunk: false, tags: [42]}, virtualport: 'openvswitch'})
    expect(ok('bridge=ovsbr0:42:43').iface).toMatchObject({source: {bridge: 'ovsbr0'}, vlan: {trunk: true, tags: [42, 43]}, virtualport: 'openvswitch'})
    expect(ok('bridge=ovsbr0:42').iface.vlan).toEqual({trunk: true, tags: [42]})
    for (const bad of ['br.lan', 'br0.100.200', 'br0:a', 'br0.']) expect(err(`bridge=${bad}`), bad).toMatch(/not a number/)
  })
  it('splits ip on single spaces and checks each address', () => {
    expect(ok('ip=10.0.0.1 fe80::1').iface.ips).toEqual([
      {address: '10.0.0.1', family: 'ipv4'},
      {address: 'fe80::1', family: 'ipv6'},
    ])
    expect(err('ip=10.0.0.1 ')).toMatch(/Cannot parse socket address ''.*trailing space/)
    expect(err('ip=10.1.1.1/24')).toMatch(/Cannot parse socket address '10.1.1.1\/24'/)
    expect(err('ip=host.example')).toMatch(/Cannot parse socket address/)
  })
  it('reads rate as KB/s and drops a zero rate', () => {
    expect(ok('rate=10MB/s').iface.bandwidthOutboundKBps).toBe(10240)
    expect(ok('rate=10Mb/s').iface.bandwidthOutboundKBps).toBe(1280)
    expect(ok('rate=1000B/s').iface.bandwidthOutboundKBps).toBe(1000)
    expect(ok('rate=1GB/s@20ms')).toMatchObject({iface: {bandwidthOutboundKBps: 1048576}, rateInterval: '20ms'})
    expect(ok('rate=0MB/s').iface.bandwidthOutboundKBps).toBeUndefined()
    for (const bad of ['256kb/s', '10MB', 'fast', '']) expect(err(`rate=${bad}`)).toBe(`Invalid rate '${bad}' specified`)
  })
  it('maps type=<typename> to netfront unless a model is given', () => {
    expect(ok('type=netfront', 'netfront').iface.model).toBe('netfront')
    expect(ok('type=vif', 'netfront').iface.model).toBeUndefined()
    expect(ok('type=vif', 'vif').iface.model).toBe('netfront')
    expect(ok('type=vif,model=e1000', 'vif').iface.model).toBe('e1000')
    expect(ok('type=ioemu').iface.model).toBeUndefined()
    expect(ok('model=').iface.model).toBe('')
  })
  it('keeps vifname and reports keys libvirt ignores', () => {
    const r = ok('vifname=web0,backend=dd,accel=x,gatewaydev=eth0')
    expect(r.iface.targetDev).toBe('web0')
    expect(r.ignored).toEqual({backend: 'dd', accel: 'x', gatewaydev: 'eth0'})
  })
})
