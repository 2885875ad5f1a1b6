/**
 * fast-check arbitraries for the secrets property tests: domain configs in every input format
 * (SXP, xm, xl, libvirt XML) with a VNC/SPICE password placed in every kind of value that can
 * hold one (top-level key, inside a vfb string at any position, SXP image or vfb device, XML
 * attribute), at any distance from the start of its line (past the 200-character cut of check's
 * evidence, past libvirt's 1023-character vfb limit).
 *
 * Passwords alternate upper and lower case letters that are not hex digits ("QxZkRtYv"), so no
 * window of 6 characters of one can occur by accident in a uuid, a hash, a MAC or English text:
 * `leaks` looks for every such window, which catches a password cut in half too.
 */
import fc from 'fast-check'

const UPPER = 'GHJKLMNPQRSTUVWXYZ'
const LOWER = 'ghjkmnpqrstuvwxyz'

export const password: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...UPPER), fc.constantFrom(...LOWER)), {minLength: 4, maxLength: 7})
  .map((pairs) => pairs.map(([u, l]) => u + l).join(''))

export type SecretFormat = 'sxp' | 'xm' | 'xl' | 'libvirt'

export interface SecretCase {
  readonly format: SecretFormat
  /** Which value holds the password (see `configText`). */
  readonly place: number
  readonly password: string
  /** Characters of padding before the password on its line. */
  readonly pad: number
  readonly quote: "'" | '"'
}

export const secretCase: fc.Arbitrary<SecretCase> = fc.record({
  format: fc.constantFrom<SecretFormat>('sxp', 'xm', 'xl', 'libvirt'),
  place: fc.nat(3),
  password,
  pad: fc.oneof(fc.integer({min: 0, max: 40}), fc.integer({min: 150, max: 230}), fc.integer({min: 1000, max: 1100})),
  quote: fc.constantFrom<"'" | '"'>("'", '"'),
})

/** The file a case is written to, below a dom0 tree, and its text. `n` makes names and uuids unique. */
export function caseFile(c: SecretCase, n: number): {path: string; text: string; name: string} {
  const name = `sec${n}`
  const uuid = `5ec7e700-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
  const pad = `/${'p'.repeat(c.pad)}`
  const pw = c.password
  const q = c.quote
  const mac = `00:16:3e:5e:00:${(n % 256).toString(16).padStart(2, '0')}`
  if (c.format === 'sxp') {
    const disk = `(device (vbd (dev xvda) (uname phy:/dev/vg/${name}) (mode w)))`
    const pwv = c.place % 2 === 0 ? pw : `'${pw}'`
    const text =
      c.place < 2
        ? `(domain (name ${name}) (uuid ${uuid}) (memory 256) (bootloader /usr/bin/pygrub) (image (linux (kernel ''))) ${disk} (device (vfb (type vnc) (vnclisten 0.0.0.0) (xauthority ${pad}) (vncpasswd ${pwv}))))\n`
        : `(domain (name ${name}) (uuid ${uuid}) (memory 256) (image (hvm (kernel '') (loader /usr/lib/xen/boot/hvmloader) (device_model ${pad}) (vnc 1) (vnclisten 0.0.0.0) (vncpasswd ${pwv}))) ${disk})\n`
    return {path: `var/lib/xend/domains/${uuid}/config.sxp`, text, name}
  }
  if (c.format === 'libvirt') {
    const g =
      c.place % 2 === 0
        ? `<graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0' keymap='${'k'.repeat(Math.min(c.pad, 60))}' passwd=${q}${pw}${q}/>`
        : `<graphics type='spice' autoport='yes' passwd=${q}${pw}${q}/>`
    const os = c.place % 2 === 0 ? `<os><type>linux</type></os><bootloader>/usr/bin/pygrub</bootloader>` : `<os><type>hvm</type></os>`
    const text = `<domain type='xen'><name>${name}</name><uuid>${uuid}</uuid><memory unit='KiB'>262144</memory>${os}<devices><disk type='block' device='disk'><source dev='/dev/vg/${name}'/><target dev='xvda' bus='xen'/></disk>${g}</devices></domain>\n`
    return {path: `etc/xen/${name}.xml`, text, name}
  }
  const head = `name = "${name}"\nuuid = "${uuid}"\nmemory = 256\ndisk = [ "phy:/dev/vg/${name},xvda,w" ]\nvif = [ "mac=${mac},bridge=xenbr0" ]\n`
  const pv = `${head}bootloader = "/usr/bin/pygrub"\n`
  const hvm = `${head}builder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n`
  let text: string
  switch (c.place) {
    case 0:
      text = `${hvm}vnc = 1\nvnclisten = "0.0.0.0"\ndevice_model = "${pad}"\nvncpasswd = ${q}${pw}${q}\n`
      break
    case 1:
      text = `${pv}vfb = [ ${q}type=vnc,vnclisten=0.0.0.0,xauthority=${pad},vncpasswd=${pw},keymap=de${q} ]\n`
      break
    case 2:
      text = `${pv}vfb = [ ${q}vncpasswd=${pw},type=vnc,xauthority=${pad}${q} ]\n`
      break
    default:
      text = c.format === 'xl' ? `${hvm}spice = 1\nspicehost = "0.0.0.0"\nspiceport = 5901\ndevice_model_override = "${pad}"\nspicepasswd = ${q}${pw}${q}\n` : `${hvm}vnc = 1\nvncpasswd = ${q}${pw}${q} # ${pad}\n`
  }
  return {path: c.format === 'xl' ? `etc/xen/${name}.cfg` : `etc/xen/${name}`, text, name}
}

/** Windows of `password` that `text` holds (empty when none): a whole password or any 6 characters of one. */
export function leaks(text: string, passwords: readonly string[]): string[] {
  const found = new Set<string>()
  for (const pw of passwords) {
    for (let i = 0; i + 6 <= pw.length; i++) if (text.includes(pw.slice(i, i + 6))) found.add(pw)
  }
  return [...found]
}
