import {readFile} from 'node:fs/promises'
import {formatDiagnostic, hasErrors} from '../model/diagnostic.js'
import {parseAnsibleIni} from './ansible-ini.js'
import type {Inventory} from './host-spec.js'
import {parsePlainList} from './plain-list.js'

/** An inventory file that cannot be used; the message lists every located error (file:line). */
export class InventoryError extends Error {
  readonly code = 'INVENTORY'
  constructor(message: string, opts?: {cause?: unknown}) {
    super(message, opts)
    this.name = 'InventoryError'
  }
}

/**
 * Ansible INI when the text has a `[section]` line or `key=value` host variables, else a plain
 * host list. Decided per file so that a plain list never needs a header.
 */
export function parseInventory(text: string, file?: string): Inventory {
  const ini = /^\s*\[[^\]]+\]\s*$/m.test(text) || /^\s*[^#;\s]+\s+\w+=/m.test(text)
  return ini ? parseAnsibleIni(text, file) : parsePlainList(text, file)
}

/** Read and parse an inventory file; throws InventoryError with all errors located. */
export async function readInventory(file: string): Promise<Inventory> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new InventoryError(`cannot read inventory ${file}: ${(error as Error).message}`, {cause: error})
  }
  const inv = parseInventory(text, file)
  if (hasErrors(inv.diagnostics)) {
    const lines = inv.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, file))
    throw new InventoryError(`inventory ${file} has errors:\n${lines.join('\n')}`)
  }
  return inv
}
