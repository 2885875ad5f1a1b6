import {execFile} from 'node:child_process'
import {DEFAULT_LIBVIRT_VERSION, parseVersion} from '../formats/libvirt/target.js'

/**
 * The libvirt version to aim at when the user gave none: the local `virsh --version` when
 * present (the XML is usually defined on this machine's libvirt), else 9.0.0 (Debian 12, the
 * lab's libvirt).
 */
export async function defaultLibvirtVersion(): Promise<{version: string; from: 'virsh' | 'default'}> {
  const out = await new Promise<string | undefined>((resolve) => {
    execFile('virsh', ['--version'], {timeout: 5000}, (err, stdout) => resolve(err ? undefined : stdout))
  })
  if (out !== undefined && parseVersion(out.trim())) return {version: out.trim(), from: 'virsh'}
  return {version: DEFAULT_LIBVIRT_VERSION, from: 'default'}
}
