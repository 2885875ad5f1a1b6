import {createHash} from 'node:crypto'
import {createTwoFilesPatch} from 'diff'
import {asDefinedByLibvirt} from '../formats/libvirt/define-defaults.js'
import {DEFAULT_LIBVIRT_VERSION, targetFor, type LibvirtTarget} from '../formats/libvirt/target.js'
import type {Diagnostic} from '../model/diagnostic.js'
import {redactSecrets} from '../model/redact.js'
import {parseUuid} from '../formats/xen-common/uuid.js'
import type {ExecOptions, ExecResult, Transport} from '../transport/transport.js'
import {LIBXL_URI, virshArgv, xlArgv} from './virsh-argv.js'

export {LIBXL_URI} from './virsh-argv.js'

const DEFAULT_TARGET = targetFor(DEFAULT_LIBVIRT_VERSION)

/** One converted domain to define on a host. */
export interface ImportItem {
  readonly name: string
  readonly uuid?: string
  /** The libvirt XML, with its VNC/SPICE passwords (`securityInfo`); absent when conversion failed. */
  readonly xml?: string
  /** Where it came from (host path or local file). */
  readonly source: string
  readonly diagnostics: readonly Diagnostic[]
  /**
   * The unwaived blocker findings `xenlift check` reports for this domain (`importItemsFrom`
   * gets them from `runChecks`): the one source of what stops a domain.
   */
  readonly blockers: readonly Diagnostic[]
  /** xend started it at boot (`on_xend_start start`, an /etc/xen/auto link). */
  readonly autostart?: boolean
  /** Not imported, with why (e.g. a duplicate of a config.sxp). */
  readonly skip?: string
}

/** `ok` = already defined identically; `changed` = defined or redefined (or would be, with --dry-run). */
export type ImportStatus = 'ok' | 'changed' | 'skipped' | 'failed'

/** One domain's result (the `--json` contract of `import`). */
export interface ImportOutcome {
  readonly name: string
  readonly uuid?: string
  readonly source: string
  readonly status: ImportStatus
  /** What happened or would happen: `define`, `redefine`, `unchanged`, `blocked`, `differs`, `name-clash`, `uuid-clash`, `duplicate`, `error`. */
  readonly action: string
  readonly message: string
  /** Unified diff of `virsh dumpxml --inactive` against the new XML (dry run, or when it differs), passwords masked on both sides. */
  readonly diff?: string
  /** Blocker findings that stopped the domain (or were overridden by --force). */
  readonly blockers: Diagnostic[]
  readonly forced?: boolean
  readonly started?: boolean
  /** `virsh autostart` was run (with `autostart`, for domains xend started at boot). */
  readonly autostart?: boolean
  readonly dryRun: boolean
}

export interface ImportOptions {
  readonly dryRun?: boolean
  /** Redefine a domain whose definition differs (same name and uuid). */
  readonly update?: boolean
  /** Define despite blocker findings. */
  readonly force?: boolean
  /** `virsh start` after defining (domains already running are left alone). */
  readonly start?: boolean
  /** `virsh autostart` the domains xend started at boot, as xendomains did. */
  readonly autostart?: boolean
  readonly timeoutMs?: number
  readonly sudo?: boolean
  /** The host's libvirt: what its define adds is no difference (define-defaults.ts). Default 9.0. */
  readonly target?: LibvirtTarget
}

/**
 * Define converted domains in a host's libvirt (libxl driver), idempotently:
 * - same XML already defined → `ok` (unchanged); differs with the same name and uuid →
 *   redefined only with `update`; a name held by another uuid, or our uuid held by another name,
 *   is refused (libvirt would refuse too, less clearly);
 * - blocker findings stop the domain unless `force`;
 * - the XML, VNC/SPICE passwords included, reaches `virsh define` on its stdin (`defineDomainXml`):
 *   never on a command line, never in a file;
 * - `dryRun` changes nothing and reports what would happen with a unified diff;
 * - passwords never show in an outcome: messages and diffs are masked, and the comparison with
 *   what libvirt has reads its passwords (`dumpxml --security-info`) without printing them.
 * One domain failing never stops the others.
 */
