/**
 * How `--json` results reach stdout. oclif's `logJson` runs every result through its JSON
 * colouriser (`ux.colorizeJson`), a tokenizer that re-slices the whole text once per token:
 * quadratic in the size of the output, seconds for `convert -r --json` over thousands of
 * configs, even when stdout is a file and nothing is coloured. Without a colour theme the
 * colouriser returns the text `JSON.stringify(value, null, 2)` unchanged and `console.log` adds
 * a newline; this module prints exactly those bytes directly. A test compares them with the
 * colouriser's output.
 */

/** The exact text oclif prints for a `--json` result when no colour applies. */
export function jsonResultText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/**
 * Whether oclif could colour JSON on this stdout at all. It colours only with a theme AND a
 * colour-capable stdout (supports-color: a TTY, or FORCE_COLOR set to something but false/0).
 * The start-up fast path, which loads no oclif config and so knows no theme, prints JSON
 * itself only when this is false, and hands the other cases to oclif.
 */
export function stdoutMayBeColoured(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== 'false' && force !== '0'
  return stdoutIsTTY
}
