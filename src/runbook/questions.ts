import type {Finding} from '../checks/finding.js'
import type {Domain} from '../model/domain.js'
import type {PlanQuestion} from './plan-document.js'

const PYGRUB = '/usr/bin/pygrub'

/**
 * Decisions the plan cannot take alone, per rule: the finding becomes a question with choices
 * instead of a blocker. Answers come from the policy file (`answers:`), so a fleet run never
 * prompts. Each choice says what the defined domain becomes (answeredDomain applies it to the model).
 */
const QUESTIONS: Readonly<Record<string, {question: (f: Finding) => string; choices: {id: string; description: string}[]}>> = {
  'DISK-SHARED': {
    question: (f) => `${f.domain}: a disk is writable by several domains (\`w!\`). Keep it shareable in libvirt?`,
    choices: [
      {id: 'keep-shareable', description: 'define it with <shareable/> (only safe with a cluster file system or a disk the guests coordinate on)'},
      {id: 'exclusive', description: 'define it without <shareable/>: a disk for one domain at a time'},
    ],
  },
  PVSCSI: {
    question: (f) => `${f.domain}: PVSCSI devices have no libvirt equivalent. Define the domain without them?`,
    choices: [{id: 'drop', description: 'define it without its PVSCSI devices (the guest loses those disks/tapes)'}],
  },
  'BOOT-DOMULOADER': {
    question: (f) => `${f.domain}: boots with SUSE's domUloader, which libxl does not have. Replace it by pygrub?`,
    choices: [{id: 'pygrub', description: `boot with ${PYGRUB} (reads the guest grub menu and boots its default entry; domUloader's arguments are dropped; check the guest has a menu)`}],
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

/** The SXP reader keeps PVSCSI under this path, the xm/xl readers under `vscsi` (format-extra.ts). */
const PVSCSI_EXTRA = ['vscsi', 'device/vscsi']

/**
 * A domain as its answered questions define it: a change of the model, made before libvirt's
 * defaults and the writer (convertText's `amend`), so the XML apply defines is the converter's
 * own output for the decided domain. Pure; returns the input itself when nothing applies.
 */
export function answeredDomain(domain: Domain, questions: readonly PlanQuestion[]): Domain {
  let out = domain
  for (const q of questions) {
    if (q.domain !== domain.name || q.answer === undefined) continue
    if (q.rule === 'DISK-SHARED' && q.answer === 'exclusive') {
      out = {...out, devices: {...out.devices, disks: out.devices.disks.map(({shareable, ...d}) => d)}}
    }
    if (q.rule === 'BOOT-DOMULOADER' && q.answer === 'pygrub') {
      // domUloader's arguments (`--entry=xvda2:/boot/vmlinuz,/boot/initrd`) mean nothing to pygrub.
      const {bootloaderArgs, ...os} = out.os
      out = {...out, os: {...os, bootloader: PYGRUB}}
    }
    if (q.rule === 'PVSCSI' && q.answer === 'drop') {
      // libvirt has no PVSCSI form, so the XML never had it; the model drops it too (xl/xm writers would carry it).
      out = {...out, extra: Object.fromEntries(Object.entries(out.extra).filter(([k]) => !PVSCSI_EXTRA.includes(k)))}
    }
  }
  return out
}

/** The answers of a host's questions as convertText's `amend` (undefined when none is answered). */
export function answersAmendment(questions: readonly PlanQuestion[]): ((domain: Domain) => Domain) | undefined {
  const answered = questions.filter((q) => q.answer !== undefined)
  return answered.length === 0 ? undefined : (domain) => answeredDomain(domain, answered)
}

function glob(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true
  if (value === undefined) return false
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value)
}