export async function importDomains(t: Transport, items: readonly ImportItem[], opts: ImportOptions = {}): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = []
  for (const item of items) {
    try {
      out.push(maskOutcome(await importOne(t, item, opts)))
    } catch (error) {
      // A lost connection ends the host (the caller sees it); anything else fails this domain only.
      if ((error as {code?: unknown}).code === 'CONNECTION_LOST') throw error
      out.push({
        name: item.name,
        ...(item.uuid !== undefined ? {uuid: item.uuid} : {}),
        source: item.source,
        status: 'failed',
        action: 'error',
        message: redactSecrets((error as Error).message),
        blockers: blockersOf(item),
        dryRun: opts.dryRun ?? false,
      })
    }
  }
  return out
}

async function importOne(t: Transport, item: ImportItem, opts: ImportOptions): Promise<ImportOutcome> {
  const dryRun = opts.dryRun ?? false
  const base = {name: item.name, ...(item.uuid !== undefined ? {uuid: item.uuid} : {}), source: item.source, dryRun}
  const blockers = blockersOf(item)
  if (item.skip !== undefined) return {...base, status: 'skipped', action: 'duplicate', message: item.skip, blockers: []}
  if (item.xml === undefined) {
    const why = item.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)
    return {...base, status: 'failed', action: 'error', message: `not converted: ${why.join('; ') || 'no XML produced'}`, blockers}
  }
  if (blockers.length > 0 && !opts.force) {
    return {
      ...base,
      status: 'skipped',
      action: 'blocked',
      message: `not defined: ${blockers.length} blocker${blockers.length > 1 ? 's' : ''} (${[...new Set(blockers.map((b) => b.code))].sort().join(', ')}); fix them or use --force`,
      blockers,
    }
  }
  const forced = blockers.length > 0 ? {forced: true} : {}
  const virsh = (sub: string, operands: string[], options: string[] = []) => t.exec(virshArgv(sub, operands, options), execOpts(opts))
  // --security-info: libvirt's copy with its passwords, so that a password carried over before is
  // no spurious difference and a changed one is a real one. Masked before anything shows it.
  const byName = await virsh('dumpxml', [item.name], ['--inactive', '--security-info'])
  const existing = byName.exitCode === 0 ? stripVirshTrailer(byName.stdout) : undefined
  if (existing === undefined && !/failed to get domain|Domain not found/i.test(byName.stderr)) {
    return {...base, status: 'failed', action: 'error', message: `virsh dumpxml ${item.name}: ${lastLine(byName)}`, blockers, ...forced}
  }
  const existingUuid = existing !== undefined ? uuidOf(existing) : undefined
  if (existing !== undefined && item.uuid !== undefined && existingUuid !== undefined && existingUuid !== item.uuid) {
    return {
      ...base,
      status: 'failed',
      action: 'name-clash',
      message: `refused: libvirt already has a domain named '${item.name}' with uuid ${existingUuid} (this config has ${item.uuid}); rename one of them or undefine the other first`,
      blockers,
      ...forced,
    }
  }
  if (existing === undefined && item.uuid !== undefined) {
    const byUuid = await virsh('domname', [item.uuid])
    const other = byUuid.exitCode === 0 ? byUuid.stdout.trim() : ''
    if (other !== '' && other !== item.name) {
      return {
        ...base,
        status: 'failed',
        action: 'uuid-clash',
        message: `refused: uuid ${item.uuid} already belongs to libvirt domain '${other}'; rename this config to '${other}' or give it a new uuid`,
        blockers,
        ...forced,
      }
    }
  }
  const xml = withImportStamp(item.xml, item.source)
  // What is defined is compared with our XML as libvirt would hold it once defined (pae, hap's
  // spelling, disk order, …), so that the diff and "unchanged" see real differences only. The
  // stamp is the one of the XML we define.
  const expected =
    existing !== undefined ? withImportStamp(asDefinedByLibvirt(item.xml, opts.target ?? DEFAULT_TARGET, existing), item.source, stampOf(xml)) : xml
  const diff = createTwoFilesPatch(
    existing !== undefined ? `${item.name} (defined)` : '/dev/null',
    `${item.name} (from ${item.source})`,
    redactSecrets(existing ?? ''),
    redactSecrets(expected),
    undefined,
    undefined,
    {context: 3},
  )
  const stamp = stampOf(xml)
  const samePasswords = existing !== undefined && passwordsOf(existing).join('\n') === passwordsOf(xml).join('\n')
  if (existing !== undefined && samePasswords && ((stamp !== undefined && stampOf(existing) === stamp) || sameDefinition(existing, expected))) {
    return withAfter({...base, status: 'ok', action: 'unchanged', message: 'already defined with this XML', blockers, ...forced}, await afterDefine(t, item, opts))
  }
  if (existing !== undefined && !opts.update) {
    return {
      ...base,
      status: 'skipped',
      action: 'differs',
      message: `defined in libvirt with a different XML${samePasswords ? '' : ' (its VNC/SPICE password differs)'}; use --update to redefine it`,
      diff,
      blockers,
      ...forced,
    }
  }
  const action = existing !== undefined ? 'redefine' : 'define'
  if (dryRun) {
    const extra = [opts.autostart && item.autostart ? 'mark it autostart' : '', opts.start ? 'start it' : ''].filter(Boolean).join(' and ')
    return {...base, status: 'changed', action, message: `would ${action} from ${item.source}${extra ? ` and ${extra}` : ''}`, diff, blockers, ...forced}
  }
  const def = await defineDomainXml(t, xml, execOpts(opts))
  if (def.exitCode !== 0) return {...base, status: 'failed', action, message: `virsh define failed: ${lastLine(def)}`, diff, blockers, ...forced}
  return withAfter(
    {...base, status: 'changed', action, message: `${action === 'define' ? 'defined' : 'redefined'} from ${item.source}`, diff, blockers, ...forced},
    await afterDefine(t, item, opts),
  )
}

