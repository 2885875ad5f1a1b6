/** SUSE xen2libvirt's options (argparse in SUSE's tools/xen2libvirt.py). */
export interface Xen2libvirtArgs {
  readonly convertOnly: boolean
  readonly recursive: boolean
  /** `-f`: `xm` (native xm/xl config) or `sexpr` (xend SXP); absent = detect per file. */
  readonly format?: 'xm' | 'sexpr'
  readonly verbose: boolean
  readonly help: boolean
  readonly path?: string
}

export const USAGE = 'usage: xen2libvirt [-h] [-c] [-f FORMAT] [-r] [-v] path'

export const HELP = `${USAGE}

Import legacy Xen domain configuration files (xm/xl configs, xend S-expressions)
into libvirt's libxl driver. This is xenlift's drop-in for SUSE's xen2libvirt.

positional arguments:
  path                  Path to one or more Xen domain configuration files

optional arguments:
  -h, --help            show this help message and exit
  -c, --convert-only    Converts domain configuration files to libvirt domXML
                        (printed on stdout) without importing them
  -f FORMAT, --format FORMAT
                        Source format of the domain configuration files: xm or
                        sexpr (default: detected per file)
  -r, --recursive       Operate recursively on all Xen domain configuration
                        rooted at path
  -v, --verbose         Print information about the import process
`

/** argparse-style parse: combined short flags (`-cr`), `--opt=value`, `--` ends options. */
export function parseXen2libvirtArgs(argv: readonly string[]): Xen2libvirtArgs | {error: string} {
  let convertOnly = false
  let recursive = false
  let verbose = false
  let help = false
  let format: 'xm' | 'sexpr' | undefined
  const positional: string[] = []
  const setFormat = (v: string | undefined): string | undefined => {
    if (v === undefined) return 'argument -f/--format: expected one argument'
    if (v !== 'xm' && v !== 'sexpr') return `argument -f/--format: invalid choice: '${v}' (choose from 'xm', 'sexpr')`
    format = v
    return undefined
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
      if (name === '--help') help = true
      else if (name === '--convert-only') convertOnly = true
      else if (name === '--recursive') recursive = true
      else if (name === '--verbose') verbose = true
      else if (name === '--format') {
        const e = setFormat(inline ?? argv[++i])
        if (e) return {error: e}
      } else return {error: `unrecognized arguments: ${a}`}
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]
        if (c === 'h') help = true
        else if (c === 'c') convertOnly = true
        else if (c === 'r') recursive = true
        else if (c === 'v') verbose = true
        else if (c === 'f') {
          const rest = a.slice(j + 1)
          const e = setFormat(rest !== '' ? rest : argv[++i])
          if (e) return {error: e}
          break
        } else return {error: `unrecognized arguments: ${a}`}
      }
      continue
    }
    positional.push(a)
  }
  if (help) return {convertOnly, recursive, verbose, help, ...(format ? {format} : {})}
  if (positional.length === 0) return {error: 'the following arguments are required: path'}
  if (positional.length > 1) return {error: `unrecognized arguments: ${positional.slice(1).join(' ')}`}
  return {convertOnly, recursive, verbose, help, ...(format ? {format} : {}), path: positional[0] as string}
}
