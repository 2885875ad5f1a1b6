import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {collectLocal} from '../../src/host/collect-local.js'

function tree(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'xenlift-collect-'))
  mkdirSync(path.join(d, 'sub'))
  writeFileSync(path.join(d, 'a.cfg'), 'name = "a"\n')
  writeFileSync(path.join(d, 'xend-config.sxp'), '(network-script network-bridge)\n')
  writeFileSync(path.join(d, 'sub/b.cfg'), 'name = "b"\n')
  writeFileSync(path.join(d, 'big.img'), Buffer.alloc(1024 * 1024 + 1))
  symlinkSync('a.cfg', path.join(d, 'link.cfg'))
  return d
}

describe('collectLocal', () => {
  it('reads a directory flat, or recursively with -r, with roles by name', async () => {
    const d = tree()
    const flat = await collectLocal({paths: [d]})
    expect(flat.inventories[0]?.files.map((f) => [path.relative(d, f.path), f.role])).toEqual([
      ['a.cfg', 'loose'],
      ['big.img', 'loose'],
      ['link.cfg', 'loose'],
      ['xend-config.sxp', 'xend-config'],
    ])
    const deep = await collectLocal({paths: [d], recursive: true})
    expect(deep.inventories[0]?.files.map((f) => path.relative(d, f.path))).toContain('sub/b.cfg')
  })

  it('marks files named one by one as explicit and does not read huge files whole', async () => {
    const d = tree()
    const r = await collectLocal({paths: [path.join(d, 'a.cfg'), path.join(d, 'big.img')]})
    const [a, big] = r.inventories[0]?.files ?? []
    expect(a?.explicit).toBe(true)
    expect(big?.text.length).toBeLessThan(10)
  })

  it('reports missing inputs as errors instead of throwing', async () => {
    const r = await collectLocal({paths: ['/no/such/x.cfg'], root: '/no/such/root'})
    expect(r.errors).toEqual(['--root /no/such/root: not a directory', '/no/such/x.cfg: no such file or directory'])
  })
})
