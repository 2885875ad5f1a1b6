import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runConvert} from '../../src/convert/run-convert.js'
import {targetFor} from '../../src/formats/libvirt/target.js'
import {REPO_ROOT} from '../helpers/cli.js'

const MAIL01 = readFileSync(join(REPO_ROOT, 'fixtures/demo-host/etc/xen/mail01'), 'utf8')
const convert = (path: string) => runConvert({paths: [path], recursive: false, from: 'auto', to: 'libvirt', target: targetFor('9.0.0'), force: false, strict: false})

describe('convert reads each input to its end', () => {
  it('a config larger than the 64 KiB read buffer converts as the same config without its padding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xenlift-read-'))
    const small = join(dir, 'mail01')
    const big = join(dir, 'mail01-big')
    writeFileSync(small, MAIL01)
    // 200 KiB of comments after the settings: the end of the file is past three buffers.
    writeFileSync(big, `${MAIL01}${'# padding padding padding padding padding padding padding padding\n'.repeat(3200)}memory = 512\n`)
    const [a, b] = [await convert(small), await convert(big)]
    expect(a.records[0]!.ok).toBe(true)
    expect(b.records[0]!.ok, JSON.stringify(b.records[0]!.diagnostics)).toBe(true)
    // The setting after the padding was read: the only difference is the memory.
    expect(b.records[0]!.xml).toMatch(/<currentMemory unit='KiB'>524288<\/currentMemory>/)
    expect(b.records[0]!.xml).not.toBe(a.records[0]!.xml)
  })

  it('refuses a file over the limit by its size, without reading it all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xenlift-read-'))
    const huge = join(dir, 'disk.img')
    writeFileSync(huge, MAIL01)
    truncateSync(huge, 65 * 1024 * 1024)
    const r = await convert(huge)
    expect(r.records[0]!.ok).toBe(false)
    expect(r.records[0]!.diagnostics.map((d) => d.message)).toEqual([`file is ${65 * 1024 * 1024} bytes, larger than any config (${64 * 1024 * 1024})`])
  })

  it('reads a named pipe to its end, across short reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xenlift-read-'))
    const fifo = join(dir, 'mail01.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const half = MAIL01.length >> 1
    writeFileSync(join(dir, 'a'), MAIL01.slice(0, half))
    writeFileSync(join(dir, 'b'), MAIL01.slice(half))
    // Two writes 300 ms apart: the reader sees the first half alone before the rest.
    const writer = spawn('sh', ['-c', `exec > '${fifo}'; cat '${join(dir, 'a')}'; sleep 0.3; cat '${join(dir, 'b')}'`])
    const r = await convert(fifo)
    await new Promise((resolve) => writer.on('close', resolve))
    expect(r.records[0]!.ok, JSON.stringify(r.records[0]!.diagnostics)).toBe(true)
    writeFileSync(join(dir, 'plain'), MAIL01)
    expect(r.records[0]!.xml).toBe((await convert(join(dir, 'plain'))).records[0]!.xml)
  })
})
