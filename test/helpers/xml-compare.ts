/**
 * Semantic XML comparison for libvirt domain XML, built on fast-xml-parser (preserveOrder).
 *
 * The rule (kept deliberately simple and strict, because libvirt's formatter has a fixed order):
 * - element names must match, and child elements are compared **in order** (the n-th child
 *   element against the n-th), so a reordered device is a difference;
 * - attributes are compared as a set (their order in the text does not matter, values must be
 *   equal after entity decoding);
 * - text of an element is compared exactly (leading/trailing spaces matter: `<cmdline> x </cmdline>`),
 *   except whitespace-only text between child elements (indentation), which is ignored;
 * - comments, the XML declaration and quoting style (`'` vs `"`, `&apos;` vs `'`) do not matter.
 *
 * Differences come back as a list of `{path, expected, actual}` with paths such as
 * `/domain/devices/disk[2]/source/@file` (1-based index among same-named siblings).
 */
import {XMLParser, XMLValidator} from 'fast-xml-parser'

export interface XmlDifference {
  readonly path: string
  /** What the expected document has there (`(absent)` when it has nothing). */
  readonly expected: string
  readonly actual: string
}

interface Node {
  readonly name: string
  readonly attrs: Record<string, string>
  readonly children: Node[]
  /** Concatenated text when the element has no child elements. */
  readonly text: string
}

const ABSENT = '(absent)'

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
})

type Ordered = Record<string, unknown>[]

function toNodes(items: Ordered): Node[] {
  const out: Node[] = []
  for (const item of items) {
    const name = Object.keys(item).find((k) => k !== ':@')
    if (name === undefined || name === '#text' || name.startsWith('?') || name === '#comment') continue
    const raw = (item[name] as Ordered | undefined) ?? []
    const attrs = {...((item[':@'] as Record<string, string> | undefined) ?? {})}
    const children = toNodes(raw)
    const text = raw
      .filter((r) => '#text' in r)
      .map((r) => String(r['#text']))
      .join('')
    out.push({name, attrs, children, text: children.length === 0 ? text : ''})
  }
  return out
}

/** Parse XML text into the comparison tree; throws with line/column on malformed XML. */
export function parseXmlTree(text: string): Node {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new Error(`malformed XML at ${valid.err.line}:${valid.err.col}: ${valid.err.msg}`)
  const roots = toNodes(parser.parse(text) as Ordered)
  const root = roots[0]
  if (!root) throw new Error('no root element')
  return root
}

/** Compare two XML documents; an empty list means semantically equal. */
export function compareXml(expected: string, actual: string): XmlDifference[] {
  let e: Node
  let a: Node
  try {
    e = parseXmlTree(expected)
  } catch (error) {
    return [{path: '/', expected: 'well-formed XML', actual: `expected document unreadable: ${(error as Error).message}`}]
  }
  try {
    a = parseXmlTree(actual)
  } catch (error) {
    return [{path: '/', expected: 'well-formed XML', actual: (error as Error).message}]
  }
  const diffs: XmlDifference[] = []
  compareNode(e, a, `/${e.name}`, diffs)
  return diffs
}

function compareNode(e: Node, a: Node, path: string, diffs: XmlDifference[]): void {
  if (e.name !== a.name) {
    diffs.push({path, expected: `<${e.name}>`, actual: `<${a.name}>`})
    return
  }
  for (const k of new Set([...Object.keys(e.attrs), ...Object.keys(a.attrs)])) {
    const ev = e.attrs[k]
    const av = a.attrs[k]
    if (ev !== av) diffs.push({path: `${path}/@${k}`, expected: ev ?? ABSENT, actual: av ?? ABSENT})
  }
  if (e.children.length === 0 && a.children.length === 0) {
    if (e.text !== a.text) diffs.push({path: `${path}/text()`, expected: JSON.stringify(e.text), actual: JSON.stringify(a.text)})
    return
  }
  const n = Math.max(e.children.length, a.children.length)
  const seen = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const ec = e.children[i]
    const ac = a.children[i]
    const name = (ec ?? ac)!.name
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    const childPath = `${path}/${name}[${count}]`
    if (!ec) diffs.push({path: childPath, expected: ABSENT, actual: summarize(ac!)})
    else if (!ac) diffs.push({path: childPath, expected: summarize(ec), actual: ABSENT})
    else if (ec.name !== ac.name) {
      // An inserted/missing element shifts everything after it: report it once and stop here,
      // the rest of this list would only repeat the same shift.
      diffs.push({path: childPath, expected: summarize(ec), actual: summarize(ac)})
      return
    } else compareNode(ec, ac, childPath, diffs)
  }
}

function summarize(n: Node): string {
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}='${v}'`)
    .join('')
  return `<${n.name}${attrs}>${n.children.length === 0 && n.text ? n.text : n.children.length > 0 ? '…' : ''}`
}

/** One difference per line, for assertion messages. */
export function formatXmlDifferences(diffs: readonly XmlDifference[]): string {
  return diffs.map((d) => `${d.path}: expected ${d.expected}, got ${d.actual}`).join('\n')
}
