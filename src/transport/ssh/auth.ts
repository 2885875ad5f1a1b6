/**
 * Authentication order (stack-notes §3): identity files first (options, then ssh_config
 * `IdentityFile`, else OpenSSH's default key names), then the agent (`SSH_AUTH_SOCK`), and
 * nothing else: no password or keyboard-interactive prompts in an unattended tool. Keys first
 * because an agent holding many keys can exhaust sshd's `MaxAuthTries` (6) before the right key
 * is offered, the reason OpenSSH has `IdentitiesOnly`.
 */
import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import ssh2 from 'ssh2'
import type {AgentAuthMethod, ParsedKey, PublicKeyAuthMethod} from 'ssh2'

export interface AuthPlan {
  readonly methods: (PublicKeyAuthMethod | AgentAuthMethod)[]
  /** What we tried, for the "permission denied" message. */
  readonly tried: string[]
  /** Keys we could not use (encrypted without passphrase, unreadable, unparsable). */
  readonly warnings: string[]
}

/** OpenSSH's default identities when no IdentityFile is configured (ssh(1) -i). */
export function defaultIdentityFiles(home = homedir()): string[] {
  return ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map((n) => join(home, '.ssh', n))
}

export async function planAuth(init: {
  username: string
  identityFiles: readonly string[]
  /** Files given on the command line: a missing one is worth a warning (config/default ones are skipped quietly, as ssh does). */
  explicitFiles?: readonly string[]
  agent: string | undefined
  identitiesOnly: boolean
  passphrase?: string
}): Promise<AuthPlan> {
  const methods: (PublicKeyAuthMethod | AgentAuthMethod)[] = []
  const tried: string[] = []
  const warnings: string[] = []
  for (const file of unique(init.identityFiles)) {
    let text: Buffer
    try {
      text = await readFile(file)
    } catch (err) {
      if (init.explicitFiles?.includes(file) || (err as NodeJS.ErrnoException).code !== 'ENOENT') {
        warnings.push(`identity file ${file} not readable: ${(err as Error).message}`)
      }
      continue
    }
    const parsed = ssh2.utils.parseKey(text, init.passphrase)
    const key: ParsedKey | Error | undefined = Array.isArray(parsed) ? parsed[0] : parsed
    if (key === undefined || key instanceof Error) {
      const why = key instanceof Error ? key.message : 'no key found'
      warnings.push(
        /passphrase|encrypted/i.test(why)
          ? `identity file ${file} is encrypted; load it into ssh-agent (ssh-add ${file}) to use it`
          : `identity file ${file} skipped: ${why}`,
      )
      continue
    }
    if (!key.isPrivateKey()) {
      warnings.push(`identity file ${file} holds no private key`)
      continue
    }
    methods.push({type: 'publickey', username: init.username, key})
    tried.push(file)
  }
  if (init.agent && !init.identitiesOnly) {
    methods.push({type: 'agent', username: init.username, agent: init.agent})
    tried.push(`ssh-agent (${init.agent})`)
  }
  return {methods, tried, warnings}
}

function unique(files: readonly string[]): string[] {
  return [...new Set(files)]
}
