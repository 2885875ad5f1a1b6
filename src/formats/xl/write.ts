import type {Diagnostic} from '../../model/diagnostic.js'
import type {Domain} from '../../model/domain.js'

export interface NativeWriteResult {
  readonly text: string
  /** What the target format cannot express (rule id, message): never dropped silently. */
  readonly diagnostics: Diagnostic[]
}

/** Domain → xl config text. Placeholder until issue #5 lands. */
export function writeXl(_domain: Domain): NativeWriteResult {
  return {text: '', diagnostics: [{code: 'UNSUPPORTED', severity: 'error', message: 'xl writer not implemented yet'}]}
}
