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
  return {name, attrs, children: children.filter((c): c is XmlElement => c !== undefined && c !== false)}
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
  const out: string[] = []
  write(root, 0, out)
  return out.join('')
}

function write(e: XmlElement, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth)
  let open = `${pad}<${e.name}`
  for (const [k, v] of e.attrs) {
    if (v === undefined) continue
    open += ` ${k}='${escapeXmlAttr(String(v))}'`
  }
  if (e.text !== undefined) {
    out.push(`${open}>${escapeXmlText(e.text)}</${e.name}>\n`)
  } else if (e.children.length === 0) {
    out.push(`${open}/>\n`)
  } else {
    out.push(`${open}>\n`)
    for (const c of e.children) write(c, depth + 1, out)
    out.push(`${pad}</${e.name}>\n`)
  }
}
