/**
 * SXP printer: tree → text the way xend writes it (xen-formats.md §2.1; XEND `sxp.py`
 * `show`/`atomp` and `PrettyPrint.py`). Domain-agnostic: it prints any tree.
 *
 * - An atom is bare when it is non-empty and made only of ASCII letters, digits and
 *   `. - _ : / ~`, or is a lone `@`.
 * - Anything else is quoted as Python 2 `repr(str(x))` does: single quotes, or double quotes
 *   when the text holds `'` and no `"`; escapes `\\`, the active quote, `\n`, `\t`, `\r` and
 *   `\xNN` for every other byte outside printable ASCII. Python 2 strings are bytes, so
 *   non-ASCII text is written as the `\xNN` escapes of its UTF-8 bytes (the lexer decodes
 *   them back).
 * - `pretty` breaks lists that do not fit in `width` columns and indents children by 4, like
 *   `PrettyPrint.prettyprint(…, width=78)` used for config.sxp.
 */
import type {SxpNode} from './sxp-node.js'

export interface PrintSxpOptions {
  readonly pretty?: boolean
  /** Line width for `pretty` (xend: 78). */
  readonly width?: number
}

const BARE = /^[A-Za-z0-9._\-:/~]+$/
const utf8 = new TextEncoder()

/** Quote an atom value as xend would write it (bare when safe). */
export function formatAtom(value: string): string {
  if (value === '@' || BARE.test(value)) return value
  const q = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = q
  for (const ch of value) {
    const c = ch.codePointAt(0) as number
    if (ch === '\\') out += '\\\\'
    else if (ch === q) out += `\\${q}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\r') out += '\\r'
    else if (c >= 0x20 && c < 0x7f) out += ch
    else for (const b of utf8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`
  }
  return out + q
}

/** Print one node on one line. */
function flat(node: SxpNode): string {
  if (node.kind === 'atom') return formatAtom(node.value)
  // Iterative over siblings; recursion depth equals nesting depth, which the parser bounds.
  return `(${node.items.map(flat).join(' ')})`
}

function pretty(node: SxpNode, indent: number, width: number): string {
  const one = flat(node)
  if (node.kind === 'atom' || indent + one.length <= width || node.items.length === 0) return one
  const pad = ' '.repeat(indent + 4)
  const [head, ...rest] = node.items
  const lines = [`(${head ? pretty(head, indent + 1, width) : ''}`]
  for (const child of rest) lines.push(pad + pretty(child, indent + 4, width))
  return `${lines.join('\n')}\n${' '.repeat(indent)})`
}

/** Print a node (or several top-level nodes, one per line) as SXP text. */
export function printSxp(nodes: SxpNode | readonly SxpNode[], opts: PrintSxpOptions = {}): string {
  const list = Array.isArray(nodes) ? (nodes as readonly SxpNode[]) : [nodes as SxpNode]
  const width = opts.width ?? 78
  return list.map((n) => (opts.pretty ? pretty(n, 0, width) : flat(n))).join('\n')
}
