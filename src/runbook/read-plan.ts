import {PLAN_FORMAT, PLAN_VERSION, type PlanDocument, STEP_IDS} from './plan-document.js'

/**
 * Read a plan document: JSON of format `xenlift-upgrade-plan`, a version this xenlift knows,
 * and the fields apply relies on. Problems come back as one message (a usage error).
 */
export function parsePlanDocument(text: string, source: string): {plan: PlanDocument} | {error: string} {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    return {error: `${source}: not a plan (not JSON: ${(error as Error).message})`}
  }
  const d = doc as Partial<PlanDocument> | null
  if (d === null || typeof d !== 'object' || d.format !== PLAN_FORMAT) return {error: `${source}: not a xenlift plan (format is not "${PLAN_FORMAT}")`}
  if (d.version !== PLAN_VERSION) return {error: `${source}: plan version ${String(d.version)}, this xenlift reads version ${PLAN_VERSION}; plan again`}
  if (typeof d.planId !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(d.planId)) return {error: `${source}: planId missing or not a plain word`}
  if (!Array.isArray(d.hosts)) return {error: `${source}: "hosts" is not a list`}
  for (const [i, h] of d.hosts.entries()) {
    const where = `${source}: hosts[${i}]`
    if (typeof h?.host !== 'string' || !['ready', 'blocked', 'unreachable'].includes(h.status)) return {error: `${where}: host or status missing`}
    if (!h.connection || (h.connection.kind !== 'ssh' && h.connection.kind !== 'local')) return {error: `${where}: connection missing`}
    if (!Array.isArray(h.domains) || !Array.isArray(h.steps) || !Array.isArray(h.blockers) || !Array.isArray(h.questions)) return {error: `${where}: domains, steps, blockers or questions missing`}
    if (h.status === 'ready' && (h.fingerprint === undefined || h.strategy === undefined || h.steps.map((s: {id: string}) => s.id).join() !== STEP_IDS.join())) {
      return {error: `${where}: a ready host needs its fingerprint, strategy and every step`}
    }
  }
  return {plan: d as PlanDocument}
}
