import {execFile} from 'node:child_process'
import {constants} from 'node:fs'
import {access, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {diag, type Diagnostic} from '../model/diagnostic.js'

export type XmlValidator = (xml: string, file?: string) => Promise<Diagnostic | undefined>

/** Find libvirt's `virt-xml-validate` on PATH (as execvp would); undefined when not installed. */
export async function findVirtXmlValidate(pathVar = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathVar.split(':').filter(Boolean)) {
    const candidate = join(dir, 'virt-xml-validate')
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate
  }
  return undefined
}

/**
 * A validator that runs libvirt's own `virt-xml-validate FILE domain` (the RelaxNG schema of the
 * installed libvirt) over each XML. A schema failure is an error diagnostic carrying the first
 * line of what the tool said.
 */
export function virtXmlValidator(binary: string): XmlValidator {
  return async (xml, file) => {
    const dir = await mkdtemp(join(tmpdir(), 'xenlift-validate-'))
    const path = join(dir, 'domain.xml')
    try {
      await writeFile(path, xml)
      const result = await new Promise<{code: number; out: string}>((resolve) => {
        execFile(binary, [path, 'domain'], {timeout: 30_000}, (err, stdout, stderr) => {
          const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0
          resolve({code, out: `${stderr}\n${stdout}`})
        })
      })
      if (result.code === 0) return undefined
      const reason =
        result.out
          .split('\n')
          .map((l) => l.replace(path, '<xml>').trim())
          .find((l) => l && !/validates$/.test(l)) ?? `exit ${result.code}`
      return diag('VALIDATE', 'error', `virt-xml-validate rejected the XML: ${reason}`, file !== undefined ? {file} : undefined)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }
}
