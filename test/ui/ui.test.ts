import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {type ApplyView, createApplyView} from '../../src/ui/apply-view.js'
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

describe('createApplyView: the per-host view with steps as subtasks', () => {
  const capture = () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream
    const out = {text: ''}
    ;(stream as unknown as PassThrough).on('data', (b: Buffer) => (out.text += b.toString()))
    return {stream, out}
  }
  const run = (view: ApplyView) => {
    view.emit({type: 'host-start', host: 'a', runId: 'r1', resume: false})
    view.emit({type: 'step-start', host: 'a', step: 'preflight', title: 'preflight'})
    view.emit({type: 'step-end', host: 'a', step: 'preflight', status: 'changed', message: 'lock taken', durationMs: 1200})
    view.emit({type: 'step-start', host: 'a', step: 'backup', title: 'backup'})
    view.emit({type: 'step-end', host: 'a', step: 'backup', status: 'failed', message: 'disk full', durationMs: 10})
    view.emit({type: 'host-end', outcome: {host: 'a', status: 'failed', step: 'backup', message: 'disk full'}})
    view.emit({type: 'host-end', outcome: {host: 'b', status: 'blocked', message: 'blocked: PVSCSI'}})
    return view.finish()
  }
  const plain = (t: string) => t.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

  it('live (TTY): a task per host, its steps as subtasks with their results; a host that never started shows its outcome', async () => {
    const {stream, out} = capture()
    await run(createApplyView(['a', 'b'], 'default', stream))
    const text = plain(out.text)
    expect(text).toMatch(/preflight: changed: lock taken/)
    expect(text).toMatch(/backup: failed: disk full/)
    expect(text).toMatch(/b: blocked: blocked: PVSCSI/)
    expect(text).not.toMatch(/verify: /)
  })

  it('plain: one timestamped line per event', async () => {
    const {stream, out} = capture()
    await run(createApplyView(['a', 'b'], 'plain', stream))
    expect(out.text).toMatch(/^\S+Z a: preflight: changed: lock taken \(1\.2s\)$/m)
    expect(out.text).toMatch(/^\S+Z a: failed at backup: disk full$/m)
    expect(out.text).toMatch(/^\S+Z b: blocked: blocked: PVSCSI$/m)
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
