/**
 * Secret redaction for every report format (house-style §2.6): VNC/SPICE passwords and
 * passwords inside values, command lines and URLs become `***`. Applied to evidence and messages
 * at the source, so no renderer can leak them.
 */
const SECRET_KEYS = '(?:vncpasswd|spicepasswd|spice_passwd|passwd|password|pass|secret)'

// `vncpasswd = 'x'`, `passwd=x` inside a vfb or cmdline string, `password: x`
const KEY_VALUE = new RegExp(String.raw`\b(${SECRET_KEYS}\s*[=:]\s*)(?:'([^']*)'|"([^"]*)"|([^\s,'")\]]+))`, 'gi')
// SXP `(vncpasswd secret)` / `(vncpasswd 'secret')`
const SXP_PAIR = new RegExp(String.raw`\((${SECRET_KEYS})(\s+)(?:'([^']*)'|"([^"]*)"|([^\s)]+))\)`, 'gi')
// `scheme://user:password@host`
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)@/gi

export function redactSecrets(text: string): string {
  // Most evidence has no secret at all: skip the regexes (the URL one backtracks on long text).
  if (!/pass|secret/i.test(text) && !text.includes('://')) return text
  return text
    .replace(KEY_VALUE, (whole, prefix: string, sq?: string, dq?: string, bare?: string) => {
      const v = sq ?? dq ?? bare ?? ''
      if (v === '') return whole
      if (sq !== undefined) return `${prefix}'***'`
      if (dq !== undefined) return `${prefix}"***"`
      return `${prefix}***`
    })
    .replace(SXP_PAIR, (whole, key: string, ws: string, sq?: string, dq?: string, bare?: string) => {
      const v = sq ?? dq ?? bare ?? ''
      return v === '' ? whole : `(${key}${ws}***)`
    })
    .replace(URL_USERINFO, '$1***@')
}
