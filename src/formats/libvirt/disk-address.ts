/**
 * libvirt's virDiskNameToIndex: `hda`→0, `hdz`→25, `hdaa`→26, `xvdb`→1, `sdc3`→2 (a trailing
 * partition number is ignored). Undefined for a name with no known prefix or no letters.
 */
export function diskNameToIndex(name: string): number | undefined {
  const m = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)\d*$/.exec(name)
  if (!m?.[1]) return undefined
  let idx = 0
  const letters = m[1]
  for (let i = 0; i < letters.length; i++) {
    idx = (idx + (i < 1 ? 0 : 1)) * 26 + (letters.charCodeAt(i) - 97)
  }
  return idx
}
