import type {ConfigEntry, PythonConstruct} from '../../model/native-config.js'
import type {FileContext, FileRule, RuleHit} from '../rule.js'
import {ruleSeverity} from '../rule-severity.js'

/**
 * PY-*: an xm config is a Python program that `xm create` ran with `execfile()` (xend
 * `xm/opts.py load`). xenlift never executes it; it locates each construct and says what to
 * write instead. The xm reader reports constructs in `native.python`; a line scan of the text
 * backs it up so a reader that gave up on the file still yields located findings.
 */
type PyRule = PythonConstruct['rule']

const IMPORT = /^(\s*)(import\s+\S|from\s+\S+\s+import\b)/
const CONTROL = /^(\s*)(if|elif|else|for|while|try|except|finally|def|class|with)\b[^=]*:\s*(#.*)?$|\blambda\b/
const FREE_NAMES = ['vmid', 'xm_vars'] as const

function isXm(ctx: FileContext): boolean {
  return ctx.read.format === 'xm' || ctx.read.native?.format === 'xm'
}

/** Constructs of one rule: the reader's, plus the text scan's where the reader said nothing on that line. */
function constructs(ctx: FileContext, rule: PyRule, scan: (lines: string[]) => RuleHit[]): RuleHit[] {
  const fromReader: RuleHit[] = (ctx.read.native?.python ?? [])
    .filter((p) => p.rule === rule)
    .map((p) => {
      const computed = p.computedValue !== undefined
      // The construct's own text can be a bare name (`vmid`); the whole source line reads better.
      const line = ctx.file.text.split(/\r?\n/)[p.loc.line - 1]?.trim()
      return {
        message: computed && !mentions(p.message, p.computedValue) ? `${p.message} (statically evaluated to ${JSON.stringify(p.computedValue)})` : p.message,
        evidence: line?.includes(p.text) ? line : p.text,
        loc: p.loc,
        ...(rule === 'PY-EXPR' && computed ? {severity: 'warning' as const} : {}),
      }
    })
  // The xm reader parses Python properly (blocks, expressions); the line scan is only the
  // fallback for a file the reader could not parse into a native config at all.
  if (ctx.read.native !== undefined) return fromReader
  return scan(codeLines(ctx.file.text))
}

/** Does the reader's message already show the computed value (quoted either way)? */
function mentions(message: string, v: unknown): boolean {
  return message.includes(JSON.stringify(v)) || (typeof v === 'string' && message.includes(`'${v}'`)) || (typeof v === 'number' && new RegExp(`\\b${v}\\b`).test(message))
}

/** The text's lines with comments and string contents blanked, so scans never match inside them. */
export function codeLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => {
    let out = ''
    let quote: string | undefined
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string
      if (quote !== undefined) {
        if (c === '\\') {
          out += '  '
          i++
        } else if (c === quote) {
          quote = undefined
          out += c
        } else out += ' '
      } else if (c === '#') break
      else {
        if (c === '"' || c === "'") quote = c
        out += c
      }
    }
    return out
  })
}

function scanLines(lines: string[], re: RegExp, message: (m: RegExpExecArray, line: string) => string, raw: string[]): RuleHit[] {
  const hits: RuleHit[] = []
  lines.forEach((line, i) => {
    const m = re.exec(line)
    if (m === null) return
    hits.push({message: message(m, line), evidence: (raw[i] ?? line).trim(), loc: {line: i + 1, column: (m[1]?.length ?? m.index) + 1}})
  })
  return hits
}

const meta = {
  scope: 'file' as const,
}

export const pyImport: FileRule = {
  ...meta,
  id: 'PY-IMPORT',
  ...ruleSeverity('PY-IMPORT'),
  title: 'Python import in xm config',
  detects: 'xm: a statement starting `import` or `from … import`',
  remediation: 'Remove the import and write the values it was used for as literals; xenlift never executes config files.',
  check(ctx) {
    if (!isXm(ctx)) return []
    const raw = ctx.file.text.split(/\r?\n/)
    return constructs(ctx, 'PY-IMPORT', (lines) => scanLines(lines, IMPORT, (m) => `Python ${m[2]?.trim().startsWith('from') ? 'from-import' : 'import'}: the config runs code under xm`, raw))
  },
}

export const pyControl: FileRule = {
  ...meta,
  id: 'PY-CONTROL',
  ...ruleSeverity('PY-CONTROL'),
  title: 'Control flow in xm config',
  detects: 'xm: `if/elif/else/for/while/try/def/class/lambda/with`',
  remediation: 'Resolve the branch to the literal values this domain uses; keep one config file per domain.',
  check(ctx) {
    if (!isXm(ctx)) return []
    const raw = ctx.file.text.split(/\r?\n/)
    return constructs(ctx, 'PY-CONTROL', (lines) =>
      scanLines(lines, CONTROL, (m) => `Python control flow (${m[2] ?? 'lambda'}): the value depends on code xm ran`, raw),
    )
  },
}

/** `key = value` lines whose value (first line) is not a plain literal. */
const ASSIGN = /^([A-Za-z_]\w*)\s*=\s*(.*)$/
const LITERAL_ONLY = /^[\s[\],]*(?:(?:''|""|-?\d+|\[|\]|,)\s*)*[\s[\],]*$/

