import type {ReadOptions, ReadResult} from '../../model/read-result.js'
import {hasErrors} from '../../model/diagnostic.js'
import {parseXlConfig} from './parse.js'
import {xlToDomain} from './to-domain.js'

/**
 * Read an xl config: the syntax layer (`parseXlConfig`, xl's own grammar) then the mapping
 * (`xlToDomain`, libvirt's xenParseXL). Syntax or mapping errors → no domain, with every
 * diagnostic located in the file.
 */
export function readXl(text: string, opts: ReadOptions = {}): ReadResult {
  const parsed = parseXlConfig(text, opts.file !== undefined ? {file: opts.file} : {})
  const base = {format: 'xl' as const, ...(opts.file !== undefined ? {file: opts.file} : {}), skipped: [], native: parsed.config}
  if (hasErrors(parsed.diagnostics)) return {...base, domains: [], diagnostics: parsed.diagnostics}
  const mapped = xlToDomain(parsed.config, {
    ...(opts.file !== undefined ? {file: opts.file} : {}),
    ...(opts.uuidSeed !== undefined ? {uuidSeed: opts.uuidSeed} : {}),
    ...(opts.target !== undefined ? {target: opts.target} : {}),
  })
  if (!mapped.domain) return {...base, domains: [], diagnostics: [...parsed.diagnostics, ...mapped.diagnostics]}
  return {...base, domains: [{domain: mapped.domain, diagnostics: mapped.diagnostics}], diagnostics: parsed.diagnostics}
}
