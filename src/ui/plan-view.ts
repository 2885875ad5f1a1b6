import type {HostPlan, PlanAction, PlanDocument} from '../runbook/plan-document.js'

/** `virsh define /tmp/x.xml`: argv shown shell-quoted where a word needs it. */
function quote(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./{}<>…-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}

export function describeAction(a: PlanAction): string {
  const when = 'when' in a && a.when ? ` (when ${a.when})` : ''
  const note = a.note ? `  # ${a.note}` : ''
  switch (a.kind) {
    case 'exec':
      return `$ ${quote(a.argv)}${when}${note}`
    case 'write':
      return `write ${a.path} (mode ${a.mode})${when}${note}`
    case 'fetch':
      return `fetch ${a.path} -> ${a.to}${note}`
    case 'remove':
      return `remove ${a.path}${when}${note}`
  }
}

function hostView(h: HostPlan): string {
  const lines: string[] = []
  const head = h.status === 'unreachable' ? `UNREACHABLE: ${h.error}` : h.status.toUpperCase()
  lines.push(`== ${h.host}: ${head}`)
  if (h.facts) {
    const f = h.facts
    lines.push(`   ${f.os?.prettyName ?? 'unknown OS'}, Xen ${f.xenVersion ?? '?'}, toolstack ${f.toolstack}${f.libvirt ? `, libvirt ${f.libvirt.version}${f.libvirt.libxl ? ' (libxl answers)' : ''}` : ''}`)
  }
  if (h.strategy) lines.push(`   strategy ${h.strategy.id} (${h.strategy.plugin}): ${h.strategy.description}; XML for libvirt ${h.targetLibvirtVersion}`)
  if (h.pointOfNoReturn) lines.push(`   point of no return: after step ${h.pointOfNoReturn.step}: ${h.pointOfNoReturn.reason}`)
  else if (h.status !== 'unreachable') lines.push('   no point of no return: rollback can restore xend after any step')
  for (const b of h.blockers) {
    const at = b.file ? ` ${b.file}${b.line !== undefined ? `:${b.line}${b.column !== undefined ? `:${b.column}` : ''}` : ''}` : ''
    lines.push(`   ${b.waived ? 'waived ' : 'BLOCKER'} [${b.rule}]${b.domain ? ` ${b.domain}:` : ''} ${b.message}${at}${b.waived ? ` (waived: ${b.waived.reason})` : ''}`)
  }
  for (const r of h.resolvedBlockers) lines.push(`   resolved [${r.rule}]${r.domain ? ` ${r.domain}` : ''}: by step ${r.resolvedBy}: ${r.how}`)
  for (const q of h.questions) {
    lines.push(`   QUESTION ${q.id}: ${q.question}`)
    for (const c of q.choices) lines.push(`     ${q.answer === c.id ? '(x)' : '( )'} ${c.id}: ${c.description}`)
    if (q.answer === undefined) lines.push(`     unanswered: add to the policy file: answers: [{question: ${q.rule}, domain: ${q.domain}, answer: ${q.choices[0]?.id}}]`)
  }
  if (h.domains.length) {
    lines.push('   domains:')
    for (const d of h.domains) {
      const bits = [d.kind, d.running ? `running (shutdown #${(d.shutdownOrder ?? 0) + 1})` : 'stopped', d.autostart ? 'autostart' : '', d.hasSecrets ? 'password (masked)' : ''].filter(Boolean)
      lines.push(`     ${d.name} ${d.uuid ?? ''} from ${d.source}: ${d.skip !== undefined ? `SKIPPED: ${d.skip}` : bits.join(', ')}`)
    }
  }
  for (const s of h.steps) {
    lines.push(`   step ${s.id}${s.onlyWith ? ` (only with ${s.onlyWith})` : ''}: ${s.title}`)
    for (const a of s.actions) lines.push(`     ${describeAction(a)}`)
  }
  return lines.join('\n')
}

/** The plan as a person reads it: per host, its state, blockers, questions, domains and steps. */
export function renderPlan(doc: PlanDocument): string {
  const s = doc.summary
  return `${doc.hosts.map(hostView).join('\n\n')}\n\nplan ${doc.planId}: ${s.hosts} hosts: ${s.ready} ready, ${s.blocked} blocked, ${s.unreachable} unreachable\n`
}
