/**
 * libvirt's XML → native vectors (tests/xmconfigtest.c, xlconfigtest.c at 9.0.0): every pair of
 * `libvirt/xm` and `libvirt/xl` whose MANIFEST direction is `xml2cfg` or `both` goes through
 * `readLibvirtXml` and our `writeXm`/`writeXl`, and must give the expected config, compared as a
 * set of `key = value` lines (libvirt's virConfWriteMem order is not part of the contract; the
 * lines themselves, quoting included, are).
 *
 * Vectors that cannot match are listed in KNOWN_DIFFERENCES with the reason; such a vector must
 * still differ, so the table cannot go stale. Skipped with a message when ../shared is absent.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readLibvirtXml} from '../../src/formats/libvirt/read.js'
import {writeXl} from '../../src/formats/xl/write.js'
import {writeXm} from '../../src/formats/xm/write.js'
import {formatDiagnostic} from '../../src/model/diagnostic.js'
import {REPO_ROOT} from '../helpers/cli.js'

const CORPUS = join(REPO_ROOT, '../shared/corpus')
const MANIFEST = join(CORPUS, 'MANIFEST.tsv')

/** `xm/test-NAME` or `xl/test-NAME` → why our output cannot be libvirt's. Empty: all match. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {}

interface Vector {
  readonly id: string
  readonly format: 'xm' | 'xl'
  readonly xml: string
  readonly cfg: string
}

function vectors(): Vector[] {
  const out: Vector[] = []
  for (const line of readFileSync(MANIFEST, 'utf8').split('\n')) {
    const [path, , , , , direction] = line.split('\t')
    const m = /^libvirt\/(xm|xl)\/(test-.*)\.cfg$/.exec(path ?? '')
    if (!m || (direction !== 'both' && direction !== 'xml2cfg')) continue
    const format = m[1] as 'xm' | 'xl'
    const xmlPath = join(CORPUS, 'libvirt', format, `${m[2]}.xml`)
    if (!existsSync(xmlPath)) continue
    out.push({id: `${format}/${m[2]}`, format, xml: readFileSync(xmlPath, 'utf8'), cfg: readFileSync(join(CORPUS, path!), 'utf8')})
  }
  return out
}

/** The `key = value` lines of a config, comments and blank lines left out. */
function lineSet(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  )
}

function difference(expected: string, actual: string): string[] {
  const e = lineSet(expected)
  const a = lineSet(actual)
  return [...[...e].filter((l) => !a.has(l)).map((l) => `- ${l}`), ...[...a].filter((l) => !e.has(l)).map((l) => `+ ${l}`)]
}

const present = existsSync(MANIFEST)

describe.skipIf(!present)('libvirt XML → native vectors (xm, xl at 9.0.0)', () => {
  const all = present ? vectors() : []

  it('finds the vectors the MANIFEST lists', () => {
    // 50 at libvirt 9.0.0; fewer means the walk above lost some and would pass vacuously.
    expect(all.length).toBeGreaterThanOrEqual(50)
    expect(all.filter((v) => v.format === 'xm').length).toBeGreaterThan(10)
    expect(all.filter((v) => v.format === 'xl').length).toBeGreaterThan(20)
  })

  for (const v of all) {
    it(v.id, () => {
      const read = readLibvirtXml(v.xml, {file: `${v.id}.xml`})
      const domain = read.domains[0]?.domain
      expect(domain, read.diagnostics.map((d) => formatDiagnostic(d)).join('\n')).toBeDefined()
      // libvirt's harness formats with secrets (VIR_DOMAIN_DEF_PARSE_SECURE): the vectors carry vncpasswd.
      const out = (v.format === 'xl' ? writeXl : writeXm)(domain!, {securityInfo: true})
      expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d))).toEqual([])
      const diff = difference(v.cfg, out.text)
      const known = KNOWN_DIFFERENCES[v.id]
      if (known !== undefined) {
        expect(diff, `${v.id} now matches: remove it from KNOWN_DIFFERENCES (${known})`).not.toEqual([])
      } else {
        expect(diff, `${v.id}: - expected line missing, + unexpected line`).toEqual([])
      }
    })
  }

  it('KNOWN_DIFFERENCES names only existing vectors', () => {
    const ids = new Set(all.map((v) => v.id))
    expect(Object.keys(KNOWN_DIFFERENCES).filter((k) => !ids.has(k))).toEqual([])
  })
})

describe.skipIf(present)('libvirt XML → native vectors', () => {
  it.skip(`skipped: ${MANIFEST} is absent (the shared corpus is not checked out next to the repo)`, () => {})
})
