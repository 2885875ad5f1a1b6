/**
 * The normalisation applied to BOTH sides before comparing. Everything here is a difference
 * that is not a difference; each step says why. Anything xenlift does differently on purpose
 * is not normalised away but recorded in `known-differences.ts`.
 */

/** Does the native config set a `uuid` (xm/xl `uuid = …` at the start of a line)? */
export function configHasUuid(text: string): boolean {
  return /^[ \t]*uuid[ \t]*=/m.test(text)
}

/**
 * Domain XML from `domxml-from-native` or xenlift:
 * - without a `uuid` in the config, libvirt invents a random one on every call (virUUIDGenerate
 *   in xenParseConfigCommon's caller; xen-formats.md §5.1) while xenlift derives a stable one
 *   (§9): the value carries no information, so both become `<uuid>(generated)</uuid>`;
 * - virsh prints the XML followed by an empty line; xenlift ends with one newline: trailing
 *   whitespace is reduced to a single newline.
 */
export function normaliseDomainXml(xml: string, hasUuid: boolean): string {
  let out = xml.replace(/\s+$/, '')
  if (!hasUuid) out = out.replace(/<uuid>[^<]*<\/uuid>/, '<uuid>(generated)</uuid>')
  return `${out}\n`
}

/**
 * Native config from `domxml-to-native` or xenlift's writer, as a sorted set of `key = value`
 * lines: the issue asks for a set compare, since key order carries no meaning in xm/xl (both
 * toolstacks read keys by name). Comments and blank lines are dropped, trailing blanks trimmed.
 */
export function normaliseNativeConfig(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
  return `${[...new Set(lines)].sort().join('\n')}\n`
}
