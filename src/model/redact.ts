/**
 * The one place secrets are masked (house-style §2.6): VNC/SPICE passwords and passwords inside
 * values, command lines, URLs and libvirt XML (`passwd='…'`) become `***`. Everything a user can
 * see goes through here before it is shortened, printed or serialised: diagnostics when they are
 * made (`diag`) and again when printed (`formatDiagnostic`), check findings, import outcomes and
 * their diffs. Mask first, then shorten: a cut can split a secret from the key that marks it.
 */
/** What a secret is replaced by, everywhere (reports, logs, plans, diffs). */
export const SECRET_MASK = '***'

const SECRET_KEYS = '(?:vncpasswd|spicepasswd|spice_passwd|passwd|password|pass|secret)'

// `vncpasswd = 'x'`, `passwd=x` inside a vfb or cmdline string, `password: x`, XML `passwd='x'`
// (a quote left open by a cut, or by broken input, runs to the end of the text).
const KEY_VALUE = new RegExp(String.raw`\b(${SECRET_KEYS}\s*[=:]\s*)(?:'([^']*)(?:'|$)|"([^"]*)(?:"|$)|([^\s,'")\]]+))`, 'gi')
// SXP `(vncpasswd secret)` / `(vncpasswd 'secret')`, also when the closing parenthesis is missing
const SXP_PAIR = new RegExp(String.raw`\((${SECRET_KEYS})(\s+)(?:'([^']*)(?:'|$)|"([^"]*)(?:"|$)|([^\s)'"]+))`, 'gi')
// `scheme://user:password@host`
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)@/gi

/** The text with every secret it holds replaced by `***` (quotes kept, so the shape stays readable). */
export function redactSecrets(text: string): string {
  // Most text has no secret at all: skip the regexes (the URL one backtracks on long text).
  if (!/pass|secret/i.test(text) && !text.includes('://')) return text
  return text
    .replace(KEY_VALUE, (whole, prefix: string, sq?: string, dq?: string, bare?: string) => {
      const v = sq ?? dq ?? bare ?? ''
      if (v === '') return whole
      if (sq !== undefined) return `${prefix}'${SECRET_MASK}'`
      if (dq !== undefined) return `${prefix}"${SECRET_MASK}"`
      return `${prefix}${SECRET_MASK}`
    })
    .replace(SXP_PAIR, (whole, key: string, ws: string, sq?: string, dq?: string, bare?: string) => {
      const v = sq ?? dq ?? bare ?? ''
      return v === '' ? whole : `(${key}${ws}${SECRET_MASK}`
    })
    .replace(URL_USERINFO, `$1${SECRET_MASK}@`)
}

/** `redactSecrets`, then at most `max` characters (`...` marks the cut). */
export function redactAndShorten(text: string, max: number): string {
  const t = redactSecrets(text)
  return t.length > max ? `${t.slice(0, Math.max(0, max - 3))}...` : t
}
