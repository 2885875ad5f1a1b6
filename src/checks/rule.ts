import type {TargetProfile} from '../formats/target-profile.js'
import type {Domain, Location} from '../model/domain.js'
import type {NativeConfig} from '../model/native-config.js'
import type {ReadDomain, ReadResult} from '../model/read-result.js'
import type {SxpList} from '../formats/sxp/sxp-node.js'
import type {FindingSeverity} from './finding.js'
import type {HostInventory, InventoryFile} from './host-inventory.js'

/** What a per-domain rule sees: the model, the raw parse and the file it came from. */
/** What the domains are to become: libvirt-libxl (default) or plain xl configs. Some severities depend on it. */
export type CheckTarget = 'libvirt' | 'xl'

export interface DomainContext {
  readonly host: string
  readonly target: CheckTarget
  readonly file: InventoryFile
  readonly read: ReadResult
  readonly entry: ReadDomain
  readonly domain: Domain
  /** xm/xl only. */
  readonly native?: NativeConfig
  /** SXP only: the `(domain …)` / `(vm …)` list. */
  readonly sxp?: SxpList
}

/** One file of the host after reading: either read, or skipped with a reason. */
export interface ReadFile {
  readonly file: InventoryFile
  readonly read?: ReadResult
  readonly skip?: string
  /** The target profile it was read under (firmware folder, CPU vendor); absent: the assumed one. */
  readonly profile?: TargetProfile
}

/** What a per-file rule sees (syntax rules: Python in xm, duplicate keys), also when no domain could be read. */
export interface FileContext {
  readonly host: string
  readonly target: CheckTarget
  readonly file: InventoryFile
  readonly read: ReadResult
  /** The domain the file defines, for naming findings (its name, or the file's base name). */
  readonly domainName: string
}

/** What a host-level rule sees: every input of one host. */
export interface HostContext {
  readonly inventory: HostInventory
  readonly files: readonly ReadFile[]
  readonly domains: readonly DomainContext[]
}

/** What a rule returns; the engine adds rule id, remediation, host, and defaults domain/file. */
export interface RuleHit {
  readonly message: string
  /** Overrides the rule's default severity (e.g. PY-EXPR is a warning when statically evaluated). */
  readonly severity?: FindingSeverity
  readonly loc?: Partial<Location>
  readonly evidence?: string
  /** Host rules name the domain and file they are about. */
  readonly domain?: string
  readonly file?: string
}

interface RuleBase {
  /** Stable id from checklist.md; never renumbered. */
  readonly id: string
  readonly title: string
  /** Default severity. */
  readonly severity: FindingSeverity
  /** True when a finding of this rule stops the upgrade for the domain (severity blocker). */
  readonly blocker: boolean
  /** What the rule looks at, for the generated rules doc. */
  readonly detects: string
  readonly remediation: string
}

export interface DomainRule extends RuleBase {
  readonly scope: 'domain'
  check(ctx: DomainContext): readonly RuleHit[]
}

export interface HostRule extends RuleBase {
  readonly scope: 'host'
  check(ctx: HostContext): readonly RuleHit[]
}

export interface FileRule extends RuleBase {
  readonly scope: 'file'
  check(ctx: FileContext): readonly RuleHit[]
}

export type Rule = FileRule | DomainRule | HostRule
