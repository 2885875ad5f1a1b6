/**
 * xenlift's side of every comparison: the pure pipeline of `src/convert/convert.ts`, in
 * process, aimed at the lab's libvirt (9.0.0), turned into an `Outcome`.
 */
import {convertText, type ConvertResult, type TargetFormat} from '../../src/convert/convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {targetProfile} from '../../src/formats/target-profile.js'
import type {SourceFormat} from '../../src/model/read-result.js'
import type {Outcome} from './compare-outcomes.js'

/**
 * The lab host as a target profile: libvirt 9.0.0, and the host CPU vendor of the emulated
 * qemu64 CPU (`AuthenticAMD` in the lab's /proc/cpuinfo). The vendor is a fact of the host
 * that xl `nestedhvm = 0` depends on (vmx vs svm), not a conversion choice.
 */
export const LAB_TARGET = targetFor('9.0.0', {profile: targetProfile({cpuVendor: 'amd'})})

function errorsOf(r: ConvertResult): string[] {
  const all = [...r.diagnostics, ...r.domains.flatMap((d) => d.diagnostics)]
  return all.filter((d) => d.severity === 'error').map((d) => `${d.message} [${d.code}]`)
}

/** A converter exception is always a bug, never "agreement" with a libvirt error. */
export class ConverterThrew extends Error {}

export function convertOne(text: string, from: SourceFormat, to: TargetFormat, id: string): Outcome {
  let r: ConvertResult
  try {
    // virsh domxml-to-native writes the vncpasswd it was given; domxml-from-native formats
    // without VIR_DOMAIN_DEF_FORMAT_SECURE and omits it. xenlift's --security-info is that switch.
    r = convertText(text, {from, to, target: LAB_TARGET, file: id, securityInfo: to !== 'libvirt'})
  } catch (error) {
    throw new ConverterThrew(`xenlift threw on ${id}: ${(error as Error).stack ?? String(error)}`)
  }
  const errors = errorsOf(r)
  const outputs = r.domains.filter((d) => d.output !== undefined)
  if (errors.length > 0 || outputs.length !== 1) {
    const why = errors.length > 0 ? errors : [outputs.length === 0 ? 'no domain converted' : `${outputs.length} domains`]
    return {ok: false, error: why.join('\n')}
  }
  return {ok: true, text: outputs[0]?.output ?? ''}
}

/** Is xenlift's native writer still the placeholder (issue #5)? Then the reverse tests skip. */
export function nativeWriterMissing(to: 'xl' | 'xm'): string | undefined {
  const probe = `<domain type='xen'><name>probe</name><memory unit='KiB'>131072</memory><os><type>linux</type></os></domain>`
  try {
    const r = convertText(probe, {from: 'libvirt', to, target: LAB_TARGET})
    const all = [...r.diagnostics, ...r.domains.flatMap((d) => d.diagnostics)]
    const stub = all.find((d) => d.code === 'UNSUPPORTED' && /not implemented/.test(d.message))
    return stub?.message
  } catch {
    return undefined
  }
}

/** Every domain xenlift writes as XML for one input (SXP dumps may hold several). */
export function convertToXml(text: string, from: SourceFormat, id: string): {name: string; xml?: string; error?: string}[] {
  const r = convertText(text, {from, to: 'libvirt', target: LAB_TARGET, file: id})
  if (r.domains.length === 0) {
    const errors = errorsOf(r)
    return errors.length > 0 ? [{name: '(none)', error: errors.join('\n')}] : []
  }
  return r.domains.map((d) => {
    const errors = d.diagnostics.filter((x) => x.severity === 'error').map((x) => x.message)
    if (d.output !== undefined && errors.length === 0) return {name: d.name, xml: d.output}
    return {name: d.name, error: errors.join('\n') || 'no output'}
  })
}
