import type {Diagnostic} from './diagnostic.js'
import type {Domain} from './domain.js'
import type {NativeConfig} from './native-config.js'
import type {SxpNode} from '../formats/sxp/sxp-node.js'
import type {LibvirtTarget} from '../formats/libvirt/target.js'

export type SourceFormat = 'sxp' | 'xm' | 'xl' | 'libvirt'

/** One domain read from an input (an SXP dump may hold several). */
export interface ReadDomain {
  readonly domain: Domain
  /** Diagnostics about this domain (conversion losses, findings the parser could see). */
  readonly diagnostics: Diagnostic[]
  /** The raw SXP `(domain …)` list this came from (SXP only). */
  readonly sxp?: SxpNode
}

/** What a format reader returns for one input text. */
export interface ReadResult {
  readonly format: SourceFormat
  readonly file?: string
  readonly domains: ReadDomain[]
  /** Entries the reader recognised and skipped on purpose (Domain-0, a non-config file). */
  readonly skipped: {readonly name?: string; readonly reason: string}[]
  /** File-level diagnostics (syntax errors, Python code). Errors here mean no domain could be read. */
  readonly diagnostics: Diagnostic[]
  /** The raw xm/xl config (xm/xl only). */
  readonly native?: NativeConfig
}

export interface ReadOptions {
  /** Shown in diagnostics. */
  readonly file?: string
  /** xm/xl without `uuid`: seed of the derived UUID (default: file path and domain name). */
  readonly uuidSeed?: string
  /** The libvirt aimed at, for reader choices that depend on the host (xl `nestedhvm = 0`: vmx or svm). */
  readonly target?: LibvirtTarget
}
