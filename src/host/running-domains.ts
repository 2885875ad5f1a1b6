import type {ExecResult} from '../transport/transport.js'

/** A domain the running toolstack lists (`xm list` / `xl list`), Domain-0 excluded. */
export interface RunningDomain {
  readonly name: string
  readonly id: number
  readonly memoryMiB: number
  readonly vcpus: number
  /** The six-letter xm/xl state (`r-----`, `-b----`, `--p---`). */
  readonly state: string
}

/**
 * What runs on a dom0 now outside libvirt, or why that could not be told. `error` is never
 * "none running": a login that may not run `xm list` (not root, no --sudo) must not make the
 * MIG-LIVE gate pass.
 */
export interface RunningList {
  readonly running: RunningDomain[]
  /** Set when no toolstack could list the domains: every probe's failure, in words. */
  readonly error?: string
  /** `xm list` answered (xend runs). */
  readonly xm: boolean
}

/** Runs one probe; undefined when it timed out (the caller notes that). */
export type Probe = (argv: string[]) => Promise<ExecResult | undefined>

/**
 * The domains running now: xend's `xm list`, else the hypervisor's `xl list` minus the domains
 * libvirt's libxl driver runs (those are already moved, not a live move to plan). When neither
 * answers the list is unknown, with why.
 */
export async function listRunning(run: Probe): Promise<RunningList> {
  const xmList = await run(['xm', 'list'])
  if (xmList?.exitCode === 0) return {running: parseXmList(xmList.stdout), xm: true}
  const xlList = await run(['xl', 'list'])
  if (xlList?.exitCode !== 0) {
    return {running: [], xm: false, error: `could not list the running domains: ${failure('xm list', xmList)}; ${failure('xl list', xlList)}`}
  }
  const running = parseXmList(xlList.stdout)
  if (running.length === 0) return {running, xm: false}
  const byLibvirt = await run(['virsh', '-c', 'xen:///system', 'list', '--name'])
  const managed = new Set(byLibvirt?.exitCode === 0 ? byLibvirt.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [])
  return {running: running.filter((d) => !managed.has(d.name)), xm: false}
}

function failure(what: string, r: ExecResult | undefined): string {
  if (r === undefined) return `\`${what}\` timed out`
  if (r.exitCode === 127) return `\`${what}\`: command not found`
  const line = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean).at(0)
  return `\`${what}\` failed (exit ${r.exitCode}${line !== undefined ? `: ${line}` : ''})`
}

/** `xm list` / `xl list` table: Name ID Mem VCPUs State Time(s); Domain-0 left out. */
export function parseXmList(text: string): RunningDomain[] {
  const out: RunningDomain[] = []
  for (const line of text.split('\n').slice(1)) {
    // Names may contain spaces; the five right-hand columns never do.
    const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-rbpscd]{6})\s+([\d.]+)\s*$/.exec(line)
    if (!m || m[1] === 'Domain-0') continue
    out.push({name: (m[1] as string).trim(), id: Number(m[2]), memoryMiB: Number(m[3]), vcpus: Number(m[4]), state: m[5] as string})
  }
  return out
}
