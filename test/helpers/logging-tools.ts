import {execFileSync} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'

/**
 * Stand-ins in `bin` for real tools: each start appends one line to `log`, then execs the tool
 * (the program file found on PATH, never a shell built-in of that name). Put `bin` first on PATH
 * and count the lines: the processes a script or remote command started. `withArgs`: the line
 * holds the tool and the first words of its command line (60 characters, newlines as spaces),
 * e.g. what a `timeout` runs; else just the tool's name.
 */
export async function writeLoggingTools(bin: string, tools: readonly string[], log: string, opts: {withArgs?: boolean} = {}): Promise<void> {
  await mkdir(bin, {recursive: true})
  for (const tool of tools) {
    const real = execFileSync('bash', ['-c', `type -P ${tool}`]).toString().trim()
    const line = opts.withArgs ? `a=$(printf '%s' "${tool} $*" | tr '\\n' ' '); printf '%.60s\\n' "$a" >>'${log}'` : `echo ${tool} >>'${log}'`
    await writeFile(path.join(bin, tool), `#!/bin/sh\n${line}\nexec ${real} "$@"\n`, {mode: 0o755})
  }
}
