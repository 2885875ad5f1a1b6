/**
 * libvirt's own conversion test vectors, run against our readers + libvirt defaults + writer.
 *
 * Mirrors libvirt's harnesses (see shared/corpus/README.md): sexpr2xml pairs at libvirt 4.5.0
 * (tests/sexpr2xmltest.c: formatted with secrets and the runtime `id=`), xm and xl pairs at
 * 9.0.0 (tests/xmconfigtest.c, xlconfigtest.c: with secrets), and the `*-v11.3.0` expected XML
 * at 11.3.0 with the `.cfg` of the sibling xm/xl directory. Only pairs whose MANIFEST direction is
 * `cfg2xml` or `both` run; `xml2cfg`-only and unreferenced files are skipped.
 *
 * Each vector is one `it`, inside a `describe` per set, so `npx vitest run -t sexpr2xml` (or
 * `-t 'xl '`, `-t xm-v11.3.0`) runs one set. Vectors that cannot match are listed in
 * KNOWN_DIFFERENCES with the reason; such a vector must still differ, so the table cannot go
 * stale: when one starts matching, its test fails and asks for the entry to be removed. Where
 * xenlift deliberately writes more (DELIBERATE), the expected XML is amended by that one change.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatDiagnostic} from '../../src/model/diagnostic.js'
import {convertText} from '../../src/convert/convert.js'
import {compareVersion, targetFor, type LibvirtTarget} from '../../src/formats/libvirt/target.js'
import {compareXml, formatXmlDifferences} from '../helpers/xml-compare.js'
import {REPO_ROOT} from '../helpers/cli.js'

const CORPUS = join(REPO_ROOT, '../shared/corpus')
const LIBVIRT = join(CORPUS, 'libvirt')
const VIRT_XML_VALIDATE = '/usr/bin/virt-xml-validate'

/**
 * Vectors that cannot match, keyed `set/name`, with the reason. Keep it short and honest; every
 * entry is re-checked on each run (it must still differ).
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {}

/**
 * Where xenlift deliberately writes more than libvirt, keyed `set/name`: the reason, and the
 * expected XML amended by exactly that change (the rest of the vector is still compared). The
 * amendment must change the expected XML, so an entry cannot outlive its vector's content.
 */
const DELIBERATE: Readonly<Record<string, {readonly reason: string; readonly amend: (xml: string) => string}>> = {
  'sexpr2xml/sexpr2xml-pv-vfb-new-vncdisplay': {
    reason: "a vfb's vncpasswd is carried (xend gave it to the console; libvirt's SXP reader dropped it, leaving the console open: issue 11 §1)",
    amend: (xml) => xml.replace("<graphics type='vnc' ", "<graphics type='vnc' passwd='123456' "),
  },
}

interface VectorSet {
  /** describe() name, also the `-t` filter. */
  readonly set: string
  readonly dir: string
  /** Where the native input lives (the v11.3.0 sets reuse the 9.0 inputs). */
  readonly inputDir: string
  readonly inputExt: '.sexpr' | '.cfg'
  readonly from: 'sxp' | 'xm' | 'xl'
  readonly target: LibvirtTarget
}

/**
 * libvirt's harnesses format with VIR_DOMAIN_DEF_FORMAT_SECURE and without ..._INACTIVE
 * (sexpr2xmltest.c, xmconfigtest.c, xlconfigtest.c): secrets shown, live form (runtime id,
 * generated vif names). A real `virsh domxml-from-native` is the opposite on both counts. The
 * secrets come through `securityInfo`, the option `convert --security-info` sets (convertVector).
 */
const HARNESS = (version: string) => targetFor(version, {runtimeId: true})

const SETS: readonly VectorSet[] = [
  {set: 'sexpr2xml', dir: 'sexpr2xml', inputDir: 'sexpr2xml', inputExt: '.sexpr', from: 'sxp', target: HARNESS('4.5.0')},
  {set: 'xm', dir: 'xm', inputDir: 'xm', inputExt: '.cfg', from: 'xm', target: HARNESS('9.0.0')},
  {set: 'xl', dir: 'xl', inputDir: 'xl', inputExt: '.cfg', from: 'xl', target: HARNESS('9.0.0')},
  {set: 'xm-v11.3.0', dir: 'xm-v11.3.0', inputDir: 'xm', inputExt: '.cfg', from: 'xm', target: HARNESS('11.3.0')},
  {set: 'xl-v11.3.0', dir: 'xl-v11.3.0', inputDir: 'xl', inputExt: '.cfg', from: 'xl', target: HARNESS('11.3.0')},
]

interface Vector {
  readonly name: string
  readonly input: string
  readonly expected: string
}

/** MANIFEST.tsv: path_in_corpus → direction. */
function readDirections(): Map<string, string> {
  const m = new Map<string, string>()
  const lines = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1)
  for (const line of lines) {
    const cols = line.split('\t')
    if (cols[0] && cols[5]) m.set(cols[0], cols[5])
  }
  return m
}

function listVectors(s: VectorSet, directions: Map<string, string>): Vector[] {
  const dir = join(LIBVIRT, s.dir)
  if (!existsSync(dir)) return []
  const out: Vector[] = []
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.xml')) continue
    const direction = directions.get(`libvirt/${s.dir}/${f}`)
    if (direction !== 'cfg2xml' && direction !== 'both') continue
    const name = f.slice(0, -'.xml'.length)
    const input = join(LIBVIRT, s.inputDir, name + s.inputExt)
    if (!existsSync(input)) continue
    out.push({name, input, expected: join(dir, f)})
  }
  return out
}

