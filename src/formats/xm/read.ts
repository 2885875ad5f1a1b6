import type {ReadOptions, ReadResult} from '../../model/read-result.js'
import {hasErrors} from '../../model/diagnostic.js'
import {parseXmConfig} from './parse.js'
import {xmToDomain} from './to-domain.js'

/**
 * Read an xm config: the syntax layer (`parseXmConfig`, never executes Python) then the
 * mapping (`xmToDomain`, libvirt's xenParseXM). Syntax errors or mapping errors → no domain,
 * with every diagnostic located in the file.
 */
export function readXm(text: string, opts: ReadOptions = {}): ReadResult {
  const parsed = parseXmConfig(text, opts.file !== undefined ? {file: opts.file} : {})
  const base = {format: 'xm' as const, ...(opts.file !== undefined ? {file: opts.file} : {}), skipped: [], native: parsed.config}
  if (hasErrors(parsed.diagnostics)) return {...base, domains: [], diagnostics: parsed.diagnostics}
  const mapped = xmToDomain(parsed.config, {
    ...(opts.file !== undefined ? {file: opts.file} : {}),
    ...(opts.uuidSeed !== undefined ? {uuidSeed: opts.uuidSeed} : {}),
    ...(opts.target !== undefined ? {target: opts.target} : {}),
  })
  if (!mapped.domain) return {...base, domains: [], diagnostics: [...parsed.diagnostics, ...mapped.diagnostics]}
  return {...base, domains: [{domain: mapped.domain, diagnostics: mapped.diagnostics}], diagnostics: parsed.diagnostics}
}
