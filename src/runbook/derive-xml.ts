import {convertText} from '../convert/convert.js'
import {targetFor} from '../formats/libvirt/target.js'
import {redactSecrets} from '../model/redact.js'
import type {PlanDomain, PlanQuestion} from './plan-document.js'
import {answersAmendment} from './questions.js'

/**
 * The XML to define for one domain, passwords included, from its config text: the same
 * conversion `convert` and `import` run (libvirt version of the plan, secrets on), with the
 * answers to the plan's questions applied to the model before the writer. Plan and apply both
 * call this, so apply can check that what it re-derives from the backed-up config is, masked,
 * exactly the plan's XML.
 */
export function deriveDomainXml(text: string, domain: Pick<PlanDomain, 'name' | 'source'>, libvirtVersion: string, questions: readonly PlanQuestion[]): string | undefined {
  const base = domain.source.slice(domain.source.lastIndexOf('/') + 1)
  const amend = answersAmendment(questions)
  const r = convertText(text, {
    file: domain.source,
    baseName: base,
    ...(domain.source.startsWith('xm list -l') ? {from: 'sxp' as const} : {}),
    target: targetFor(libvirtVersion),
    securityInfo: true,
    ...(amend ? {amend} : {}),
  })
  return r.domains.find((d) => d.name === domain.name)?.output
}

/** Re-derive and compare with the plan: the full XML, or why it cannot be trusted. */
export function rederiveChecked(text: string, domain: PlanDomain, libvirtVersion: string, questions: readonly PlanQuestion[]): {xml: string} | {error: string} {
  const xml = deriveDomainXml(text, domain, libvirtVersion, questions)
  if (xml === undefined) return {error: `${domain.source} no longer converts to a domain named ${domain.name}`}
  if (redactSecrets(xml) !== domain.xml) return {error: `the XML derived from ${domain.source} differs from the plan's; plan is stale, plan again`}
  return {xml}
}
