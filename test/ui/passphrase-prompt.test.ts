import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {createPassphrasePrompt} from '../../src/ui/passphrase-prompt.js'

/** A fake terminal: what is typed goes to `input`; `output` collects what the prompt shows. */
function terminal() {
  const input = new PassThrough() as PassThrough & {isTTY: boolean; setRawMode: (raw: boolean) => void; modes: boolean[]}
  input.isTTY = true
  input.modes = []
  input.setRawMode = (raw) => void input.modes.push(raw)
  const output = new PassThrough()
  let shown = ''
  output.setEncoding('utf8').on('data', (d: string) => (shown += d))
  return {input, output, shown: () => shown}
}

const tick = () => new Promise((r) => setImmediate(r))

describe('the passphrase prompt (injected streams; the CLI test drives a real pseudo-terminal)', () => {
  it('reads a line in raw mode (no echo), shows nothing typed, and asks once per key', async () => {
    const t = terminal()
    const ask = createPassphrasePrompt(t.input, t.output)
    const first = ask('/k/id_ed25519', false)
    await tick()
    t.input.write('s3cr\u007fret\r')
    expect(await first).toBe('s3cret')
    expect(t.input.modes).toEqual([true, false])
    expect(await ask('/k/id_ed25519', false)).toBe('s3cret')
    expect(t.shown().match(/Enter passphrase for key '\/k\/id_ed25519': /g)).toHaveLength(1)
    expect(t.shown()).not.toContain('s3c')
  })

  it('one prompt at a time (hosts connect in parallel), a retry asks again, Ctrl-C interrupts', async () => {
    const t = terminal()
    let interrupted = 0
    const ask = createPassphrasePrompt(t.input, t.output, () => interrupted++)
    const a = ask('/k/a', false)
    const b = ask('/k/b', false)
    await tick()
    t.input.write('one\r')
    expect(await a).toBe('one')
    await tick()
    expect(t.shown().match(/Enter passphrase/g)).toHaveLength(2)
    t.input.write('two\n')
    expect(await b).toBe('two')
    const again = ask('/k/a', true)
    await tick()
    expect(t.shown()).toContain("Bad passphrase, try again. Enter passphrase for key '/k/a': ")
    t.input.write('\u0003')
    expect(await again).toBeUndefined()
    expect(interrupted).toBe(1)
  })
})
