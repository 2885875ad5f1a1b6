/**
 * Bench inputs made at run time from libvirt's own conversion vectors (../shared/corpus, never
 * copied into the repository): N config files with unique domain names and UUIDs, as a user's
 * /etc/xen or a mounted dom0 tree would hold them.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The shared corpus: BENCH_CORPUS, else ../shared/corpus beside the checkout (or beside its worktree dir). */
export function findCorpus(): string | undefined {
  const candidates = [process.env.BENCH_CORPUS, resolve(REPO_ROOT, '..', 'shared', 'corpus'), resolve(REPO_ROOT, '..', '..', 'shared', 'corpus')]
  return candidates.find((c): c is string => c !== undefined && existsSync(join(c, 'libvirt')))
}

export interface Vector {
  readonly format: 'sxp' | 'xm' | 'xl'
  readonly file: string
  readonly text: string
}

/** libvirt's SXP, xm and xl input vectors, sorted (deterministic input order). */
export function readVectors(corpus: string): Vector[] {
  const sets = [
    {dir: 'libvirt/sexpr2xml', ext: '.sexpr', format: 'sxp'},
    {dir: 'libvirt/xm', ext: '.cfg', format: 'xm'},
    {dir: 'libvirt/xl', ext: '.cfg', format: 'xl'},
  ] as const
  const out: Vector[] = []
  for (const s of sets) {
    for (const f of readdirSync(join(corpus, s.dir)).filter((n) => n.endsWith(s.ext)).sort()) {
      out.push({format: s.format, file: f, text: readFileSync(join(corpus, s.dir, f), 'utf8')})
    }
  }
  return out
}

function uuidFor(i: number): string {
  const h = (0x10000000 + i).toString(16).padStart(12, '0')
  return `b3e7c0de-0000-4000-8000-${h.slice(-12)}`
}

/** The vector's text with its domain name and UUID replaced (first occurrence: the domain's own). */
export function renameVector(v: Vector, name: string, uuid: string): string {
  if (v.format === 'sxp') {
    return v.text.replace(/\(name\s+(?:'[^']*'|"[^"]*"|[^()\s]+)\)/, `(name '${name}')`).replace(/\(uuid\s+(?:'[^']*'|"[^"]*"|[^()\s]+)\)/, `(uuid '${uuid}')`)
  }
  return v.text.replace(/^name\s*=.*$/m, `name = "${name}"`).replace(/^uuid\s*=.*$/m, `uuid = "${uuid}"`)
}

export type Layout = 'flat' | 'dom0'

/**
 * Write `n` configs below `dir`, cycling through `vectors`, each with a unique name and UUID.
 * `flat`: one file per config in `dir` (convert -r). `dom0`: an old dom0 root, half the domains
 * as xend's var/lib/xend/domains/<uuid>/config.sxp, the other half in etc/xen (check/scan --root).
 */
export function writeCorpusTree(dir: string, vectors: readonly Vector[], n: number, layout: Layout): void {
  mkdirSync(dir, {recursive: true})
  const sxp = vectors.filter((v) => v.format === 'sxp')
  const native = vectors.filter((v) => v.format !== 'sxp')
  if (layout === 'dom0') {
    mkdirSync(join(dir, 'etc/xen'), {recursive: true})
    mkdirSync(join(dir, 'var/lib/xend/domains'), {recursive: true})
  }
  for (let i = 0; i < n; i++) {
    const name = `guest${String(i).padStart(5, '0')}`
    const uuid = uuidFor(i)
    if (layout === 'flat') {
      const v = vectors[i % vectors.length]!
      writeFileSync(join(dir, `${name}-${v.file}`), renameVector(v, name, uuid))
    } else if (i % 2 === 0 && sxp.length > 0) {
      const v = sxp[(i / 2) % sxp.length]!
      mkdirSync(join(dir, 'var/lib/xend/domains', uuid))
      writeFileSync(join(dir, 'var/lib/xend/domains', uuid, 'config.sxp'), renameVector(v, name, uuid))
    } else {
      const v = native[i % native.length]!
      writeFileSync(join(dir, 'etc/xen', name), renameVector(v, name, uuid))
    }
  }
}
