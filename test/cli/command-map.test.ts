import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {COMMANDS} from '../../src/cli/command-map.js'
import {REPO_ROOT} from '../helpers/cli.js'

function commandIds(dir: string, root = dir): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return commandIds(p, root)
    if (!e.name.endsWith('.ts')) return []
    const id = relative(root, p).replace(/\.ts$/, '').split('/')
    if (id.at(-1) === 'index') id.pop()
    return [id.join(':')]
  })
}

describe('COMMANDS (the single executable has no commands directory to search)', () => {
  it('holds exactly the commands under src/commands, each under its oclif id', async () => {
    const dir = join(REPO_ROOT, 'src/commands')
    const ids = commandIds(dir).sort()
    expect(Object.keys(COMMANDS).sort()).toEqual(ids)
    for (const id of ids) {
      const mod = (await import(join(dir, `${id.replaceAll(':', '/')}.ts`))) as {default: unknown}
      expect(COMMANDS[id], id).toBe(mod.default)
    }
  })
})
