import {type Diagnostic, diag} from '../../model/diagnostic.js'
import type {ConfigEntry, NativeConfig, PythonConstruct} from '../../model/native-config.js'
import {xlSyntaxIssues} from '../xl/parse.js'
import {type Binding, type EvalResult, type ExpressionEvaluator, type LiteralKind, createExpressionEvaluator, isPythonKeyword} from './python-literal.js'
import {aliasesOf, objectsOf, unknownBinding} from './python-aliasing.js'
import {type LogicalLine, type PyToken, scanPython} from './python-lexer.js'
import {countNewlines, findTopLevel, findWord, importedNames, splitStatements, topLevelAssignments, unpackNames} from './python-statement.js'
import {type PyValue, pyRepr, pythonType, toConfigValue, xmKeepsType} from './python-value.js'
import {located} from '../../model/location.js'

/**
 * xm config text → {@link NativeConfig}, WITHOUT executing Python.
 *
 * xm ran the file with `execfile` (xen/xm/create.py) and kept every top-level variable of type
 * str, list, int or float. We evaluate the safe literal subset (python-literal.ts) statement by
 * statement, in file order, and report every other construct as a located PY-* finding:
 *
 * - `import`/`from` → PY-IMPORT; `if/for/while/try/def/class/with` blocks → PY-CONTROL, the
 *   whole indented block is skipped and assignments inside it are NOT applied (names assigned
 *   there become unknown afterwards);
 * - calls, attribute access, names bound to unknown values → PY-EXPR, the entry's value is
 *   `undefined`; values computed from literals → PY-EXPR with the computed value;
 * - lambdas, comprehensions and `x if c else y` → PY-CONTROL (they are loops and branches);
 * - names never assigned (`vmid`) → PY-CMDLINE-VAR;
 * - literals xl/libvirt cannot read, and values of types xm ignored (bool, None, tuple, dict,
 *   long, unicode) → PY-LITERAL; a key assigned twice → PY-DUPKEY (last wins, as in Python);
 * - lines xl would reject and that carry no PY-* finding (upper-case keys, negative numbers)
 *   → XL-SYNTAX, severity info (see {@link xlSyntaxIssues} for the full list).
 *
 * `a = b = 1` binds both names, as Python does: one entry each. `x, y = 1, 2` unpacks.
 * `disk.append(…)`, `vif[0] = …` and `del memory` add an entry with value `undefined` (the
 * variable changed in a way not followed), so `lastEntry` never reports a stale value; the
 * same goes for every name sharing that list (Python aliasing: `b = a; a += [x]` changes `b`).
 * Inside a skipped block such changes are only named in the PY-CONTROL finding.
 *
 * Parser findings are `warning`s except syntax errors (`SYNTAX`, `error`): whether a PY-* rule
 * blocks a migration is the checks' decision (checklist §A), made from `config.python`.
 * Never throws; linear in the input size.
 */
export function parseXmConfig(text: string, opts: {file?: string} = {}): {config: NativeConfig; diagnostics: Diagnostic[]} {
  const p = new XmStatementParser(text, opts.file)
  try {
    p.run()
  } catch (e) {
    // Defensive: a parser bug must not take the whole run down with it.
    p.diagnostics.push(diag('SYNTAX', 'error', `internal parser error: ${e instanceof Error ? e.message : String(e)}`, at(opts.file, 1, 1)))
  }
  return p.result()
}

interface BlockDraft {
  readonly keyword: string
  readonly line: number
  readonly col: number
  readonly indent: number
  readonly text: string
  lastLine: number
  readonly names: Set<string>
}

const COMPOUND = new Set(['if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'def', 'class', 'with'])
const CONTINUATION = new Set(['elif', 'else', 'except', 'finally'])
const MUTATORS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'sort', 'reverse', 'update', 'setdefault', 'clear'])

const LITERAL_TEXT: Record<LiteralKind, string> = {
  bool: 'a bool (True/False)',
  none: 'None',
  tuple: 'a tuple',
  dict: 'a dict',
  'prefixed-string': "a u''/r''/b'' prefixed string",
  'triple-single': "a '''triple-single-quoted''' string",
  escape: 'a backslash escape in a string (libvirt keeps the backslash)',
  float: 'a float',
  hex: 'a hex or binary number',
  octal: 'an octal number (leading 0)',
  long: 'a long (L suffix)',
}
/** Literal kinds that are about the value's type: covered by the "xm ignored it" message. */
const TYPE_KINDS = new Set<LiteralKind>(['bool', 'none', 'tuple', 'dict', 'long', 'prefixed-string'])

