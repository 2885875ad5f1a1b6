/**
 * libxlu's disk-spec scanner (`tools/libs/util/libxlu_disk_l.l`, Xen 4.17), lexical part only:
 * it cuts a spec into tokens and names the rule each one matched. What a token means (libxlu's
 * actions) is disk-spec.ts's; the fields as written (for the compatibility rules) are read from
 * the same tokens there, so an xl disk string is scanned once.
 *
 * The scanner is flex: at each position the longest-matching rule wins, ties go to the
 * earlier rule, and trailing context (`phy:/.*`) counts towards the length, which is why a
 * deprecated prefix beats the positional rule. Rules, in order: whitespace; `format=`,
 * `cdrom`, `devtype=`, `access=`, `backend=`, `backendtype=`, `vdev=`, `script=`, flags
 * (`discard`, `direct-io-safe`, colo options, `trusted`); `target=` eats the rest; other
 * `key=` is an error; deprecated prefixes (`raw: qcow: qcow2: vhd:` set the format,
 * `iscsi: nbd: enbd: drbd:` a block script, `tapdisk: tap: tap2: aio: ioemu: file: phy:` are
 * dropped); any other `xxx:` prefix is an error; then positional `target,format,vdev,access`.
 */

/** Which scanner rule a token matched (several flex rules share one kind). */
export type XlDiskTokenKind =
  | 'space'
  | 'cdrom'
  | 'devtype'
  | 'devtype-bad'
  | 'format'
  | 'access'
  | 'backend'
  | 'backendtype'
  | 'vdev'
  | 'script'
  | 'flag'
  | 'target'
  | 'unknown-key'
  | 'format-prefix'
  | 'script-prefix'
  | 'dropped-prefix'
  | 'unknown-prefix'
  | 'positional'

/** One token: its rule and the text it consumed (a trailing comma included). */
export interface XlDiskToken {
  readonly kind: XlDiskTokenKind
  readonly text: string
}

/** The tokens of a spec; `stuck` is the rest of the text where no rule matched. */
export interface XlDiskTokens {
  readonly tokens: readonly XlDiskToken[]
  readonly stuck?: string
}

interface Rule {
  readonly kind: XlDiskTokenKind
  /** Length of the match at `pos` (trailing context included) and the consumed length. */
  readonly match: (s: string, pos: number) => {len: number; consumed: number} | undefined
  /**
   * A literal every match starts with (`format=`, `tap`): a cheap `startsWith` check skips the
   * regex for the ~30 rules that cannot match here. Only a speed-up: the regex still decides.
   */
  readonly literal?: string
}

/**
 * The literal prefix of a regex source: the characters before the first metacharacter, minus
 * the last one when a quantifier follows it (`tap2?:` → `tap`, `cdrom,?` → `cdrom`).
 */
function literalPrefix(source: string): string | undefined {
  let i = 0
  while (i < source.length && !'\\[](){}.*+?|^$'.includes(source[i] as string)) i++
  const end = i < source.length && '*+?{'.includes(source[i] as string) ? i - 1 : i
  return end > 0 ? source.slice(0, end) : undefined
}

/** The length of a sticky regex's match at pos; -1 where it does not match. */
function matchAt(y: RegExp, s: string, pos: number): number {
  y.lastIndex = pos
  const m = y.exec(s)
  return m ? m[0].length : -1
}

/** A rule matching a regex at pos (sticky), with no trailing context. */
function re(kind: XlDiskTokenKind, pattern: RegExp): Rule {
  const y = new RegExp(pattern.source, 'y')
  const literal = literalPrefix(pattern.source)
  return {
    kind,
    match: (s, pos) => {
      const n = matchAt(y, s, pos)
      return n < 0 ? undefined : {len: n, consumed: n}
    },
    ...(literal !== undefined ? {literal} : {}),
  }
}

/** A `prefix:/.*` rule: matches the prefix, but its length is the whole rest of the line. */
function prefixed(kind: XlDiskTokenKind, pattern: RegExp, lookahead?: RegExp): Rule {
  const y = new RegExp(pattern.source, 'y')
  const la = lookahead ? new RegExp(lookahead.source, 'y') : undefined
  const literal = literalPrefix(pattern.source)
  return {
    kind,
    match: (s, pos) => {
      const n = matchAt(y, s, pos)
      if (n < 0 || (la && matchAt(la, s, pos + n) < 0)) return undefined
      const eol = s.indexOf('\n', pos)
      return {len: (eol < 0 ? s.length : eol) - pos, consumed: n}
    },
    ...(literal !== undefined ? {literal} : {}),
  }
}

