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

describe('renderScan', () => {
  it('lists failed hosts, domains, unreadable files and probe notes', async () => {
    const {renderScan} = await import('../../src/ui/scan-table.js')
    const text = renderScan([
      {host: 'a', ok: false, error: 'connect ECONNREFUSED', domains: [], skipped: [], errors: []},
      {
        host: 'b',
        ok: true,
        facts: {running: [], notes: ['`virsh --version` timed out'], toolstack: {xendRunning: true, xm: true, xl: true, inUse: 'xend'}},
        domains: [
          {
            name: 'web01',
            kind: 'pv',
            memoryKiB: 524288,
            maxMemoryKiB: 524288,
            vcpus: 1,
            disks: ['xvda=/dev/vg/web01'],
            interfaces: [],
            source: '/etc/xen/web01',
            format: 'xm',
            role: 'etc-xen',
            autostart: true,
            state: 'running',
            findings: {blocker: 1, warning: 2, info: 0},
            diagnostics: [],
          },
        ],
        skipped: [],
        errors: [{path: '/etc/xen/broken', message: 'syntax error'}],
      },
    ])
    expect(text).toMatch(/^a +- +- +- +- +- +FAILED: connect ECONNREFUSED$/m)
    expect(text).toMatch(/^web01 +b +- +PV +512M +1 +1 +0 +running \(auto\) +1 blocker, 2 warning +\/etc\/xen\/web01$/m)
    expect(text).toMatch(/^b +\/etc\/xen\/broken +syntax error$/m)
    expect(text).toMatch(/^b +`virsh --version` timed out$/m)
  })
})