/** Diagnostics are one line: quoted source spanning lines is folded. */
function oneLine(message: string): string {
  const s = message.replace(/\s*[\r\n]+\s*/g, ' ')
  return s.length > 300 ? `${s.slice(0, 297)}...` : s
}

function at(file: string | undefined, line: number, column: number, path?: string): {file?: string; line: number; column: number; path?: string} {
  return located(file, line, column, path)
}

class XmStatementParser {
  readonly diagnostics: Diagnostic[] = []
  private readonly entries: ConfigEntry[] = []
  private readonly python: PythonConstruct[] = []
  private readonly bindings = new Map<string, Binding>()
  private readonly firstAssigned = new Map<string, number>()
  private readonly blocks: BlockDraft[] = []
  private block: BlockDraft | undefined
  private current: LogicalLine | undefined
  private reportedIndent = -1
  /** Work budget of the alias search (python-aliasing.ts), per file. */
  private readonly aliasBudget = {left: 1_000_000}
  /** Lines that already carry a PY-* or SYNTAX finding (XL-SYNTAX is not repeated there). */
  private readonly flaggedLines = new Set<number>()

  private readonly text: string
  private readonly file: string | undefined

  private readonly evaluate: ExpressionEvaluator

  constructor(text: string, file: string | undefined) {
    this.text = text
    this.file = file
    this.evaluate = createExpressionEvaluator(text, {lookup: (name) => this.bindings.get(name)})
  }

  run(): void {
    scanPython(this.text, (l) => this.line(l))
  }