/** Sticky regexes of the hand-written rules, built once (a literal in the closure is a new RegExp per call). */
const WHITESPACE_RUN = /[ \t\n]+/y
const POSITIONAL = /[^=,]*/y

const RULES: readonly Rule[] = [
  {
    // whitespace before parameters (its trailing context makes it win over positional)
    kind: 'space',
    match: (s, pos) => {
      const c = s.charCodeAt(pos)
      if (c !== 32 && c !== 9 && c !== 10) return undefined
      const n = matchAt(WHITESPACE_RUN, s, pos)
      if (n < 0) return undefined
      const after = pos + n
      const eol = s.indexOf('\n', after)
      const tail = after < s.length && !/[ \t\n]/.test(s[after] ?? '') ? (eol < 0 ? s.length : eol) - after : 0
      return {len: n + tail, consumed: n}
    },
  },
  re('format', /format=[^,]*,?/),
  re('cdrom', /cdrom,?/),
  re('devtype', /devtype=cdrom,?/),
  re('devtype', /devtype=disk,?/),
  re('devtype-bad', /devtype=[^,]*,?/),
  re('access', /access=[^,]*,?/),
  re('backend', /backend=[^,]*,?/),
  re('backendtype', /backendtype=[^,]*,?/),
  re('vdev', /vdev=[^,]*,?/),
  re('script', /script=[^,]*,?/),
  re('flag', /direct-io-safe,?/),
  re('flag', /discard,?/),
  re('flag', /no-discard,?/),
  re('flag', /colo,?/),
  re('flag', /no-colo,?/),
  re('flag', /colo-host=[^,]*,?/),
  re('flag', /colo-port=[^,]*,?/),
  re('flag', /colo-export=[^,]*,?/),
  re('flag', /active-disk=[^,]*,?/),
  re('flag', /hidden-disk=[^,]*,?/),
  re('flag', /trusted,?/),
  re('flag', /untrusted,?/),
  re('target', /target=.*/),
  re('unknown-key', /[a-z][-a-z0-9]*=[^,]*,?/),
  prefixed('format-prefix', /(raw|qcow2?|vhd):/),
  prefixed('script-prefix', /(iscsi|e?nbd|drbd):/),
  prefixed('dropped-prefix', /tapdisk:/),
  prefixed('dropped-prefix', /tap2?:/),
  prefixed('dropped-prefix', /aio:/),
  prefixed('dropped-prefix', /ioemu:/),
  prefixed('dropped-prefix', /file:/),
  prefixed('dropped-prefix', /phy:/),
  prefixed('unknown-prefix', /[a-z][a-z0-9]*:/, /[^a-z0-9]|[a-z0-9]*:/),
  {
    // positional: [^=,]*,|[^=,]+,?
    kind: 'positional',
    match: (s, pos) => {
      const n = Math.max(matchAt(POSITIONAL, s, pos), 0)
      if (s[pos + n] === ',') return {len: n + 1, consumed: n + 1}
      return n > 0 ? {len: n, consumed: n} : undefined
    },
  },
]

/** libxlu's scanner over one spec string: every token up to the end, or to where no rule matches. */
export function scanXlDisk(text: string): XlDiskTokens {
  const tokens: XlDiskToken[] = []
  let pos = 0
  while (pos < text.length) {
    // Longest match wins, ties to the earlier rule (flex). No object per candidate: this loop
    // runs ~35 rules at every position and was a hot spot.
    let bestLen = -1
    let bestConsumed = 0
    let bestRule: Rule | undefined
    for (let r = 0; r < RULES.length; r++) {
      const rule = RULES[r] as Rule
      if (rule.literal !== undefined && !text.startsWith(rule.literal, pos)) continue
      const m = rule.match(text, pos)
      if (m && m.len > bestLen) {
        bestLen = m.len
        bestConsumed = m.consumed
        bestRule = rule
      }
    }
    if (!bestRule || bestConsumed === 0) return {tokens, stuck: text.slice(pos)}
    tokens.push({kind: bestRule.kind, text: text.slice(pos, pos + bestConsumed)})
    pos += bestConsumed
  }
  return {tokens}
}

/** A token's text without its trailing comma. */
export const stripComma = (t: string): string => (t.endsWith(',') ? t.slice(0, -1) : t)

/** The value of a `key=value` token (`format=raw,` → `raw`). */
export const tokenValue = (t: string): string => stripComma(t).slice(t.indexOf('=') + 1)
