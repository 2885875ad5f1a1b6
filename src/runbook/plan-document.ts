/**
 * The upgrade plan document: what `xenlift upgrade plan` writes and `upgrade apply` executes.
 * Versioned JSON (`format` + `version`); a reader refuses another format or a newer version.
 * It is the contract other tools build on (the Ansible playbook generator reads it), so every
 * field is documented here. It never holds a VNC/SPICE password: domain XML is stored with
 * `passwd` values masked (see {@link SECRET_MASK}); `apply` re-derives the real XML from the
 * backed-up config and checks that, masked, it equals the plan's.
 */

/** `format` of every plan document. */
export const PLAN_FORMAT = 'xenlift-upgrade-plan'
/** Current `version`; bumped on any incompatible change of the shape below. */
export const PLAN_VERSION = 1
/** What a password is replaced by in the plan's XML: the one masker's mask (model/redact.ts). */
export {SECRET_MASK} from '../model/redact.js'

/** The whole plan: one entry per selected host, sorted by host name. */
export interface PlanDocument {
  readonly format: typeof PLAN_FORMAT
  readonly version: typeof PLAN_VERSION
  /** Random id of this plan: names the backup files on each host and on the controller. */
  readonly planId: string
  /** ISO 8601 time of planning (informative only; staleness is decided by fingerprints). */
  readonly createdAt: string
  /** xenlift version that wrote the plan. */
  readonly xenliftVersion: string
  /** The policy file whose waivers and answers were applied, with its sha256. */
  readonly policy?: {readonly source: string; readonly sha256: string}
  readonly hosts: readonly HostPlan[]
  readonly summary: {readonly hosts: number; readonly ready: number; readonly blocked: number; readonly unreachable: number}
}

/**
 * How to reach a host again at apply time: the same target `scan`/`check` used. `root` is
 * where the dom0 tree lives on the host (`xenlift_root`, normally absent = `/`): every host path
 * in the plan's commands is already prefixed with it.
 */
export type PlanConnection =
  | {readonly kind: 'local'; readonly root?: string}
  | {
      readonly kind: 'ssh'
      /** Address to connect to (inventory `ansible_host`, or the --host text's host part). */
      readonly hostname: string
      readonly port?: number
      readonly user?: string
      readonly root?: string
    }

/** `ready`: apply may run; `blocked`: unwaived blockers or unanswered questions; `unreachable`: no plan could be made. */
export type HostStatus = 'ready' | 'blocked' | 'unreachable'

export interface HostPlan {
  /** Inventory name (or the --host text). */
  readonly host: string
  readonly connection: PlanConnection
  readonly status: HostStatus
  /** Why the host is unreachable (connection refused, host key unknown, …). */
  readonly error?: string
  readonly facts?: FactsSummary
  /** Present for reachable hosts: apply refuses the host when it changed. */
  readonly fingerprint?: Fingerprint
  /** The libvirt version the domain XML is written for (the version the strategy installs). */
  readonly targetLibvirtVersion?: string
  /** The strategy plugin that claimed the host; absent = blocker `NO-STRATEGY`. */
  readonly strategy?: PlanStrategy
  /** Every unwaived blocker (shown, never hidden); waived ones carry `waived`. Any unwaived one blocks the host. */
  readonly blockers: readonly PlanBlocker[]
  /** Blockers the upgrade itself removes (a running domain: the shutdown step stops it first). */
  readonly resolvedBlockers: readonly ResolvedBlocker[]
  /** Decisions a person must make; an unanswered one blocks the host. */
  readonly questions: readonly PlanQuestion[]
  /** The first step after which `rollback` can no longer restore xend; absent = always reversible. */
  readonly pointOfNoReturn?: {readonly step: StepId; readonly reason: string}
  readonly domains: readonly PlanDomain[]
  /** Every step in order, each with every remote action it performs. */
  readonly steps: readonly PlanStep[]
}

export interface FactsSummary {
  readonly os?: {readonly id: string; readonly versionId?: string; readonly prettyName: string}
  /** `4.4.4_02-32.1` */
  readonly xenVersion?: string
  /** Which toolstack manages domains now. */
  readonly toolstack: 'xend' | 'libvirt' | 'xl' | 'none'
  readonly xendRunning: boolean
  /** The installed libvirt, if any, and whether its libxl driver answers. */
  readonly libvirt?: {readonly version: string; readonly libxl: boolean}
  /** Names of the domains running now (besides Domain-0). */
  readonly running: readonly string[]
}

/**
 * The host's state at planning time. `sha256` is over the canonical JSON of `inputs`; apply
 * recomputes the inputs on the host and refuses the host if the hash differs ("plan is stale").
 */
export interface Fingerprint {
  readonly sha256: string
  readonly inputs: FingerprintInputs
}

export interface FingerprintInputs {
  /** `/var/lib/xend/domains`: sha256 over every file's path, size and content, and the file count. */
  readonly xendDomains: TreeDigest
  /** `/etc/xen`, the same way (symlinks by target). */
  readonly etcXen: TreeDigest
  /** The toolstack setting files (`/etc/default/xen`, `/etc/sysconfig/xend*`): path → sha256, absent files left out. */
  readonly toolstackSetting: Readonly<Record<string, string>>
  /** Installed packages the upgrade touches or depends on: name → version (strategy's list). */
  readonly packages: Readonly<Record<string, string>>
  /** Domains libvirt's libxl driver defines now: `name uuid` lines, sorted; empty when libvirt does not answer. */
  readonly libvirtDomains: readonly string[]
}

