import {createRequire} from 'node:module'
import type * as Fxp from 'fast-xml-parser'

// fast-xml-parser is loaded on first use, synchronously through its CommonJS build: importing
// it costs ~25-30 ms, a third of `xenlift convert`'s whole start-up budget, and only XML input
// needs it. (Module loading, not I/O: the reader stays a pure function of its text.)
let fxp: {parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator} | undefined
function xmlParser(): {parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator} {
  if (fxp) return fxp
  const lib = createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp
  fxp = {parser: new lib.XMLParser(PARSER_OPTIONS), validator: lib.XMLValidator}
  return fxp
}

/** A parsed XML element with the 1-based line/column of its start tag. */
export interface XmlNode {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: readonly XmlNode[]
  /** Concatenated character data directly inside this element (entities decoded). */
  readonly text: string
  readonly line: number
  readonly column: number
}

/** A parsed tree, or why the text is not well-formed XML (with the place when known). */
export type XmlParseOutcome =
  | {readonly ok: true; readonly root: XmlNode}
  | {readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number}

const PARSER_OPTIONS: Fxp.X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded by decodeXmlEntities below, in one pass: XML's five plus character
  // references, nothing from HTML, and twice as fast as the parser's own entity handling.
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
}

type Ordered = Record<string, unknown>[]

/**
 * Parse XML text into element nodes that know where they start. fast-xml-parser gives no
 * positions for elements, so we find the start tags ourselves: after blanking out comments,
 * CDATA, processing instructions and DOCTYPE (keeping offsets), every `<name` left is a start tag,
 * in document order, which is also the pre-order of the parsed tree. Malformed XML comes back as
 * a located failure from XMLValidator, never as an exception.
 */
export function parseXmlWithPositions(text: string): XmlParseOutcome {
  const {parser, validator} = xmlParser()
  const valid = validator.validate(text)
  if (valid !== true) return {ok: false, message: valid.err.msg, line: valid.err.line, column: valid.err.col}
  let ordered: Ordered
  try {
    ordered = parser.parse(text) as Ordered
  } catch (error) {
    return {ok: false, message: (error as Error).message}
  }
  const positions = startTagPositions(text)
  let next = 0
  const build = (items: Ordered): XmlNode[] => {
    const out: XmlNode[] = []
    for (const item of items) {
      const name = Object.keys(item).find((k) => k !== ':@')
      if (name === undefined || name === '#text' || name === '#cdata' || name === '#comment' || name.startsWith('?')) continue
      const pos = positions[next++] ?? {line: 0, column: 0}
      const raw = (item[name] as Ordered | undefined) ?? []
      const attrs: Record<string, string> = {}
      for (const [k, v] of Object.entries((item[':@'] as Record<string, string> | undefined) ?? {})) attrs[k] = decodeXmlEntities(String(v))
      const children = build(raw)
      let text = ''
      for (const r of raw) {
        if ('#text' in r) text += decodeXmlEntities(String(r['#text']))
        else if ('#cdata' in r) text += ((r['#cdata'] as Ordered | undefined) ?? []).map((c) => String(c['#text'] ?? '')).join('')
      }
      out.push({name, attrs, children, text, line: pos.line, column: pos.column})
    }
    return out
  }
  const root = build(ordered)[0]
  if (!root) return {ok: false, message: 'no root element', line: 1, column: 1}
  return {ok: true, root}
}

const NAMED: Record<string, string> = {amp: '&', lt: '<', gt: '>', apos: "'", quot: '"'}

/** Decode XML's predefined entities and character references; anything else stays as written. */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|apos|quot));/g, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? m
    const cp = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec)
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m
  })
}

function startTagPositions(text: string): {line: number; column: number}[] {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ')
  const masked = text
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, blank)
    .replace(/<\?[\s\S]*?\?>/g, blank)
    .replace(/<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>/g, blank)
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const out: {line: number; column: number}[] = []
  for (const m of masked.matchAll(/<([A-Za-z_][\w.:-]*)/g)) {
    const offset = m.index
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    out.push({line: lo + 1, column: offset - lineStarts[lo]! + 1})
  }
  return out
}
