import {hostname, homedir} from 'node:os'
import * as path from 'node:path'
import {Flags} from '@oclif/core'
import {hostSelectionFlags} from './host-flags.js'

/** `$XDG_STATE_HOME/xenlift`, else `~/.local/state/xenlift`: journals and command logs. */
export function defaultStateDir(): string {
  return path.join(process.env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state'), 'xenlift')
}

/** This machine's name in host locks and journals. */
export function controllerName(): string {
  return `${process.env.USER ?? 'root'}@${hostname()}`
}

/** How apply/rollback reach hosts (the plan says which hosts). */
export const sshFlags = {
  identity: hostSelectionFlags.identity,
  'known-hosts': hostSelectionFlags['known-hosts'],
  'accept-new-host-keys': hostSelectionFlags['accept-new-host-keys'],
  'ssh-legacy-algorithms': hostSelectionFlags['ssh-legacy-algorithms'],
}

export const stateDirFlag = Flags.string({summary: 'where journals and per-host command logs live (default $XDG_STATE_HOME/xenlift or ~/.local/state/xenlift)'})

/** `--batch 3` or `--batch 25%`. */
export function parseBatch(text: string | undefined): {count: number} | {percent: number} | undefined | 'invalid' {
  if (text === undefined) return undefined
  const m = /^(\d+)(%?)$/.exec(text.trim())
  if (!m || Number(m[1]) < 1 || (m[2] && Number(m[1]) > 100)) return 'invalid'
  return m[2] ? {percent: Number(m[1])} : {count: Number(m[1])}
}
