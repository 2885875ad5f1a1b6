/**
 * One part of `npm run bench`. bench/run.ts runs the sections in order and prints, first, one JSON
 * document with every section's figures (`report[name]`), then every section's lines for humans.
 * A section never throws for a slow or missing prerequisite: it says "skipped: why" instead.
 */
export interface BenchSection {
  /** Key of this section's figures in the JSON report (e.g. `core`, `commands`, `remote`). */
  readonly name: string
  run(ctx: BenchContext): Promise<BenchResult>
}

export interface BenchContext {
  /** Directory of the build being measured (ends with a slash). */
  readonly dist: URL
  /** The repository root (bin/run.js lives below it). */
  readonly repoRoot: string
  /** A scratch directory for this bench run, removed afterwards. */
  readonly tmp: string
}

export interface BenchResult {
  readonly data: Record<string, unknown>
  /** Human-readable lines; a figure with a target reads `…: 1.23x … (target <= 1.5x): MET`. */
  readonly lines: string[]
}

/** `MET` / `NOT MET` for a lower-is-better ratio. */
export function verdict(ratio: number, target: number): 'MET' | 'NOT MET' {
  return ratio <= target ? 'MET' : 'NOT MET'
}