interface Converted {
  readonly xml?: string
  readonly problem?: string
}

/**
 * libvirt's DO_TEST_REPLACE_VARS (xlconfigtest.c, `fullvirt-ovmf`): `/LIBXL_FIRMWARE_DIR` in the
 * test files stands for the build's firmware dir, which is the target's `firmwareDir` here.
 */
function readVectorFile(path: string, target: LibvirtTarget): string {
  return readFileSync(path, 'utf8').replaceAll('/LIBXL_FIRMWARE_DIR', target.profile.firmwareDir)
}

function convertVector(s: VectorSet, v: Vector): Converted {
  // What `xenlift convert --security-info` runs: read, libvirt defaults, write with passwords.
  const result = convertText(readVectorFile(v.input, s.target), {file: v.input, from: s.from, target: s.target, securityInfo: true})
  const first = result.domains[0]
  if (first?.output === undefined) {
    const why = [...result.diagnostics, ...(first?.diagnostics ?? [])].map((d) => formatDiagnostic(d)).join('\n') || '(no diagnostics)'
    return {problem: `no XML:\n${why}`}
  }
  return {xml: first.output}
}

const hasCorpus = existsSync(join(CORPUS, 'MANIFEST.tsv'))
if (!hasCorpus) console.warn(`libvirt vectors skipped: ${CORPUS} not found`)
const hasValidator = existsSync(VIRT_XML_VALIDATE)

/**
 * The schema virt-xml-validate checks against is the installed libvirt's (9.0 on Debian 12);
 * output aimed at a newer libvirt (11.3's `<loader format='raw'>`) is not valid for it, so those
 * sets are only validated where the installed libvirt is at least as new.
 */
function installedLibvirt(): readonly [number, number, number] {
  try {
    const v = execFileSync('virsh', ['--version'], {encoding: 'utf8'}).trim().split('.').map(Number)
    return [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0]
  } catch {
    return [9, 0, 0]
  }
}
const INSTALLED = hasValidator ? installedLibvirt() : ([0, 0, 0] as const)
const newerThanInstalled = (t: LibvirtTarget) => compareVersion(t.version, INSTALLED) > 0

describe.skipIf(!hasCorpus)('libvirt conformance vectors', () => {
  const directions = hasCorpus ? readDirections() : new Map<string, string>()
  it('KNOWN_DIFFERENCES names only vectors that run', () => {
    const keys = new Set(SETS.flatMap((s) => listVectors(s, directions).map((v) => `${s.set}/${v.name}`)))
    expect([...Object.keys(KNOWN_DIFFERENCES), ...Object.keys(DELIBERATE)].filter((k) => !keys.has(k))).toEqual([])
  })
  for (const s of SETS) {
    const vectors = hasCorpus ? listVectors(s, directions) : []
    describe(`${s.set} `, () => {
      it('has vectors', () => {
        expect(vectors.length).toBeGreaterThan(0)
      })
      for (const v of vectors) {
        const key = `${s.set}/${v.name}`
        const known = KNOWN_DIFFERENCES[key]
        const deliberate = DELIBERATE[key]
        it(v.name, () => {
          const out = convertVector(s, v)
          const libvirts = readVectorFile(v.expected, s.target)
          const expected = deliberate ? deliberate.amend(libvirts) : libvirts
          if (deliberate) expect(expected, `${key}: the amendment (${deliberate.reason}) no longer changes the vector`).not.toBe(libvirts)
          const diffs = out.xml === undefined ? undefined : compareXml(expected, out.xml)
          if (known !== undefined) {
            expect(
              out.problem !== undefined || (diffs !== undefined && diffs.length > 0),
              `${key} now matches libvirt: remove it from KNOWN_DIFFERENCES (${known})`,
            ).toBe(true)
            return
          }
          expect(out.problem, out.problem).toBeUndefined()
          expect(diffs, `${key}:\n${formatXmlDifferences(diffs ?? [])}\n--- actual ---\n${out.xml}`).toEqual([])
        })
      }
    })
  }
})

describe.skipIf(!hasCorpus || !hasValidator)('virt-xml-validate over the writer output for the vectors', () => {
  const directions = hasCorpus ? readDirections() : new Map<string, string>()
  const tmp = hasCorpus && hasValidator ? mkdtempSync(join(tmpdir(), 'xenlift-validate-')) : ''
  for (const s of SETS) {
    const vectors = hasCorpus ? listVectors(s, directions) : []
    describe.skipIf(newerThanInstalled(s.target))(`${s.set} `, () => {
      for (const v of vectors) {
        it(`validates ${v.name}`, (ctx) => {
          const out = convertVector(s, v)
          // Nothing to validate until the reader produces a domain; the conformance test above
          // already fails for that vector.
          if (out.xml === undefined) {
            ctx.skip()
            return
          }
          const file = join(tmp, `${s.set}-${v.name}.xml`)
          writeFileSync(file, out.xml)
          let message = ''
          try {
            execFileSync(VIRT_XML_VALIDATE, [file, 'domain'], {stdio: 'pipe'})
          } catch (error) {
            const e = error as {stderr?: Buffer; stdout?: Buffer}
            message = `${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}` || String(error)
          }
          expect(message, `${file}:\n${out.xml}`).toBe('')
        })
      }
    })
  }
})
