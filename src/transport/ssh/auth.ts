/**
 * Authentication order (stack-notes §3): identity files first (options, then ssh_config
 * `IdentityFile`, else OpenSSH's default key names), then the agent (`SSH_AUTH_SOCK`), and
 * nothing else: no password or keyboard-interactive prompts in an unattended tool. Keys first
 * because an agent holding many keys can exhaust sshd's `MaxAuthTries` (6) before the right key
 * is offered, the reason OpenSSH has `IdentitiesOnly`.
 *
 * An encrypted key: with an agent, the agent is used for it (where `ssh-add` put it); without
 * one, its passphrase is asked on the terminal (`askPassphrase`, given only when there is one);
 * else the key is `locked` and the message names the file and both ways out.
 */
import {createHash} from 'node:crypto'
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
  /** Encrypted keys neither the agent nor a passphrase could unlock: what to do, per key. */
  readonly locked: string[]
}

/** Asks for the passphrase of an encrypted identity file (`retry`: the last one was wrong); `undefined`: none given. */
export type AskPassphrase = (file: string, retry: boolean) => Promise<string | undefined>

/** Wrong passphrases accepted per key before giving up (ssh's NumberOfPasswordPrompts default). */
const PASSPHRASE_TRIES = 3

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
  /** Only when a terminal can answer (the CLI on a TTY). */
  askPassphrase?: AskPassphrase
}): Promise<AuthPlan> {
  const methods: (PublicKeyAuthMethod | AgentAuthMethod)[] = []
  const tried: string[] = []
  const warnings: string[] = []
  const locked: string[] = []
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
    let key = parseOne(text, init.passphrase)
    if (key instanceof Error && isEncrypted(key)) {
      // The agent is offered anyway (below): ssh-add put the key there. Quietly, as ssh does.
      if (init.agent && !init.identitiesOnly) continue
      if (init.askPassphrase) key = await unlockOnce(file, text, init.askPassphrase)
      if (key instanceof Error && isEncrypted(key)) {
        const why = init.askPassphrase
          ? `identity file ${file} is encrypted and no right passphrase was given`
          : `identity file ${file} is encrypted, and there is no ssh-agent (SSH_AUTH_SOCK) and no terminal to ask for its passphrase`
        locked.push(`${why}: load it into an agent (eval "$(ssh-agent)"; ssh-add ${file}) or run on a terminal to be asked`)
        continue
      }
    }
    if (key instanceof Error) {
      warnings.push(`identity file ${file} skipped: ${key.message}`)
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
  return {methods, tried, warnings, locked}
}

function parseOne(text: Buffer, passphrase: string | undefined): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(text, passphrase)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  return key ?? new Error('no key found')
}

function isEncrypted(err: Error): boolean {
  return /passphrase|encrypted|bad decrypt/i.test(err.message)
}

/**
 * Encrypted keys opened in this process, by file and content. Opening one costs ~1 s of CPU
 * (bcrypt-pbkdf in JavaScript), and every host connection plans its authentication afresh:
 * a fleet of 100 hosts spent 100 s deriving the same key. The first connection asks and opens
 * it; the others (also those that start while it is being asked for) share the result. The
 * passphrase itself is not kept, only the opened key, which each connection needs anyway.
 */
const opened = new Map<string, Promise<ParsedKey | Error>>()

function unlockOnce(file: string, text: Buffer, ask: AskPassphrase): Promise<ParsedKey | Error> {
  const id = `${file}\0${createHash('sha256').update(text).digest('hex')}`
  let pending = opened.get(id)
  if (pending === undefined) {
    pending = unlock(file, text, ask).then((key) => {
      // Not opened (no passphrase, three wrong ones): the next connection may ask again.
      if (key instanceof Error) opened.delete(id)
      return key
    })
    opened.set(id, pending)
  }
  return pending
}

/** Asks until the key opens (at most PASSPHRASE_TRIES times); the passphrase itself goes nowhere else. */
async function unlock(file: string, text: Buffer, ask: AskPassphrase): Promise<ParsedKey | Error> {
  let last: ParsedKey | Error = new Error('encrypted key: no passphrase given')
  for (let attempt = 0; attempt < PASSPHRASE_TRIES; attempt++) {
    const passphrase = await ask(file, attempt > 0)
    if (passphrase === undefined) return last
    last = parseOne(text, passphrase)
    if (!(last instanceof Error) || !isEncrypted(last)) return last
  }
  return last
}

function unique(files: readonly string[]): string[] {
  return [...new Set(files)]
}
