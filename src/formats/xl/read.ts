import type {ReadOptions, ReadResult} from '../../model/read-result.js'

// Placeholder until the reader lands (issue #2): says so instead of throwing.
export function readXl(_text: string, opts: ReadOptions = {}): ReadResult {
  return {
    format: 'xl',
    ...(opts.file !== undefined ? {file: opts.file} : {}),
    domains: [],
    skipped: [],
    diagnostics: [{code: 'UNSUPPORTED', severity: 'error', message: 'xl reader not implemented yet'}],
  }
}
