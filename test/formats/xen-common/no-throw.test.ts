/** Property: no input makes the xm/xl mapping or its spec parsers throw (bad input is data). */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseXlCpuid} from '../../../src/formats/xen-common/cpuid.js'
import {normaliseCpuset} from '../../../src/formats/xen-common/cpuset.js'
import {parsePciSpec} from '../../../src/formats/xen-common/pci-spec.js'
import {parseUuid} from '../../../src/formats/xen-common/uuid.js'
import {parseVifSpec} from '../../../src/formats/xen-common/vif-spec.js'
import {parseVnuma} from '../../../src/formats/xen-common/vnuma.js'
import {parseXmDiskSpec} from '../../../src/formats/xen-common/xm-disk-spec.js'
import {parseXlDiskSpec, xlDiskToDisk} from '../../../src/formats/xl/disk-spec.js'
import {xlToDomain} from '../../../src/formats/xl/to-domain.js'
import {xmToDomain} from '../../../src/formats/xm/to-domain.js'
import type {ConfigEntry, ConfigValue, NativeConfig} from '../../../src/model/native-config.js'

/** Strings built from the characters the grammars care about. */
const specText = fc.string({unit: fc.constantFrom(...'abcdhxvpqrtwy019:,=./@^- \\!'.split('')), maxLength: 40})
const anyText = fc.oneof(specText, fc.string({maxLength: 30}))

const KEYS = [
  'name', 'uuid', 'memory', 'maxmem', 'vcpus', 'maxvcpus', 'cpus', 'builder', 'type', 'kernel', 'loader', 'boot',
  'on_crash', 'disk', 'vif', 'pci', 'vfb', 'serial', 'parallel', 'soundhw', 'vnc', 'vncunused', 'vncdisplay', 'sdl',
  'spice', 'spicepasswd', 'usbdevice', 'usbctrl', 'usbdev', 'channel', 'vnuma', 'cpuid', 'nestedhvm', 'tsc_mode',
  'rtc_timeoffset', 'localtime', 'bios', 'passthrough', 'max_grant_frames', 'device_model_args', 'vscsi',
] as const

const value: fc.Arbitrary<ConfigValue> = fc.letrec<{v: ConfigValue}>((tie) => ({
  v: fc.oneof(
    {depthSize: 'small'},
    anyText,
    fc.integer({min: -5, max: 100000}),
    fc.constant('hvm'),
    fc.constant('1'),
    fc.array(tie('v'), {maxLength: 3}),
  ),
})).v

const config = (format: 'xm' | 'xl') =>
  fc.array(fc.tuple(fc.constantFrom(...KEYS), value), {maxLength: 25}).map(
    (pairs): NativeConfig => ({
      format,
      entries: pairs.map(
        ([key, v], i): ConfigEntry => ({
          key,
          value: v,
          syntax: Array.isArray(v) ? 'list' : typeof v === 'number' ? 'number' : 'string',
          computed: false,
          text: JSON.stringify(v),
          loc: {line: i + 1, column: 1},
        }),
      ),
      python: [],
    }),
  )

describe('xm/xl mapping never throws', () => {
  it('spec parsers', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (s, hvm) => {
        parseVifSpec(s, 'vif')
        parsePciSpec(s)
        parseXmDiskSpec(s, hvm)
        parseXlCpuid(s)
        normaliseCpuset(s)
        parseUuid(s)
        const r = parseXlDiskSpec(s)
        if ('spec' in r) xlDiskToDisk(r.spec, hvm)
      }),
      {numRuns: 3000},
    )
  })
  it('vnuma', () => {
    fc.assert(fc.property(fc.array(value, {maxLength: 4}), (v) => void parseVnuma(v)), {numRuns: 500})
  })
  it('whole configs, and every error is located at an entry or a missing key', () => {
    for (const format of ['xm', 'xl'] as const) {
      fc.assert(
        fc.property(config(format), (cfg) => {
          const r = format === 'xm' ? xmToDomain(cfg) : xlToDomain(cfg)
          for (const d of r.diagnostics) {
            if (d.severity === 'error' && d.code !== 'MISSING-KEY') expect(d.line, d.message).toBeGreaterThan(0)
          }
          expect(r.domain !== undefined || r.diagnostics.some((d) => d.severity === 'error')).toBe(true)
        }),
        {numRuns: 1500},
      )
    }
  })
})
