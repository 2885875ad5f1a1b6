import type {Location} from '../../model/domain.js'

/** An SXP atom: bare or quoted text, with where it stands. */
export interface SxpAtom {
  readonly kind: 'atom'
  readonly value: string
  /** How it was written: bare, `'…'` or `"…"`; `escaped` when it held a backslash escape. */
  readonly quote: 'none' | 'single' | 'double'
  readonly escaped: boolean
  readonly loc: Location
}

export interface SxpList {
  readonly kind: 'list'
  readonly items: readonly SxpNode[]
  readonly loc: Location
}

export type SxpNode = SxpAtom | SxpList
