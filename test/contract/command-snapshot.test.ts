import {describe, expect, it} from 'vitest'
import {liveCommandSnapshot, readCommandSnapshot} from '../../scripts/command-snapshot.mjs'

type Snapshot = Record<string, Record<string, unknown>>

/** One line per command/flag that was added, removed or changed. */
function differences(saved: Snapshot, live: Snapshot): string[] {
  const lines: string[] = []
  for (const id of new Set([...Object.keys(saved), ...Object.keys(live)])) {
    const a = saved[id]
    const b = live[id]
    if (!a || !b) {
      lines.push(`${a ? '-' : '+'} command ${id}`)
      continue
    }
    for (const flag of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = JSON.stringify(a[flag])
      const y = JSON.stringify(b[flag])
      if (x !== y) lines.push(`~ ${id} --${flag}: ${x ?? '(none)'} -> ${y ?? '(none)'}`)
    }
  }
  return lines
}

describe('command-snapshot.json: the flags contract (built commands)', () => {
  it('matches every command and flag the CLI has', async () => {
    const diff = differences((await readCommandSnapshot()) as Snapshot, (await liveCommandSnapshot()) as Snapshot)
    expect(diff, `flags differ from command-snapshot.json:\n${diff.join('\n')}\nIf intended, run: npm run contract:update (and commit the file)`).toEqual([])
  })

  it('the diff names an added, a removed and a changed flag', () => {
    const saved: Snapshot = {scan: {host: {type: 'option'}, old: {type: 'boolean'}}}
    const live: Snapshot = {scan: {host: {type: 'option', multiple: true}, new: {type: 'boolean'}}, extra: {}}
    expect(differences(saved, live).sort()).toEqual(
      ['+ command extra', '~ scan --host: {"type":"option"} -> {"type":"option","multiple":true}', '~ scan --new: (none) -> {"type":"boolean"}', '~ scan --old: {"type":"boolean"} -> (none)'].sort(),
    )
  })
})
