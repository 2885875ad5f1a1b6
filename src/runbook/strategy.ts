import type {HostFacts} from '../host/facts.js'

/**
 * An upgrade strategy: how one family of distributions swaps xend for libvirt's libxl driver.
 * Strategies live in oclif plugins (plugins/strategy-debian, plugins/strategy-suse, or a third
 * party's, installed with `xenlift plugins install`) that answer the custom oclif hook
 * {@link STRATEGY_HOOK} with one strategy or a list. Everything a strategy says is data or a pure
 * function of the host's facts, so the plan can list every command before anything runs.
 */
export interface UpgradeStrategy {
  /** Stable id shown in the plan (`debian-apt`). */
  readonly id: string
  readonly description: string
  /** Does this strategy know how to upgrade this host? The first strategy that claims a host wins. */
  claims(facts: HostFacts): boolean
  /** The libvirt version the host will run after the switch (the converter writes XML for it). */
  targetLibvirtVersion(facts: HostFacts): string
  /** Packages that bring libvirtd with its libxl driver. */
  readonly packages: readonly string[]
  /** Commands that install `packages` without prompting, in order (`apt-get update`, `apt-get install -y …`). */
  installCommands(): readonly (readonly string[])[]
  /** Lists installed packages as `name<TAB>version` lines (`dpkg-query -W …`, `rpm -qa --qf …`). */
  readonly packageQuery: readonly string[]
  /** Packages whose versions go into the plan's fingerprint (installed or not). */
  readonly fingerprintPackages: readonly string[]
  /** xend's services to stop and disable, in order (`xendomains` before `xend`). */
  readonly xendServices: readonly string[]
  /** libvirt's daemon service. */
  readonly libvirtService: string
  /** Files that select the toolstack, backed up and restored by rollback (`/etc/default/xen`). */
  readonly toolstackFiles: readonly string[]
  /** The setting the switch writes: in `path`, the `KEY=` line becomes `KEY=value`. Absent: nothing to write. */
  readonly toolstackSetting?: {readonly path: string; readonly key: string; readonly value: string}
  /**
   * When the switch removes what rollback needs (xend's packages purged and not reinstallable),
   * why: the switch step becomes the host's point of no return.
   */
  readonly removesXend?: string
}

/** A strategy with the plugin that provided it. */
export interface ProvidedStrategy {
  readonly strategy: UpgradeStrategy
  /** npm package name of the plugin (`@xenlift/strategy-debian`). */
  readonly plugin: string
}

/** The custom oclif hook strategy plugins answer: `"hooks": {"xenlift:upgrade-strategy": "./hooks/strategy.js"}`. */
export const STRATEGY_HOOK = 'xenlift:upgrade-strategy'

/** The first strategy that claims the host (plugins are asked in load order), or undefined. */
export function pickStrategy(strategies: readonly ProvidedStrategy[], facts: HostFacts): ProvidedStrategy | undefined {
  for (const s of strategies) {
    try {
      if (s.strategy.claims(facts)) return s
    } catch {
      // A plugin that throws claims nothing; the host then shows NO-STRATEGY.
    }
  }
  return undefined
}

/** Is this value shaped like a strategy (hooks are third-party code)? */
export function isUpgradeStrategy(v: unknown): v is UpgradeStrategy {
  const s = v as Partial<UpgradeStrategy> | null
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    typeof s.claims === 'function' &&
    typeof s.targetLibvirtVersion === 'function' &&
    typeof s.installCommands === 'function' &&
    Array.isArray(s.packages) &&
    Array.isArray(s.packageQuery) &&
    Array.isArray(s.xendServices) &&
    typeof s.libvirtService === 'string' &&
    Array.isArray(s.toolstackFiles)
  )
}
