import {createInterface} from 'node:readline/promises'

/**
 * Asks `question` on the terminal (prompt on stderr, so stdout stays the command's output) and
 * says whether the answer was yes (`y` or `yes`, any case); anything else, an empty line
 * included, is no. The caller decides whether to ask at all (`--yes`, `--json`, no TTY).
 */
export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}
