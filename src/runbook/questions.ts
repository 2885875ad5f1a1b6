import type {Finding} from '../checks/finding.js'
import type {PlanQuestion} from './plan-document.js'

/**
 * Decisions the plan cannot take alone, per rule: the finding becomes a question with choices
 * instead of a blocker. Answers come from the policy file (`answers:`), so a fleet run never
 * prompts. Each choice says what the define step does with the XML.
 */
const QUESTIONS: Readonly<Record<string, {question: (f: Finding) => string; choices: {id: string; description: string}[]}>> = {
  'DISK-SHARED': {
    question: (f) => `${f.domain}: a disk is writable by several domains (\`w!\`). Keep it shareable in libvirt?`,
    choices: [
      {id: 'keep-shareable', description: 'define it with <shareable/> (only safe with a cluster file system or a disk the guests coordinate on)'},
      {id: 'exclusive', description: 'define it without <shareable/>: libvirt refuses to run two domains on it at once'},
    ],
  },
  PVSCSI: {
    question: (f) => `${f.domain}: PVSCSI devices have no libvirt equivalent. Define the domain without them?`,
    choices: [{id: 'drop', description: 'define it without its PVSCSI devices (the guest loses those disks/tapes)'}],
  },
  'BOOT-DOMULOADER': {
    question: (f) => `${f.domain}: boots with SUSE's domUloader, which libxl does not have. Replace it by pygrub?`,
    choices: [{id: 'pygrub', description: 'boot with pygrub (reads the guest grub menu; check the guest has one)'}],
  },
}

/** Does this rule become a question instead of a blocker? */
export function isQuestionRule(rule: string): boolean {
  return rule in QUESTIONS
}

/** Answers as the policy file gives them. */
export interface PolicyAnswer {
  /** Rule id, or a full question id (`DISK-SHARED:db1`). */
  readonly question: string
  readonly answer: string
  readonly domain?: string
  readonly host?: string
}

/** The questions of one host's findings, answered from the policy where an answer matches. */
export function questionsFor(host: string, findings: readonly Finding[], answers: readonly PolicyAnswer[], source?: string): PlanQuestion[] {
  const out = new Map<string, PlanQuestion>()
  for (const f of findings) {
    const q = QUESTIONS[f.rule]
    if (!q || f.domain === undefined || f.waived) continue
    const id = `${f.rule}:${f.domain}`
    if (out.has(id)) continue
    const a = answers.find(
      (x) => (x.question === id || (x.question === f.rule && glob(x.domain, f.domain))) && glob(x.host, host) && q.choices.some((c) => c.id === x.answer),
    )
    out.set(id, {id, rule: f.rule, domain: f.domain, question: q.question(f), choices: q.choices, ...(a ? {answer: a.answer, answeredBy: source ?? 'policy'} : {})})
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
}

/** The XML a domain is defined with, after its answered questions. */
export function applyAnswers(xml: string, domain: string, questions: readonly PlanQuestion[]): string {
  let out = xml
  for (const q of questions) {
    if (q.domain !== domain || q.answer === undefined) continue
    if (q.rule === 'DISK-SHARED' && q.answer === 'exclusive') out = out.replace(/^ *<shareable\/>\n/gm, '')
    if (q.rule === 'BOOT-DOMULOADER' && q.answer === 'pygrub') out = out.replace(/<bootloader>[^<]*<\/bootloader>/, '<bootloader>/usr/bin/pygrub</bootloader>')
    // PVSCSI `drop`: the converter never writes PVSCSI devices (there is no libvirt form), so the XML is already without them.
  }
  return out
}

function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true
  if (value === undefined) return false
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value)
}