/**
 * `virsh define` a domain XML that may hold VNC/SPICE passwords: the XML goes to virsh on its
 * stdin (`/dev/stdin`), so it is never on a command line (visible in `ps` and in logs) nor in a
 * file on the host (readable by others until removed, or left behind by a dropped connection).
 * For every command that defines a domain (import, xen2libvirt, the upgrade runbook).
 */
export function defineDomainXml(t: Transport, xml: string, opts: Omit<ExecOptions, 'input'> = {}): Promise<ExecResult> {
  return t.exec(['virsh', '-c', LIBXL_URI, 'define', '/dev/stdin'], {...opts, input: xml})
}

/** An outcome as it may be shown: secrets masked in its message (virsh errors quote XML). */
function maskOutcome(o: ImportOutcome): ImportOutcome {
  const message = redactSecrets(o.message)
  return message === o.message ? o : {...o, message}
}

/** The VNC/SPICE passwords of a definition, in document order (compared, never shown). */
function passwordsOf(xml: string): string[] {
  return [...xml.matchAll(/<graphics\b[^>]*?\spasswd=(?:'([^']*)'|"([^"]*)")/g)].map((m) => m[1] ?? m[2] ?? '')
}

/** The definition stands; a failed autostart/start fails the domain and says what was done. */
function withAfter(o: ImportOutcome, after: {started?: boolean; autostart?: boolean; error?: string}): ImportOutcome {
  const {error, ...done} = after
  if (error === undefined) return {...o, ...done}
  return {...o, ...done, status: 'failed', message: `${o.message}; ${error}`}
}

function blockersOf(item: ImportItem): Diagnostic[] {
  return [...item.blockers]
}

async function afterDefine(t: Transport, item: ImportItem, opts: ImportOptions): Promise<{started?: boolean; autostart?: boolean; error?: string}> {
  if (opts.dryRun) return {}
  let autostart: {autostart?: boolean} = {}
  if (opts.autostart && item.autostart) {
    const a = await t.exec(virshArgv('autostart', [item.name]), execOpts(opts))
    if (a.exitCode !== 0) return {error: `virsh autostart failed: ${lastLine(a)}`}
    autostart = {autostart: true}
  }
  try {
    return {...autostart, ...(await maybeStart(t, item, opts))}
  } catch (error) {
    if ((error as {code?: unknown}).code === 'CONNECTION_LOST') throw error
    return {...autostart, error: (error as Error).message}
  }
}

async function maybeStart(t: Transport, item: ImportItem, opts: ImportOptions): Promise<{started?: boolean}> {
  if (!opts.start) return {}
  const state = await t.exec(virshArgv('domstate', [item.name]), execOpts(opts))
  if (state.exitCode === 0 && state.stdout.trim() === 'running') return {started: false}
  // Running outside libvirt (still under xend, or `xl create`d): a second instance would write
  // the same disks. The hypervisor's list (xl) sees every domain, whoever started it.
  const xl = await t.exec(xlArgv('list', [item.name]), execOpts(opts))
  if (xl.exitCode === 0) throw new Error(`not started: '${item.name}' is already running outside libvirt (xl list shows it); shut it down there first`)
  const r = await t.exec(virshArgv('start', [item.name]), execOpts(opts))
  if (r.exitCode !== 0) throw new Error(`virsh start ${item.name}: ${lastLine(r)}`)
  return {started: true}
}

/** Namespace of the `<metadata>` stamp import leaves in each domain it defines. */
export const STAMP_NS = 'https://xenlift.dev/xmlns/import/1'

/**
 * Stamp the XML with what it was made from: `<metadata><xenlift:import sha256=… source=…/>`,
 * sha256 over the converted XML with its passwords masked (anyone who may read the definition
 * could otherwise test guesses of a short VNC password against the hash; a changed password is
 * caught by comparing passwords instead). libvirt keeps foreign-namespace metadata verbatim while it
 * rewrites the rest (adds MACs, controllers, addresses), so comparing stamps is what makes a
 * second import "unchanged" on a real libvirt, where comparing XML text would not.
 */
export function withImportStamp(xml: string, source: string, sha = createHash('sha256').update(redactSecrets(xml)).digest('hex')): string {
  if (xml.includes(STAMP_NS)) return xml
  const stamp = `  <metadata>\n    <xenlift:import xmlns:xenlift="${STAMP_NS}" sha256="${sha}" source="${escapeAttr(source)}"/>\n  </metadata>\n`
  // After <uuid> (or <name>), where libvirt itself formats <metadata>.
  const m = /^ *<uuid>[^\n]*\n/m.exec(xml) ?? /^ *<name>[^\n]*\n/m.exec(xml)
  if (!m) return xml
  const at = m.index + m[0].length
  return `${xml.slice(0, at)}${stamp}${xml.slice(at)}`
}

/** The sha256 of an import stamp in a (dumped) definition. */
export function stampOf(xml: string): string | undefined {
  return /<xenlift:import\b[^>]*\bsha256=["']([0-9a-f]{64})["']/.exec(xml)?.[1]
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
}

/**
 * Compare definitions the way a person would: ignoring indentation, blank lines, the runtime
 * `id=` of a running domain and our import stamp. What libvirt adds on define is for the caller to apply to our side
 * first (asDefinedByLibvirt).
 */
export function sameDefinition(a: string, b: string): boolean {
  const norm = (x: string) =>
    x
      .replace(/^<domain([^>]*?) id='\d+'/, '<domain$1')
      .split('\n')
      .map((l) => l.trim())
      // Our own stamp is bookkeeping, not definition: a domain defined from the same XML by
      // another tool (or before stamps) is the same domain.
      .filter((l) => l !== '' && !l.startsWith('<xenlift:import '))
      .join('\n')
      .replace(/^<metadata>\n<\/metadata>(\n|$)/m, '')
  return norm(a) === norm(b)
}

/** virsh prints an empty line after a command's output. */
function stripVirshTrailer(s: string): string {
  return s.replace(/\n\n$/, '\n')
}

function uuidOf(xml: string): string | undefined {
  const text = /<uuid>([^<]*)<\/uuid>/.exec(xml)?.[1]
  return text === undefined ? undefined : parseUuid(text)
}

function lastLine(r: ExecResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.at(-1)?.replace(/^error:\s*/, '') ?? `exit ${r.exitCode}`
}

function execOpts(opts: ImportOptions) {
  return {env: {LC_ALL: 'C'}, ...(opts.timeoutMs !== undefined ? {timeoutMs: opts.timeoutMs} : {}), ...(opts.sudo ? {sudo: true} : {})}
}
