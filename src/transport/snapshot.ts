import type {ExecResult} from './transport.js'

/**
 * A host snapshot: file trees and command outputs gathered in ONE round trip (`Transport.snapshot`),
 * so discovery of a dom0 with hundreds of domains costs one remote command instead of hundreds
 * of SFTP requests. `SnapshotView` (snapshot-view.ts) answers the ordinary Transport calls from
 * it, so the code that reads a host is the same whether it reads live or from a snapshot.
 */
export interface SnapshotRequest {
  readonly trees: readonly SnapshotTree[]
  /** Commands run once each, in order; their results answer later `exec` calls with the same argv. */
  readonly probes: readonly SnapshotProbe[]
  /** Files larger than this are listed with their size but their contents are not captured. */
  readonly maxFileBytes: number
  /** Per probe (coreutils `timeout` on the host, when it has one). */
  readonly timeoutMs?: number
  /** Run the probes under `sudo -n` (files are read as the login user, as SFTP reads them). */
  readonly sudo?: boolean
}

export interface SnapshotTree {
  readonly path: string
  /** Directory levels listed: 0 the path alone, 1 its entries too, 2 their entries, … */
  readonly depth: number
  /** Capture the contents of regular files (and of symlinks' targets); default true. */
  readonly contents?: boolean
  /** Directories listed as entries but not entered (e.g. /etc/xen/scripts). */
  readonly skip?: readonly string[]
  /**
   * `path` is a shell pattern (`*` and `?`, as sh expands them; no `[…]`): every existing match
   * is a tree of its own, and a path the pattern matches but the host lacks is known absent
   * (the versioned firmware dirs /usr/lib/xen-X.Y/boot/hvmloader).
   */
  readonly glob?: boolean
}

export interface SnapshotProbe {
  readonly argv: readonly string[]
  /** Run only when each named earlier probe (by index) succeeded (`ok: true`) or failed (`ok: false`). */
  readonly when?: readonly {readonly probe: number; readonly ok: boolean}[]
  /**
   * Answers from the host's own files, never waiting on a daemon, a lock or the network
   * (`virsh --version`, `modinfo`): run without timeout(1), one process fewer on the host. The
   * snapshot's local timer still bounds it.
   */
  readonly quick?: boolean
}

export type SnapshotErrorCode = 'ENOENT' | 'EACCES' | 'EIO'

export interface SnapshotEntry {
  /** lstat type. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other'
  readonly size: number
  /** Symlinks: the fully resolved path; absent when the link dangles. */
  readonly target?: string
  /** Regular files within the size limit, when contents were asked for. */
  readonly content?: Buffer
  /** Listing a directory or reading a file failed. */
  readonly listError?: SnapshotErrorCode
  readonly readError?: SnapshotErrorCode
}

/** A probe's outcome: its result, `timeout`, or undefined when its `when` condition skipped it. */
export type ProbeOutcome = ExecResult | 'timeout' | undefined

export interface HostSnapshot {
  /** By path as requested (absolute, no trailing slash), plus the resolved targets of symlinks. */
  readonly entries: ReadonlyMap<string, SnapshotEntry>
  /** Directories whose entries were listed (their children's absence is authoritative). */
  readonly listed: ReadonlySet<string>
  readonly probes: readonly ProbeOutcome[]
}
