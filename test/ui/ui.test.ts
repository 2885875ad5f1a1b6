import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {createHostProgress} from '../../src/ui/host-progress.js'
import {pickProgressMode} from '../../src/ui/renderer.js'
import {formatKiB, renderTable} from '../../src/ui/table.js'

describe('pickProgressMode', () => {
  it('silent for --json, live on a TTY, plain lines otherwise', () => {
    expect(pickProgressMode({json: true, isTTY: true})).toBe('silent')
    expect(pickProgressMode({isTTY: true, term: 'xterm'})).toBe('default')
    expect(pickProgressMode({isTTY: true, term: 'dumb'})).toBe('plain')
    expect(pickProgressMode({isTTY: false})).toBe('plain')
  })
})

describe('renderTable / formatKiB', () => {
  it('pads columns and leaves no trailing spaces', () => {
    expect(renderTable(['A', 'BB', 'C'], [['xxx', '', 'z'], ['y', 'long', '']])).toBe('A    BB    C\nxxx        z\ny    long\n')
    expect(formatKiB(524288)).toBe('512M')
    expect(formatKiB(1572864)).toBe('1.5G')
  })
})

describe('createHostProgress (plain)', () => {
  it('writes host lines (titles, done, failed) to the given stream only', async () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream
    let text = ''
    ;(stream as unknown as PassThrough).on('data', (b: Buffer) => (text += b.toString()))
    const p = createHostProgress(['a', 'b'], 'plain', stream)
    p.start('a', 'facts')
    p.update('a', 'reading 3 configs')
    p.done('a', '3 domains')
    p.start('b')
    p.fail('b', 'connection refused')
    await p.finish()
    expect(text).toMatch(/a: reading 3 configs/)
    expect(text).toMatch(/a: 3 domains/)
    expect(text).toMatch(/b: connection refused|b: failed/)
  })
})
