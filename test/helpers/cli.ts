import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult {
  readonly stdout: string
  readonly stderr: string
  readonly code: number | null
}

/**
 * Run the real CLI in a child process (`bin/dev.js`: oclif from src/ through tsx), so tests see
 * exactly what a user sees: stdout, stderr and the exit code. In-process `runCommand` would leak
 * `process.exitCode` into the test runner.
 */
export function runCli(args: readonly string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; bin?: string} = {}): Promise<CliResult> {
  const bin = opts.bin ?? 'bin/dev.js'
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}/${bin}`, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({stdout, stderr, code}))
    child.stdin.end(opts.input ?? '')
  })
}
