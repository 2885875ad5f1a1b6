/**
 * Read the snapshot script's framed stream (the record grammar is in snapshot-script.ts) back
 * into a `HostSnapshot`. Undefined when the stream is not complete and well formed: the caller
 * then reads the host file by file rather than trust half a snapshot.
 */
import type {HostSnapshot, ProbeOutcome, SnapshotEntry, SnapshotErrorCode} from './snapshot.js'

const TYPES: Record<string, SnapshotEntry['type']> = {f: 'file', d: 'directory', l: 'symlink', o: 'other'}
const CODES = new Set<string>(['ENOENT', 'EACCES', 'EIO'])

class Malformed extends Error {}

export function parseSnapshot(text: string, probeCount: number): HostSnapshot | undefined {
  try {
    return parse(text, probeCount)
  } catch (error) {
    if (error instanceof Malformed) return undefined
    throw error
  }
}

function parse(s: string, probeCount: number): HostSnapshot {
  const entries = new Map<string, SnapshotEntry>()
  const listed = new Set<string>()
  const probes: ProbeOutcome[] = Array.from({length: probeCount}, () => undefined)
  let hasTimeout = false
  let pos = 0
  const upTo = (sep: string): string => {
    const end = s.indexOf(sep, pos)
    if (end < 0) throw new Malformed(`no ${JSON.stringify(sep)} after offset ${pos}`)
    const v = s.slice(pos, end)
    pos = end + sep.length
    return v
  }
  const expect = (lit: string): void => {
    if (!s.startsWith(lit, pos)) throw new Malformed(`expected ${JSON.stringify(lit)} at offset ${pos}`)
    pos += lit.length
  }
  // od lines hold only hex digits, spaces and newlines, so the first '.' ends the block.
  const hex = (): Buffer => {
    const block = upTo('.\n')
    if (!/^[0-9a-f\s]*$/.test(block)) throw new Malformed(`bad hex block before offset ${pos}`)
    return Buffer.from(block.replace(/\s+/g, ''), 'hex')
  }
  // What C and P records announced: the next B record carries their bytes, in order.
  let awaiting: {size: number; take: (bytes: Buffer) => void}[] = []
  const update = (path: string, patch: Partial<SnapshotEntry>): void => {
    const old = entries.get(path) ?? {type: 'other', size: 0}
    entries.set(path, {...old, ...patch})
  }
  for (;;) {
    const tag = s[pos]
    if (tag === 'Z') {
      expect('Z\n')
      if (pos !== s.length) throw new Malformed('data after the end record')
      if (awaiting.length > 0) throw new Malformed('contents announced but never sent')
      break
    }
    if (tag === 'B') {
      expect('B\n')
      const bytes = hex()
      const announced = awaiting.reduce((n, a) => n + a.size, 0)
      // A file that grew or shrank between its stat and its read: no way to tell which one.
      if (bytes.length !== announced) throw new Malformed(`contents of ${bytes.length} bytes for ${announced} announced`)
      let at = 0
      for (const a of awaiting) {
        a.take(bytes.subarray(at, at + a.size))
        at += a.size
      }
      awaiting = []
      continue
    }
    if (tag === 'H' || tag === 'P') {
      const [, a, b, c, d, untimed] = upTo('\n').split(' ')
      if (tag === 'H') {
        hasTimeout = a === '1'
        continue
      }
      const i = Number(a)
      if (!Number.isInteger(i) || i < 0 || i >= probeCount) throw new Malformed(`bad probe index ${a}`)
      if (b === 'skip') continue
      const exitCode = Number(b)
      const [errBytes, outBytes] = [Number(c), Number(d)]
      if (!Number.isInteger(exitCode) || !Number.isInteger(errBytes) || !Number.isInteger(outBytes) || errBytes < 0 || outBytes < 0) {
        throw new Malformed(`bad probe record ${a} ${b} ${c} ${d}`)
      }
      let stderr = ''
      awaiting.push({
        size: errBytes,
        take(bytes) {
          stderr = bytes.toString('utf8')
        },
      })
      awaiting.push({
        size: outBytes,
        take(bytes) {
          const stdout = bytes.toString('utf8')
          // coreutils timeout(1) exits 124 when it had to stop the command (a quick probe ran without it).
          probes[i] = hasTimeout && untimed !== 'u' && exitCode === 124 ? 'timeout' : {stdout, stderr, exitCode}
        },
      })
      continue
    }
    expect(`${tag}\0`)
    const path = upTo('\0')
    if (!path.startsWith('/')) throw new Malformed(`relative path ${JSON.stringify(path)}`)
    switch (tag) {
      case 'F': {
        const [t, size] = upTo('\n').split(' ')
        const type = TYPES[t ?? '']
        if (type === undefined) throw new Malformed(`bad type ${t}`)
        update(path, {type, size: Number(size) || 0})
        break
      }
      case 'T': {
        const target = upTo('\0')
        expect('\n')
        if (target !== '') update(path, {target})
        break
      }
      case 'L':
        expect('\n')
        listed.add(path)
        break
      case 'C': {
        const size = upTo('\n')
        if (!/^\d+$/.test(size)) throw new Malformed(`bad content size ${JSON.stringify(size)}`)
        awaiting.push({size: Number(size), take: (content) => update(path, {content})})
        break
      }
      case 'E': {
        const [op, code] = upTo('\n').split(' ')
        if (!CODES.has(code ?? '')) throw new Malformed(`bad error code ${code}`)
        update(path, op === 'list' ? {listError: code as SnapshotErrorCode} : {readError: code as SnapshotErrorCode})
        break
      }
      default:
        throw new Malformed(`unknown record ${JSON.stringify(tag)} at offset ${pos}`)
    }
  }
  return {entries, listed, probes}
}
