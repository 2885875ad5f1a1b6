import type {ReadFile} from './rule.js'

/**
 * Everything `check` knows about one host, as plain data: the I/O that builds it lives outside
 * the pure core (`src/host/collect-local.ts`). Paths are as the user should read them: absolute
 * inside the host root (`/etc/xen/web1.cfg`) for a host tree, as given for loose files.
 */
export interface InventoryFile {
  readonly path: string
  readonly text: string
  /** Where the file was found; decides host-level rules (managed domain dir, /etc/xen, loose file). */
  readonly role: 'managed-sxp' | 'etc-xen' | 'xend-config' | 'loose'
  /** Named by the user one by one: Xen's example configs (`xmexample1`) are then read by content. */
  readonly explicit?: boolean
}

/** A link in `/etc/xen/auto` (xendomains starts what it points to at boot). */
export interface AutoLink {
  readonly path: string
  /** Resolved target path inside the host (absent when dangling). */
  readonly target?: string
}

/** A path the config mentions (disk source), probed on the host. */
export interface PathProbe {
  readonly path: string
  readonly exists: boolean
}

export interface HostInventory {
  /** Host label for reports (`localhost`, the `--root` dir, an inventory name). */
  readonly host: string
  /** True when this is a whole dom0 tree (`--root`): host-level absence checks apply. */
  readonly isHostTree: boolean
  readonly files: readonly InventoryFile[]
  /** Other files seen that are not configs but matter (`checkpoint.chk`, `/var/lib/xen/save/*`). */
  readonly otherPaths: readonly string[]
  readonly autoLinks: readonly AutoLink[]
  /** Distro network config files (`/etc/network/interfaces`, `ifcfg-*`) with their text, to know which bridges exist. */
  readonly networkConfigs: readonly {readonly path: string; readonly text: string}[]
  /** Files looked at and passed over on purpose (non-configs in /etc/xen), for FILE-NOT-CONFIG. */
  readonly skipped?: readonly {readonly path: string; readonly reason: string}[]
  /** Paths that could not be read: each becomes an `IO` finding. */
  readonly readErrors?: readonly {readonly path: string; readonly message: string}[]
  /** Names of the domains the live toolstack runs now (`xm list`); absent for a mounted tree or files. */
  readonly running?: readonly string[]
  /** Set when the live host's running domains could not be listed (why): RUNNING-UNKNOWN, never "none running". */
  readonly runningError?: string
  /** Set when the host could not be checked at all (connection refused, host key changed…). */
  readonly unreachable?: string
  /** Disk sources probed on the host; absent when the host is not known. */
  readonly probes?: readonly PathProbe[]
  /**
   * The files already read (`readInventory`) by a collector that needed them first (the disk
   * paths to probe, scan's listing, the plan's conversion): `runChecks` uses these instead of
   * parsing each file again. A file without an entry is read as `check` reads it.
   */
  readonly reads?: ReadonlyMap<InventoryFile, ReadFile>
}
