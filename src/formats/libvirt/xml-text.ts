/**
 * A tiny element tree and its serializer in libvirt's own text form (virBuffer + virXMLFormat*):
 * two-space indent, single-quoted attributes, `<x/>` for empty elements, one element per line,
 * text-only elements on one line, a trailing newline.
 *
 * Why not fast-xml-parser's XMLBuilder: it always writes attributes with double quotes and its
 * entity handling is all-or-nothing (`processEntities`), so it cannot give libvirt's
 * `attr='a&apos;b'` form; a 60-line serializer over a tree is simpler than post-processing.
 */

/** An element: attributes in output order (undefined values are left out), children or text. */
export interface XmlElement {
  readonly name: string
  readonly attrs: readonly (readonly [string, string | number | undefined])[]
  readonly children: readonly XmlElement[]
  /** Text content; an element has either text or children. `''` is printed as `<x></x>`. */
  readonly text?: string
}

/** Build an element; `attrs` is an ordered list of pairs, undefined values are skipped on output. */
export function el(
  name: string,
  attrs: readonly (readonly [string, string | number | undefined])[] = [],
  children: readonly (XmlElement | undefined | false)[] = [],
): XmlElement {
  // A plain loop, not filter(): the writer builds ~50 elements per domain (CPU profiles).
  const kept: XmlElement[] = []
  for (let i = 0; i < children.length; i++) {
    const c = children[i]
    if (c !== undefined && c !== false) kept.push(c)
  }
  return {name, attrs, children: kept}
}

/** An element holding only text (`<name>foo</name>`). */
export function textEl(name: string, text: string, attrs: readonly (readonly [string, string | number | undefined])[] = []): XmlElement {
  return {name, attrs, children: [], text}
}

/**
 * Characters XML 1.0 cannot carry at all (not even as `&#N;`): C0 controls other than TAB, LF,
 * CR; lone surrogates; U+FFFE/U+FFFF. libvirt's virBufferEscapeString silently drops the C0
 * controls; we do the same for all of them, so the output is always well-formed XML. Callers
 * that care (a name with a control character) report it before writing.
 */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Fast path: most values (paths, names, numbers) need no escaping at all. */
const NEEDS_ESCAPE = /[\u0000-\u001F&<>'"\uD800-\uDFFF\uFFFE\uFFFF]/

/** True when `s` holds characters that {@link escapeXmlText} has to drop. */
export function hasInvalidXmlChars(s: string): boolean {
  INVALID_XML_CHARS.lastIndex = 0
  return INVALID_XML_CHARS.test(s)
}

/**
 * Escape text content as libvirt does (`& < > ' "` all become entities, virBufferEscapeString).
 * A CR is written as `&#13;` because an XML parser would otherwise normalise it to LF.
 */
export function escapeXmlText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s
  return s.replace(INVALID_XML_CHARS, '').replace(/[&<>'"\r]/g, (c) => ENTITY[c] ?? c)
}

/**
 * Escape an attribute value. As text, plus TAB/LF/CR as character references: libvirt writes
 * them raw, but an XML parser then normalises them to spaces (XML 1.0 §3.3.3), so the value
 * would not survive a round trip; the reference form is equally valid XML and keeps it.
 */
export function escapeXmlAttr(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s
  return s.replace(INVALID_XML_CHARS, '').replace(/[&<>'"\r\n\t]/g, (c) => ENTITY[c] ?? c)
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
}

/** Serialize a tree in libvirt's layout, ending with a newline. */
export function serializeXml(root: XmlElement): string {
  return write(root, 0, '')
}

/** Indentation per depth, built once (domain XML rarely nests beyond 6). */
const PADS: string[] = Array.from({length: 16}, (_, i) => '  '.repeat(i))

// One growing string rather than an array of pieces joined at the end: V8 ropes make appends
// cheap, and this was the serializer's allocation hot spot. Indexed loops, no destructuring.
function write(e: XmlElement, depth: number, out: string): string {
  const pad = PADS[depth] ?? '  '.repeat(depth)
  out += `${pad}<${e.name}`
  const attrs = e.attrs
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as readonly [string, string | number | undefined]
    const v = a[1]
    if (v === undefined) continue
    out += ` ${a[0]}='${typeof v === 'number' ? String(v) : escapeXmlAttr(v)}'`
  }
  if (e.text !== undefined) return `${out}>${escapeXmlText(e.text)}</${e.name}>\n`
  const children = e.children
  if (children.length === 0) return `${out}/>\n`
  out += '>\n'
  for (let i = 0; i < children.length; i++) out = write(children[i] as XmlElement, depth + 1, out)
  return `${out}${pad}</${e.name}>\n`
}
