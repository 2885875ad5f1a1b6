import {parse} from 'yaml'
import type {PolicyAnswer} from './questions.js'

/**
 * The `answers:` list of the policy file `check --policy` reads (same file as the waivers):
 * ```yaml
 * answers:
 *   - question: DISK-SHARED      # rule id, or a full question id `DISK-SHARED:db1`
 *     domain: db1                # optional; exact or `*` glob
 *     host: dom0-3               # optional
 *     answer: keep-shareable     # one of the question's choices (see `upgrade plan`)
 * ```
 */
export function parsePolicyAnswers(text: string, source: string): {answers: PolicyAnswer[]; errors: string[]} {
  let doc: unknown
  try {
    doc = parse(text)
  } catch (error) {
    return {answers: [], errors: [`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`]}
  }
  const list = (doc as {answers?: unknown} | null)?.answers
  if (list === undefined) return {answers: [], errors: []}
  if (!Array.isArray(list)) return {answers: [], errors: [`${source}: "answers" must be a list`]}
  const answers: PolicyAnswer[] = []
  const errors: string[] = []
  list.forEach((a: unknown, i) => {
    const o = (a ?? {}) as Record<string, unknown>
    const where = `${source}: answers[${i}]`
    if (typeof o.question !== 'string' || o.question === '') errors.push(`${where}: "question" is required`)
    else if (typeof o.answer !== 'string' || o.answer === '') errors.push(`${where}: "answer" is required`)
    else {
      answers.push({
        question: o.question,
        answer: o.answer,
        ...(typeof o.domain === 'string' ? {domain: o.domain} : {}),
        ...(typeof o.host === 'string' ? {host: o.host} : {}),
      })
    }
  })
  return {answers, errors}
}