export const pyExpr: FileRule = {
  ...meta,
  id: 'PY-EXPR',
  ...ruleSeverity('PY-EXPR'),
  title: 'Computed value',
  detects: 'xm: a value that is not a literal (`+ - * / %`, calls, attribute access, other names, `xm_vars`, `vmid`)',
  remediation: 'Replace the expression by the literal value shown in the report (or the one this domain needs).',
  check(ctx) {
    if (!isXm(ctx)) return []
    const raw = ctx.file.text.split(/\r?\n/)
    const entries = new Map<number, ConfigEntry>()
    for (const e of ctx.read.native?.entries ?? []) entries.set(e.loc.line, e)
    return constructs(ctx, 'PY-EXPR', (lines) => {
      const hits: RuleHit[] = []
      lines.forEach((line, i) => {
        const m = ASSIGN.exec(line)
        const value = m?.[2]?.trim()
        if (value === undefined || value === '' || LITERAL_ONLY.test(value.replace(/(["'])\s*\1/g, '""'))) return
        if (/^(True|False|None)$/.test(value) || /^-?(0x[0-9a-f]+|\d+\.\d*|\d+)L?$/i.test(value)) return
        const e = entries.get(i + 1)
        const computed = e?.computed === true && e.value !== undefined
        hits.push({
          message: computed
            ? `${m?.[1]} is computed (${value}); xenlift evaluated it statically to ${JSON.stringify(e?.value)}`
            : `${m?.[1]} is computed by Python (${value}); xenlift cannot know its value without running the file`,
          evidence: (raw[i] ?? line).trim(),
          loc: {line: i + 1, column: (line.indexOf('=') + 2) || 1, path: m?.[1] ?? ''},
          ...(computed ? {severity: 'warning' as const} : {}),
        })
      })
      return hits
    })
  },
}

export const pyCmdlineVar: FileRule = {
  ...meta,
  id: 'PY-CMDLINE-VAR',
  ...ruleSeverity('PY-CMDLINE-VAR'),
  title: 'Config depends on `xm create … NAME=VAL`',
  detects: 'xm: free names that are never assigned (`vmid`, `xm_vars`)',
  remediation: 'Produce one concrete config per instance (one file per value of the variable).',
  check(ctx) {
    if (!isXm(ctx)) return []
    const raw = ctx.file.text.split(/\r?\n/)
    return constructs(ctx, 'PY-CMDLINE-VAR', (lines) => {
      const assigned = new Set(lines.map((l) => ASSIGN.exec(l)?.[1]).filter((n) => n !== undefined))
      const hits: RuleHit[] = []
      for (const name of FREE_NAMES) {
        if (assigned.has(name)) continue
        const re = new RegExp(`\\b${name}\\b`)
        const i = lines.findIndex((l) => re.test(l))
        if (i < 0) continue
        hits.push({
          message: `uses ${name}, which only \`xm create … ${name === 'vmid' ? 'vmid=N' : 'NAME=VAL'}\` supplies`,
          evidence: (raw[i] ?? '').trim(),
          loc: {line: i + 1, column: (lines[i]?.search(re) ?? 0) + 1},
        })
      }
      return hits
    })
  },
}

const ODD_LITERALS: Readonly<Partial<Record<ConfigEntry['syntax'], string>>> = {
  bool: 'a Python bool (xm ignored bool-typed values: the setting was never in effect)',
  none: 'None (xm ignored it: the setting was never in effect)',
  tuple: 'a tuple',
  dict: 'a dict',
  float: 'a float',
  hex: 'a hex number',
  octal: 'an octal number',
  'triple-string': "a '''…''' string",
  'prefixed-string': 'a u""/r"" string',
}

export const pyLiteral: FileRule = {
  id: 'PY-LITERAL',
  title: 'Python literal xl/libvirt cannot read',
  ...ruleSeverity('PY-LITERAL'),
  scope: 'file',
  detects: 'xm: `True/False/None`, tuples, dicts, `u\'\'`/`r\'\'`, `\'\'\'…\'\'\'`, floats, hex/octal numbers',
  remediation: 'Rewrite as an int 0/1, a plain string or a list.',
  check(ctx) {
    if (!isXm(ctx)) return []
    const fromEntries: RuleHit[] = []
    for (const e of ctx.read.native?.entries ?? []) {
      const what = ODD_LITERALS[e.syntax]
      if (what !== undefined) fromEntries.push({message: `${e.key} is ${what}`, evidence: `${e.key} = ${e.text}`, loc: {...e.loc, path: e.key}})
    }
    const seen = new Set(fromEntries.map((h) => h.loc?.line))
    const raw = ctx.file.text.split(/\r?\n/)
    const scanned = constructs(ctx, 'PY-LITERAL', (lines) =>
      scanLines(lines, /^([A-Za-z_]\w*\s*=\s*)(True|False|None)\s*$/, (m) => `value is ${ODD_LITERALS[m[2] === 'None' ? 'none' : 'bool']}`, raw),
    )
    return [...fromEntries, ...scanned.filter((h) => !seen.has(h.loc?.line))]
  },
}

export const pythonRules: readonly FileRule[] = [pyImport, pyControl, pyExpr, pyCmdlineVar, pyLiteral]
