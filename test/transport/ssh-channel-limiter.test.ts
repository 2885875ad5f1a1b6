import {describe, expect, it} from 'vitest'
import {ChannelLimiter} from '../../src/transport/ssh/channel-limiter.js'

class Refused extends Error {}
const isRefusal = (e: unknown) => e instanceof Refused
const tick = () => new Promise((r) => setTimeout(r, 5))

describe('ChannelLimiter', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const l = new ChannelLimiter(3)
    let open = 0
    let peak = 0
    const results = await Promise.all(
      Array.from({length: 12}, (_, i) =>
        l.run(async () => {
          peak = Math.max(peak, ++open)
          await tick()
          open--
          return i
        }, isRefusal),
      ),
    )
    expect(results).toEqual(Array.from({length: 12}, (_, i) => i))
    expect(peak).toBe(3)
    expect(l.active).toBe(0)
  })

  it('learns a lower server limit from refusals while others are open', async () => {
    const l = new ChannelLimiter(4)
    const serverMax = 2
    let open = 0
    const results = await Promise.all(
      Array.from({length: 10}, (_, i) =>
        l.run(async () => {
          if (open >= serverMax) throw new Refused('open failed')
          open++
          await tick()
          open--
          return i
        }, isRefusal),
      ),
    )
    expect(results).toHaveLength(10)
    expect(l.limit).toBe(2)
  })

  it('a reserved channel (sftp) leaves one less for execs, never zero', async () => {
    const l = new ChannelLimiter(2)
    l.reserve(1)
    let open = 0
    let peak = 0
    await Promise.all(Array.from({length: 4}, () => l.run(async () => {
      peak = Math.max(peak, ++open)
      await tick()
      open--
    }, isRefusal)))
    expect(peak).toBe(1)
    l.reserve(5)
    await expect(l.run(async () => 'still runs', isRefusal)).resolves.toBe('still runs')
  })

  it('retries a refusal with nothing else open a few times (sshd still reaping), then gives up', async () => {
    const l = new ChannelLimiter(4)
    let calls = 0
    await expect(l.run(async () => (++calls < 3 ? Promise.reject(new Refused('x')) : 'ok'), isRefusal)).resolves.toBe('ok')
    calls = 0
    await expect(l.run(async () => { calls++; throw new Refused('always') }, isRefusal)).rejects.toThrow('always')
    expect(calls).toBe(4)
  })

  it('other errors pass straight through and free the slot', async () => {
    const l = new ChannelLimiter(1)
    await expect(l.run(async () => { throw new Error('boom') }, isRefusal)).rejects.toThrow('boom')
    expect(l.active).toBe(0)
    await expect(l.run(async () => 1, isRefusal)).resolves.toBe(1)
    expect(() => new ChannelLimiter(0)).toThrow(RangeError)
  })
})
