import {mkdir, readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'

const DEMO = new URL('../../../fixtures/demo-host', import.meta.url).pathname
const WEB01 = 'var/lib/xend/domains/6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10/config.sxp'

/**
 * Add `n` xend-managed domains to a host tree (`<root>/var/lib/xend/domains/<uuid>/config.sxp`),
 * each a copy of the demo host's web01 with its own name, UUID and MAC: a big dom0 for the
 * round-trip tests and the bench. Returns the domain names.
 */
export async function addManagedDomains(root: string, n: number): Promise<string[]> {
  const template = await readFile(path.join(DEMO, WEB01), 'utf8')
  const names: string[] = []
  for (let i = 0; i < n; i++) {
    const name = `bulk${String(i).padStart(3, '0')}`
    const hex = i.toString(16).padStart(12, '0')
    const uuid = `0b0b0b0b-0000-4000-8000-${hex}`
    const text = template
      .replaceAll('6f1c3a52-0b7e-4d8e-9a51-2c0e8f4b7d10', uuid)
      .replace(/\(name web01\)/, `(name ${name})`)
      .replace(/00:16:3e:[0-9a-f:]{8}/g, `00:16:3e:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`)
    const dir = path.join(root, 'var/lib/xend/domains', uuid)
    await mkdir(dir, {recursive: true})
    await writeFile(path.join(dir, 'config.sxp'), text)
    names.push(name)
  }
  return names
}
