/**
 * SXP parser: text → list of top-level S-expressions (`xm list -l` prints one `(domain …)` per
 * domain). Iterative (an explicit stack), so deeply nested hostile input cannot overflow the
 * call stack; nesting beyond {@link MAX_DEPTH} is refused with a located error because every
 * later consumer (printer, mapping) may walk the tree recursively.
 *
 * Error policy, per xend's reader (`sxp.py`): a stray `)` before any complete expression, EOF
 * inside a string and binary junk are `SYNTAX` errors and parsing stops there. Two slips that
 * xend rejects but libvirt's reader tolerates — and that libvirt's own vectors contain — are
 * `SYNTAX` warnings instead: lists left open at EOF are closed when only the outermost one is open (`sexpr2xml-net-routed`; more open lists are
 * an error: the text stops inside a device), and a
 * stray `)` after a complete expression is skipped (`sexpr2xml-pv-vfb-new-vncdisplay`). So a
 * truncated file is never converted without a word.
 */
import {diag, type Diagnostic} from '../../model/diagnostic.js'
import type {Location} from '../../model/domain.js'
import {SxpLexer} from './lexer.js'
import type {SxpAtom, SxpList, SxpNode} from './sxp-node.js'

/** Deeper than any real domain config (≈ 6 levels) by far; deep enough for fuzzing. */
export const MAX_DEPTH = 512

export interface ParseSxpOptions {
  /** Shown in locations and diagnostics. */
  readonly file?: string
  readonly maxDepth?: number
}

export interface ParseSxpResult {
  /** Complete top-level expressions (lists; stray top-level atoms are reported and dropped). */
  readonly nodes: SxpNode[]
  readonly diagnostics: Diagnostic[]
}

interface OpenList {
  readonly items: SxpNode[]
  readonly loc: Location
}

/** Parse SXP text. Never throws for bad input. */
export function parseSxp(text: string, opts: ParseSxpOptions = {}): ParseSxpResult {
  const file = opts.file
  const maxDepth = opts.maxDepth ?? MAX_DEPTH
  const at = (line: number, column: number): Location => (file !== undefined ? {file, line, column} : {line, column})
  const lexer = new SxpLexer(text)
  const nodes: SxpNode[] = []
  const diagnostics: Diagnostic[] = []
  const stack: OpenList[] = []
  let strayAtomReported = false
  let strayCloseReported = false

  const attach = (node: SxpNode): void => {
    const top = stack[stack.length - 1]
    if (top) {
      top.items.push(node)
    } else if (node.kind === 'list') {
      nodes.push(node)
    } else if (!strayAtomReported) {
      strayAtomReported = true
      diagnostics.push(
        diag('SYNTAX', 'warning', `text outside any list ignored: ${JSON.stringify(node.value.slice(0, 40))}`, node.loc),
      )
    }
  }

  for (;;) {
    const tok = lexer.next()
    if (tok.type === 'eof') {
      if (stack.length > 0) {
        const outer = stack[0] as OpenList
        const inner = stack[stack.length - 1] as OpenList
        // Only the outermost list left open (a missing final `)`) is what libvirt's vector has;
        // more open lists mean the text stops inside a device: a truncated file, an error.
        diagnostics.push(
          stack.length === 1
            ? diag(
                'SYNTAX',
                'warning',
                `unexpected end of input: the list opened at line ${outer.loc.line}, column ${outer.loc.column} is not closed; closed as libvirt does, but xend would reject this file`,
                at(tok.line, tok.column),
                'the file may be truncated: check that nothing is missing at its end',
              )
            : diag(
                'SYNTAX',
                'error',
                `unexpected end of input: ${stack.length} lists left open (innermost opened at line ${inner.loc.line}, column ${inner.loc.column}); the file looks truncated`,
                at(tok.line, tok.column),
              ),
        )
        while (stack.length > 0) {
          const done = stack.pop() as OpenList
          attach({kind: 'list', items: done.items, loc: done.loc})
        }
      }
      break
    }
    if (tok.type === 'error') {
      diagnostics.push(diag('SYNTAX', 'error', tok.message, at(tok.line, tok.column)))
      break
    }
    if (tok.type === 'open') {
      if (stack.length >= maxDepth) {
        diagnostics.push(diag('SYNTAX', 'error', `lists nested deeper than ${maxDepth} levels`, at(tok.line, tok.column)))
        break
      }
      stack.push({items: [], loc: at(tok.line, tok.column)})
      continue
    }
    if (tok.type === 'close') {
      const done = stack.pop()
      if (!done) {
        if (nodes.length === 0) {
          diagnostics.push(diag('SYNTAX', 'error', "unexpected ')' with no list open", at(tok.line, tok.column)))
          break
        }
        // After a complete expression libvirt reads no further (one of its vectors,
        // sexpr2xml-pv-vfb-new-vncdisplay, ends with one `)` too many); xend would reject it.
        if (!strayCloseReported) {
          strayCloseReported = true
          diagnostics.push(
            diag('SYNTAX', 'warning', "unexpected ')' with no list open: ignored (libvirt ignores text after a complete expression; xend would reject this file)", at(tok.line, tok.column)),
          )
        }
        continue
      }
      const list: SxpList = {kind: 'list', items: done.items, loc: done.loc}
      attach(list)
      continue
    }
    const atom: SxpAtom = {
      kind: 'atom',
      value: tok.value,
      quote: tok.quote,
      escaped: tok.escaped,
      loc: at(tok.line, tok.column),
    }
    attach(atom)
  }
  return {nodes, diagnostics}
}
