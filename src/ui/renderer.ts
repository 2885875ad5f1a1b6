/** How progress is shown: live redraw on a terminal, plain lines in logs/CI, nothing for --json. */
export type ProgressMode = 'default' | 'plain' | 'silent'

/**
 * The one picker (lint-staged's getRenderer shape): `--json` is silent so stdout stays pure JSON;
 * a TTY on stderr (where progress goes) gets the live renderer unless TERM is dumb; anything
 * else (CI, pipes, files) gets plain lines.
 */
export function pickProgressMode(opts: {json?: boolean; quiet?: boolean; isTTY?: boolean; term?: string}): ProgressMode {
  if (opts.json || opts.quiet) return 'silent'
  if (opts.isTTY && opts.term !== 'dumb') return 'default'
  return 'plain'
}
