/**
 * The corpus inputs the lab suite feeds to both xenlift and the real libvirt. Read from
 * `../shared/corpus` at test time (never copied into the repo); empty when it is absent.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CORPUS_DIR} from './lab-env.js'

export type NativeFormat = 'xm' | 'xl'

/** One native config to convert both ways (xenlift in-process, libvirt via virsh). */
export interface NativeCase {
  /** Stable id: `corpus:libvirt/xm/test-foo.cfg#xm` or `gen:xl:0042`. */
  readonly id: string
  readonly format: NativeFormat
  readonly text: string
  /** Generated cases only: what the generator meant to produce (for the report). */
  readonly intent?: string
}

/** A libvirt domain XML from the corpus (reverse direction and define tests). */
export interface XmlCase {
  readonly id: string
  readonly text: string
}

/** An input of any format whose xenlift XML is defined on the real driver. */
export interface SourceCase {
  readonly id: string
  readonly format: 'xm' | 'xl' | 'sxp' | 'libvirt'
  readonly text: string
}

function list(dir: string, keep: (name: string) => boolean): string[] {
  const abs = join(CORPUS_DIR, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs)
    .filter(keep)
    .sort()
    .map((n) => `${dir}/${n}`)
}

function read(rel: string): string {
  return readFileSync(join(CORPUS_DIR, rel), 'utf8')
}

/**
 * Every xm and xl config of the corpus, with the format libvirt's own test reads it in:
 * libvirt's xmconfigdata as xen-xm, xlconfigdata as xen-xl, Xen's xmexample and xlexample
 * files by their name. The wild cfgs are a mix of xm-era and xl-era files with no reliable marker, so
 * each is compared in BOTH formats (both readers must agree with libvirt either way).
 */
export function corpusNativeCases(): NativeCase[] {
  const out: NativeCase[] = []
  const add = (rel: string, format: NativeFormat) => out.push({id: `corpus:${rel}#${format}`, format, text: read(rel)})
  const cfg = (n: string) => n.endsWith('.cfg')
  for (const rel of [...list('libvirt/xm', cfg), ...list('libvirt/xm-v11.3.0', cfg)]) add(rel, 'xm')
  for (const rel of [...list('libvirt/xl', cfg), ...list('libvirt/xl-v11.3.0', cfg)]) add(rel, 'xl')
  for (const rel of list('xen-examples', (n) => n.startsWith('xmexample'))) add(rel, 'xm')
  for (const rel of list('xen-examples', (n) => n.startsWith('xlexample'))) add(rel, 'xl')
  for (const rel of list('wild/xm', cfg)) {
    add(rel, 'xm')
    add(rel, 'xl')
  }
  return out
}

/** libvirt's expected XMLs of the xm/xl vectors (9.0 and the 11.3 variants). */
export function corpusXmlCases(): XmlCase[] {
  const xml = (n: string) => n.endsWith('.xml')
  return ['libvirt/xm', 'libvirt/xl', 'libvirt/xm-v11.3.0', 'libvirt/xl-v11.3.0']
    .flatMap((d) => list(d, xml))
    .map((rel) => ({id: `corpus:${rel}`, text: read(rel)}))
}

/** Every corpus input xenlift can turn into domain XML: xm, xl, SXP and libvirt XML. */
export function corpusSourceCases(): SourceCase[] {
  const sxp = list('libvirt/sexpr2xml', (n) => n.endsWith('.sexpr')).concat(list('wild/sxp', (n) => !n.startsWith('xend-config')))
  return [
    ...corpusNativeCases().map((c) => ({id: c.id, format: c.format, text: c.text})),
    ...sxp.map((rel) => ({id: `corpus:${rel}#sxp`, format: 'sxp' as const, text: read(rel)})),
    ...corpusXmlCases().map((c) => ({id: `${c.id}#libvirt`, format: 'libvirt' as const, text: c.text})),
  ]
}