  result(): {config: NativeConfig; diagnostics: Diagnostic[]} {
    this.current = undefined
    for (const b of this.blocks) this.finishBlock(b)
    for (const d of xlSyntaxIssues(this.text, this.file !== undefined ? {file: this.file} : {})) {
      if (d.line === undefined || !this.flaggedLines.has(d.line)) this.diagnostics.push(d)
    }
    const byPlace = (a: {line?: number; column?: number}, b: {line?: number; column?: number}): number =>
      (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
    this.diagnostics.sort(byPlace)
    const python = [...this.python].sort((a, b) => byPlace(a.loc, b.loc))
    const config: NativeConfig = {
      format: 'xm',
      ...(this.file !== undefined ? {file: this.file} : {}),
      entries: this.entries,
      python,
    }
    return {config, diagnostics: this.diagnostics}
  }

  private line(l: LogicalLine): void {
    if (this.block && l.indent > this.block.indent) {
      this.block.lastLine = l.line
      this.flagLines(l)
      if (l.error) this.syntax(l.error.message, l.error.line, l.error.col)
      else this.blockLine(l.tokens)
      return
    }
    const prev = this.block
    this.block = undefined
    this.current = l
    if (l.error) {
      this.syntax(l.error.message, l.error.line, l.error.col)
      return
    }
    const first = l.tokens[0]
    if (!first) return
    // Python stops at the first unexpected indent; report a run of equally indented lines once.
    if (l.indent > 0 && l.indent !== this.reportedIndent) this.syntax('unexpected indent', first.line, first.col)
    this.reportedIndent = l.indent > 0 ? l.indent : -1
    if (l.continuedAt) {
      this.construct('PY-LITERAL', 'backslash line continuation: xl and libvirt read one line per statement', this.text.slice(first.start, first.end), l.continuedAt.line, l.continuedAt.col)
    }
    if (first.kind === 'name' && COMPOUND.has(first.text)) {
      this.compound(l, first, prev)
      return
    }
    for (const stmt of splitStatements(l.tokens)) this.simple(stmt)
  }

  private compound(l: LogicalLine, kw: PyToken, prev: BlockDraft | undefined): void {
    const colon = findTopLevel(l.tokens, ':')
    if (colon < 0) {
      this.syntax(`invalid syntax: \`${kw.text}\` statement without ':'`, kw.line, kw.col)
      return
    }
    const header = this.text.slice(kw.start, (l.tokens[colon] as PyToken).end)
    let draft: BlockDraft
    if (CONTINUATION.has(kw.text) && prev && prev.indent === l.indent) {
      draft = prev
      draft.lastLine = l.line
    } else {
      draft = {keyword: kw.text, line: kw.line, col: kw.col, indent: l.indent, text: header, lastLine: l.line, names: new Set()}
      this.blocks.push(draft)
    }
    const headerNames = new Set<string>()
    if (kw.text === 'def' || kw.text === 'class') {
      const name = l.tokens[1]
      if (name?.kind === 'name') headerNames.add(name.text)
    }
    if (kw.text === 'for') this.collectTargets(l.tokens.slice(1, findWord(l.tokens, 'in')), headerNames)
    this.block = draft
    this.flagLines(l)
    this.bindBlockNames(draft, headerNames)
    const body = l.tokens.slice(colon + 1)
    if (body.length > 0) this.blockLine(body)
  }

  /** A line inside a skipped block: only the names it binds matter (function bodies bind none). */
  private blockLine(tokens: readonly PyToken[]): void {
    const b = this.block
    if (!b || b.keyword === 'def' || b.keyword === 'class') return
    const names = new Set<string>()
    this.collectBound(tokens, names)
    this.bindBlockNames(b, names)
  }

  private bindBlockNames(b: BlockDraft, names: ReadonlySet<string>): void {
    for (const n of names) {
      if (b.names.has(n)) continue
      b.names.add(n)
      const what = b.keyword === 'def' || b.keyword === 'class' ? `is a ${b.keyword === 'def' ? 'function' : 'class'} defined at line ${b.line}` : `is assigned only inside the \`${b.keyword}\` block at line ${b.line}, which xenlift does not evaluate`
      this.bindings.set(n, {kind: 'unknown', why: what})
    }
  }

  private finishBlock(b: BlockDraft): void {
    const lines = b.lastLine > b.line ? `lines ${b.line}-${b.lastLine}` : `line ${b.line}`
    const names = [...b.names]
    if (b.keyword === 'def' || b.keyword === 'class') {
      const what = b.keyword === 'def' ? 'function' : 'class'
      this.construct('PY-CONTROL', `${what} \`${names[0] ?? '?'}\` (${lines}) is not evaluated: xenlift never runs Python`, b.text, b.line, b.col)
      return
    }
    const applied = names.length > 0 ? `; assignments and changes inside it are NOT applied: ${names.join(', ')}` : ''
    this.construct('PY-CONTROL', `\`${b.keyword}\` block (${lines}) is not evaluated${applied}`, b.text, b.line, b.col)
  }

  /** Names a statement list binds (assignments, imports, defs, loop targets, nested blocks). */
  private collectBound(tokens: readonly PyToken[], names: Set<string>): void {
    for (const stmt of splitStatements(tokens)) {
      const head = stmt[0]
      if (head?.kind !== 'name') continue
      if (head.text === 'import' || head.text === 'from') for (const n of importedNames(stmt)) names.add(n)
      else if (head.text === 'def' || head.text === 'class') {
        if (stmt[1]?.kind === 'name') names.add(stmt[1].text)
      } else if (head.text === 'for') this.collectTargets(stmt.slice(1, findWord(stmt, 'in')), names)
      else if (COMPOUND.has(head.text)) {
        const colon = findTopLevel(stmt, ':')
        if (colon >= 0) this.collectBound(stmt.slice(colon + 1), names)
      } else if (head.text === 'del') {
        for (const t of stmt.slice(1)) if (t.kind === 'name') names.add(t.text)
      } else if (stmt[1]?.text === '.' && MUTATORS.has(stmt[2]?.text ?? '') && stmt[3]?.text === '(') {
        // `vif.append(…)` inside a loop changes `vif` as surely as an assignment does.
        names.add(head.text)
      } else {
        const eqs = topLevelAssignments(stmt)
        for (const seg of eqs.targets) {
          this.collectTargets(seg, names)
          if (seg[0]?.kind === 'name' && seg[1]?.text === '[') names.add(seg[0].text)
        }
        if (eqs.augmented && head.kind === 'name') names.add(head.text)
      }
    }
  }

  /** Every physical line of a logical line that got a finding: XL-SYNTAX is not repeated there. */
  private flagLines(l: LogicalLine | undefined): void {
    if (!l) return
    const last = l.tokens[l.tokens.length - 1]
    const end = Math.max(l.line, l.error?.line ?? 0, last ? last.line + countNewlines(last.text) : 0)
    for (let k = l.line; k <= end; k++) this.flaggedLines.add(k)
  }

  private collectTargets(seg: readonly PyToken[], names: Set<string>): void {
    for (let k = 0; k < seg.length; k++) {
      const t = seg[k] as PyToken
      const nx = seg[k + 1]
      if (t.kind === 'name' && !isPythonKeyword(t.text) && !(nx?.kind === 'op' && (nx.text === '.' || nx.text === '[' || nx.text === '('))) {
        const pv = seg[k - 1]
        if (!(pv?.kind === 'op' && pv.text === '.')) names.add(t.text)
      }
    }
  }

  private simple(stmt: readonly PyToken[]): void {
    const head = stmt[0]
    if (!head) return
    const word = head.kind === 'name' ? head.text : undefined
    if (word === 'import' || word === 'from') {
      const names = importedNames(stmt)
      for (const n of names) this.bindings.set(n, {kind: 'unknown', why: `comes from an import at line ${head.line}, which xenlift does not run`})
      this.construct('PY-IMPORT', `\`${this.src(stmt)}\` is not run: xenlift never executes Python`, this.src(stmt), head.line, head.col)
      return
    }
    if (word === 'pass') return
    if (word === 'return' || word === 'yield' || word === 'break' || word === 'continue' || word === 'lambda') {
      this.construct('PY-CONTROL', `\`${word}\` statement is not evaluated`, this.src(stmt), head.line, head.col)
      return
    }
    if (word === 'print' || word === 'exec' || word === 'del' || word === 'assert' || word === 'raise' || word === 'global') {
      this.construct('PY-EXPR', `\`${word}\` statement is not evaluated`, this.src(stmt), head.line, head.col)
      if (word === 'del') {
        // `del memory` removes the option from what xm sees: its value is no longer known.
        for (const t of stmt.slice(1)) if (t.kind === 'name' && this.bindings.has(t.text)) this.mutated(t, stmt, false)
      }
      return
    }
    const eqs = topLevelAssignments(stmt)
    if (eqs.augmented) {
      this.augmented(stmt, eqs.augmented)
      return
    }
    if (eqs.targets.length === 0) {
      this.expressionStatement(stmt)
      return
    }
    const valueTokens = stmt.slice(eqs.valueStart)
    const empty = eqs.targets.findIndex((seg) => seg.length === 0)
    if (empty >= 0) {
      const eq = eqs.targets.slice(0, empty + 1).reduce((k, seg) => k + seg.length + 1, 0) - 1
      const t = (stmt[eq] ?? head) as PyToken
      this.syntax('invalid syntax: nothing to assign to', t.line, t.col)
      return
    }
    if (valueTokens.length === 0) {
      const eq = stmt[eqs.valueStart - 1] as PyToken
      this.syntax('invalid syntax: nothing after `=`', eq.line, eq.col)
      return
    }
    const firstTarget = eqs.targets[0]?.[0]
    const r = this.evaluate(valueTokens)
    this.report(r, firstTarget?.kind === 'name' && eqs.targets[0]?.length === 1 ? firstTarget : undefined)
    for (const seg of eqs.targets) this.assign(seg, valueTokens, r)
  }

  private assign(seg: readonly PyToken[], valueTokens: readonly PyToken[], r: EvalResult): void {
    const t = seg[0] as PyToken
    if (seg.length === 1 && t.kind === 'name' && !isPythonKeyword(t.text)) {
      this.addEntry(t, valueTokens, r.value, r.value === undefined ? 'expression' : r.syntax, r.computed, false, r)
      return
    }
    const names = unpackNames(seg)
    if (names) {
      const seq = r.value && (r.value.t === 'list' || r.value.t === 'tuple') && r.value.v.length === names.length ? r.value.v : undefined
      if (!seq && r.value) this.construct('PY-EXPR', `unpacking into ${names.length} names would fail in Python`, this.src(seg), t.line, t.col)
      names.forEach((n, k) => {
        const v = seq?.[k]
        if (v) this.computedFinding(n, v)
        this.addEntry(n, valueTokens, v, 'expression', v !== undefined, false, r)
      })
      return
    }
    const base = t.kind === 'name' ? t.text : undefined
    this.construct('PY-EXPR', `assignment to \`${this.src(seg)}\` is not evaluated`, this.src(seg), t.line, t.col)
    if (base && this.bindings.has(base) && seg[1]?.kind === 'op' && seg[1].text === '[') this.mutated(t, seg)
  }

  private augmented(stmt: readonly PyToken[], op: PyToken): void {
    const target = stmt[0] as PyToken
    const rhs = stmt.slice(2)
    if (target.kind !== 'name' || stmt[1] !== op || rhs.length === 0) {
      this.construct('PY-EXPR', `augmented assignment \`${this.src(stmt)}\` is not evaluated`, this.src(stmt), target.line, target.col)
      return
    }
    // `a += x` is evaluated as `a + (x)`, with Python's operator semantics.
    const bin: PyToken = {...op, text: op.text.slice(0, -1), end: op.end - 1}
    const open: PyToken = {...op, text: '(', start: op.end - 1}
    const close: PyToken = {...op, text: ')', start: op.end - 1}
    const before = this.bindings.get(target.text)
    const r = this.evaluate([target, bin, open, ...rhs, close])
    this.report(r, target)
    const olds = objectsOf(before)
    const inPlace = (op.text === '+=' || op.text === '*=') && (olds === 'any' || olds.some((o) => o.t === 'list'))
    const {same, holding} = inPlace ? aliasesOf(this.bindings, target.text, this.aliasBudget) : {same: [], holding: []}
    this.addEntry(target, rhs, r.value, 'expression', r.value !== undefined, true, r)
    // In Python the list object stays the same; here the new value is a new object, so names
    // that may hold the list must now be linked to that one too.
    for (const alias of holding) this.changedWith(alias, target, stmt, r.value ? [r.value] : [])
    // `+=`/`*=` extend a list in place: every other name bound to the same list changes too.
    for (const alias of same) {
      const msg = `\`${alias}\` changes too: it is the same list as \`${target.text}\`, which \`${this.src(stmt)}\` extends in place`
      this.construct('PY-EXPR', msg, this.src(stmt), target.line, target.col, alias)
      this.bindings.set(alias, r.value ? {kind: 'value', value: r.value} : unknownBinding(`changed with \`${target.text}\` at line ${target.line}`, objectsOf(this.bindings.get(alias))))
      if (this.firstAssigned.has(alias)) {
        this.entries.push({
          key: alias,
          value: r.value === undefined ? undefined : toConfigValue(r.value),
          syntax: 'expression',
          computed: r.value !== undefined,
          text: this.src(stmt),
          loc: at(this.file, target.line, target.col, alias) as ConfigEntry['loc'],
          ...(r.value ? {pythonType: pythonType(r.value)} : {}),
        })
      }
    }
  }

  private expressionStatement(stmt: readonly PyToken[]): void {
    const [a, dot, method, paren] = stmt
    const r = this.evaluate(stmt)
    if (r.issues.length === 0 && r.value !== undefined) return // a bare literal or docstring: no effect
    this.report(r, undefined)
    if (a?.kind === 'name' && dot?.text === '.' && method && MUTATORS.has(method.text) && paren?.text === '(' && this.bindings.has(a.text)) {
      this.mutated(a, stmt)
    }
  }

  /** `disk.append(…)`, `vif[0] = …`: the variable changes in a way we do not follow. */
  private mutated(name: PyToken, stmt: readonly PyToken[], inPlace = true): void {
    // An in-place change (`append`, `x[0] = …`) reaches every name bound to, or holding, the same object.
    const {same, holding} = inPlace ? aliasesOf(this.bindings, name.text, this.aliasBudget) : {same: [], holding: []}
    for (const key of [name.text, ...same, ...holding]) this.changedWith(key, name, stmt)
  }

  /** `key` changed through `name`'s statement in a way not followed: its value is unknown from here. */
  private changedWith(key: string, name: PyToken, stmt: readonly PyToken[], also: readonly PyValue[] = []): void {
    const via = key === name.text ? '' : ` (through \`${name.text}\`)`
    // Changed in place: it still holds the same objects, so later changes through them still reach it.
    const why = `is modified${via} by \`${this.src(stmt)}\` at line ${name.line}, which xenlift does not evaluate`
    const objects = objectsOf(this.bindings.get(key))
    this.bindings.set(key, unknownBinding(why, objects === 'any' ? 'any' : [...objects, ...also]))
    if (key !== name.text && !this.firstAssigned.has(key)) return
    this.entries.push({
      key,
      value: undefined,
      syntax: 'expression',
      computed: false,
      text: this.src(stmt),
      loc: at(this.file, name.line, name.col, key) as ConfigEntry['loc'],
    })
  }

  private addEntry(key: PyToken, valueTokens: readonly PyToken[], value: PyValue | undefined, syntax: ConfigEntry['syntax'], computed: boolean, append = false, r?: EvalResult): void {
    const name = key.text
    const first = this.firstAssigned.get(name)
    if (first !== undefined && !append) {
      this.diagnostics.push(diag('PY-DUPKEY', 'warning', `\`${name}\` is assigned again (first at line ${first}); xm uses the last value, libvirt the first`, at(this.file, key.line, key.col, name)))
    }
    if (first === undefined) this.firstAssigned.set(name, key.line)
    const py = value ? pythonType(value) : undefined
    if (value && py && !xmKeepsType(py)) {
      this.construct('PY-LITERAL', `xm ignored \`${name}\`: its value is a ${py} (xm keeps only str, list, int and float), so this setting never took effect`, this.src(valueTokens), key.line, key.col, name)
    }
    if (value) this.bindings.set(name, {kind: 'value', value})
    else {
      // Unknown: it may still be the old object (if the right-hand side raised) or any object
      // the right-hand side used (`x = a or b`), so changes through it may reach those.
      const prev = objectsOf(this.bindings.get(name))
      const used = r?.refsAny ? 'any' : (r?.refs ?? [])
      this.bindings.set(name, unknownBinding(`could not be evaluated at line ${key.line}`, prev === 'any' || used === 'any' ? 'any' : [...prev, ...used]))
    }
    const entry: ConfigEntry = {
      key: name,
      value: value === undefined ? undefined : toConfigValue(value),
      syntax: value === undefined ? 'expression' : syntax,
      computed: value !== undefined && computed,
      text: this.src(valueTokens),
      loc: at(this.file, key.line, key.col, name) as ConfigEntry['loc'],
      ...(py ? {pythonType: py} : {}),
      ...(append ? {op: '+=' as const} : {}),
    }
    this.entries.push(entry)
  }

  /** Turn the evaluator's findings for one statement into constructs and diagnostics. */
  private report(r: EvalResult, keyTok: PyToken | undefined): void {
    const key = keyTok?.text
    const seen = new Set<string>()
    for (const is of r.issues) {
      const id = is.rule === 'PY-CMDLINE-VAR' ? `${is.rule}:${is.name}` : is.rule
      if (seen.has(id)) continue
      seen.add(id)
      if (is.rule === 'SYNTAX') this.syntax(is.message, is.tok.line, is.tok.col, key)
      else this.construct(is.rule, is.message, this.text.slice(is.tok.start, is.tok.end), is.tok.line, is.tok.col, key)
    }
    const ignoredType = r.value !== undefined && !xmKeepsType(pythonType(r.value))
    const kinds = new Set<LiteralKind>()
    // Literal forms matter only where they are the value itself: a computed value is reported
    // (PY-EXPR) with the literal to write instead, an unknown one for why it is unknown.
    const plain = r.value !== undefined && !r.computed
    for (const lit of plain ? r.literals : []) {
      if (kinds.has(lit.kind) || (ignoredType && TYPE_KINDS.has(lit.kind))) continue
      kinds.add(lit.kind)
      this.construct('PY-LITERAL', `${LITERAL_TEXT[lit.kind]} cannot be read by xl or libvirt; write a plain int, string or list`, lit.tok.text, lit.tok.line, lit.tok.col, key)
    }
    if (r.computed && r.value !== undefined && keyTok !== undefined) this.computedFinding(keyTok, r.value)
  }

  /** PY-EXPR, severity warning: the value was computed from literals only; show it. */
  private computedFinding(keyTok: PyToken, value: PyValue): void {
    const key = keyTok.text
    const shown = pyRepr(value)
    const msg = `\`${key}\` is computed by xenlift from literals: ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}; write this literal instead`
    const loc = at(this.file, keyTok.line, keyTok.col, key) as PythonConstruct['loc']
    this.python.push({rule: 'PY-EXPR', message: msg, text: key, loc, computedValue: toConfigValue(value)})
    this.diagnostics.push(diag('PY-EXPR', 'warning', msg, loc))
    this.flaggedLines.add(keyTok.line)
    this.flagLines(this.current)
  }

  private construct(rule: PythonConstruct['rule'], raw: string, text: string, line: number, col: number, path?: string): void {
    const loc = at(this.file, line, col, path) as PythonConstruct['loc']
    const message = oneLine(raw)
    this.python.push({rule, message, text, loc})
    this.diagnostics.push(diag(rule, 'warning', message, loc))
    this.flaggedLines.add(line)
    this.flagLines(this.current)
  }

  private syntax(message: string, line: number, col: number, path?: string): void {
    this.diagnostics.push(diag('SYNTAX', 'error', oneLine(message), at(this.file, line, col, path)))
    this.flaggedLines.add(line)
    this.flagLines(this.current)
  }

  private src(tokens: readonly PyToken[]): string {
    const a = tokens[0]
    const b = tokens[tokens.length - 1]
    return a && b ? this.text.slice(a.start, b.end) : ''
  }
}