export interface TreeDigest {
  readonly path: string
  readonly sha256: string
  readonly files: number
  /** Total size of the files, bytes (the backup's free-space check uses it). */
  readonly bytes: number
}

export interface PlanStrategy {
  /** Stable id (`debian-apt`, `suse-zypper`). */
  readonly id: string
  /** The plugin (npm package) it came from. */
  readonly plugin: string
  readonly description: string
  /** Packages it installs for libvirt's libxl driver. */
  readonly packages: readonly string[]
  /** The file that selects the toolstack, and the line it sets. */
  readonly toolstackSetting?: {readonly path: string; readonly line: string}
}

/** A check finding (or plan-level problem) that stops the host. */
export interface PlanBlocker {
  /** Rule id of `xenlift check` (`PY-IMPORT`, `DISK-SHARED`, …) or a plan rule (`NO-STRATEGY`, `QUESTION-UNANSWERED`). */
  readonly rule: string
  readonly message: string
  readonly domain?: string
  readonly file?: string
  readonly line?: number
  readonly column?: number
  readonly remediation?: string
  /** Waived by the policy or --ignore: shown, does not block. */
  readonly waived?: {readonly reason: string; readonly by?: string}
}

export interface ResolvedBlocker {
  readonly rule: string
  readonly domain?: string
  readonly message: string
  /** The step that resolves it. */
  readonly resolvedBy: StepId
  /** In words: "shut down with `xm shutdown -w` before the switch; started again with --start". */
  readonly how: string
}

/** A decision the plan cannot take alone. Answers come from the policy file's `answers:` list. */
export interface PlanQuestion {
  /** `DISK-SHARED:db1:xvdb`: rule, domain and the item it is about. */
  readonly id: string
  readonly rule: string
  readonly domain: string
  readonly question: string
  readonly choices: readonly {readonly id: string; readonly description: string}[]
  /** The chosen choice id; absent = unanswered (blocks the host). */
  readonly answer?: string
  /** Where the answer came from (`policy.yaml`). */
  readonly answeredBy?: string
}

/** One domain as it is now and as it will be defined. */
export interface PlanDomain {
  readonly name: string
  readonly uuid?: string
  /** Host path of the config it is converted from (`xm list -l NAME` for a runtime-only domain). */
  readonly source: string
  readonly sourceFormat: string
  /** `pv` / `hvm` / … */
  readonly kind: string
  /** Running now: the shutdown step stops it. */
  readonly running: boolean
  /** Started at boot under xend (/etc/xen/auto, on_xend_start). */
  readonly autostart: boolean
  /** Position in the shutdown order (0 first): /etc/xen/auto domains first, then by name. Running domains only. */
  readonly shutdownOrder?: number
  /** Position in the start order (0 first) after the upgrade: the old boot order, /etc/xen/auto first. */
  readonly startOrder?: number
  /** Not upgraded, with why (duplicate of another config, blocked). Its config stays in the backup. */
  readonly skip?: string
  /** The libvirt XML to define, passwords masked as `passwd='***'`. Absent when skipped. */
  readonly xml?: string
  /** sha256 of `xml` (masked). */
  readonly xmlSha256?: string
  /** The XML carries a masked password: apply re-derives it from the backed-up config. */
  readonly hasSecrets: boolean
  /** What verify compares after the upgrade. */
  readonly record: DomainRecord
}

/** The identity of a domain that must survive the upgrade unchanged. */
export interface DomainRecord {
  readonly name: string
  readonly uuid?: string
  readonly memoryKiB: number
  readonly vcpus: number
  /** `target=source` per disk, in order. */
  readonly disks: readonly string[]
  /** `mac@bridge` per NIC, in order (MAC lower case). */
  readonly nics: readonly string[]
}

/** Step ids, in the order they run. */
export const STEP_IDS = ['preflight', 'backup', 'shutdown', 'dump', 'switch', 'restart', 'define', 'start', 'verify'] as const
export type StepId = (typeof STEP_IDS)[number]

export interface PlanStep {
  readonly id: StepId
  readonly title: string
  /** Every remote action, in order. */
  readonly actions: readonly PlanAction[]
  /** Skipped at apply unless this flag is given (`start` needs `--start`). */
  readonly onlyWith?: string
}

/**
 * One remote action. `exec`: a command, argv exactly as run (quoted by the transport, never
 * joined into a shell line); `write`: a file written atomically (temp file + rename) with its
 * mode; `fetch`: a file copied from the host to the controller; `remove`: a file removed.
 * `when` says under which condition an action runs (`running`, `on timeout with --on-timeout destroy`).
 */
export type PlanAction =
  | {readonly kind: 'exec'; readonly argv: readonly string[]; readonly stdin?: string; readonly timeoutSec?: number; readonly when?: string; readonly note?: string}
  | {readonly kind: 'write'; readonly path: string; readonly mode: string; readonly content?: string; readonly note?: string; readonly when?: string}
  | {readonly kind: 'fetch'; readonly path: string; readonly to: string; readonly note?: string}
  | {readonly kind: 'remove'; readonly path: string; readonly note?: string; readonly when?: string}
