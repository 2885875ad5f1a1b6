import {readFile, stat} from 'node:fs/promises'
import {convertText} from '../convert/convert.js'
import {collectInputs} from '../convert/inputs.js'
import {detectFormat} from '../formats/detect.js'
import {DEFAULT_LIBVIRT_VERSION, parseVersion, targetFor} from '../formats/libvirt/target.js'
import {formatDiagnostic, type Diagnostic} from '../model/diagnostic.js'
import type {SourceFormat} from '../model/read-result.js'
import {importDomains, LIBXL_URI, type ImportItem} from '../host/import-domains.js'
import {LocalTransport} from '../transport/local.js'
import type {Transport} from '../transport/transport.js'
import {HELP, parseXen2libvirtArgs, USAGE} from './parse-args.js'

export interface Xen2libvirtIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Where domains are defined (default: this machine). */
  readonly transport?: Transport
}

/**
 * `xen2libvirt` as SUSE shipped it, on xenlift's converter: each PATH (or, with -r, every file
 * below it) is converted to libvirt XML and either printed (-c) or defined in the local libvirt
 * (`xen:///system`); an existing definition with the same name and uuid is replaced, as
 * libvirt's defineXML did for SUSE's script. Differences on purpose: conversion needs no running
 * libvirt (-c works anywhere); one bad file does not stop the others (exit 1 at the end);
 * findings that SUSE's tool never saw (Python in xm files, PVSCSI) are printed on stderr;
 * -v messages go to stderr so that -c output stays pure XML.
 */
export async function xen2libvirt(argv: readonly string[], io: Xen2libvirtIo): Promise<number> {
  const args = parseXen2libvirtArgs(argv)
  if ('error' in args) {
    io.stderr(`${USAGE}\nxen2libvirt: error: ${args.error}\n`)
    return 2
  }
  if (args.help) {
    io.stdout(HELP)
    return 0
  }
  const path = args.path as string
  const verbose = (m: string) => {
    if (args.verbose) io.stderr(`${m}\n`)
  }
  const st = await stat(path).catch(() => undefined)
  if (!st) {
    io.stderr(`Failed to open/read path ${path}\n`)
    return 1
  }
  if (st.isDirectory() && !args.recursive) {
    io.stderr(`${path} is a directory; use -r/--recursive to import every configuration below it\n`)
    return 1
  }
  const collected = await collectInputs([path], args.recursive)
  for (const s of collected.skipped) verbose(`Skipping ${s.path} (${s.reason})`)
  let failed = collected.errors.length
  for (const e of collected.errors) io.stderr(`Failed to open/read path ${e.path}: ${e.message}\n`)

  const t = io.transport ?? new LocalTransport()
  let target = targetFor(DEFAULT_LIBVIRT_VERSION)
  if (!args.convertOnly) {
    const uri = await t.exec(['virsh', '-c', LIBXL_URI, 'uri'], {env: {LC_ALL: 'C'}})
    if (uri.exitCode !== 0) {
      io.stderr('Failed to open connection to the hypervisor\n')
      return 1
    }
    const v = await t.exec(['virsh', '--version'], {env: {LC_ALL: 'C'}})
    if (v.exitCode === 0 && parseVersion(v.stdout.trim())) target = targetFor(v.stdout.trim())
  }

  for (const file of collected.files) {
    const text = await readFile(file.path, 'utf8').catch(() => undefined)
    if (text === undefined) {
      io.stderr(`Failed to open/read path ${file.path}\n`)
      failed++
      continue
    }
    verbose(`Successfully read config file ${file.path}`)
    const base = file.path.slice(file.path.lastIndexOf('/') + 1)
    const from = pickFormat(text, base, args.format)
    if ('skip' in from) {
      verbose(`Skipping ${file.path} (${from.skip})`)
      continue
    }
    verbose(`Converting ${from.format === 'sxp' ? 'S-expression' : `${from.format} config`} to domXML...`)
    // Defined domains keep their VNC/SPICE passwords; -c prints what domxml-from-native would (none).
    const r = convertText(text, {file: file.path, baseName: base, from: from.format, target, securityInfo: !args.convertOnly})
    const report = (d: Diagnostic) => {
      if (d.severity !== 'info' || args.verbose) io.stderr(`${formatDiagnostic(d, file.path)}\n`)
    }
    r.diagnostics.forEach(report)
    if (r.domains.length === 0) {
      if (r.diagnostics.some((d) => d.severity === 'error')) {
        io.stderr(`Failed to convert ${file.path} to domXML\n`)
        failed++
      } else for (const s of r.skipped) verbose(`Skipping ${s.name ?? file.path} (${s.reason})`)
      continue
    }
    const items: ImportItem[] = []
    for (const d of r.domains) {
      d.diagnostics.forEach(report)
      if (d.output === undefined) {
        io.stderr(`Failed to convert ${file.path} to domXML\n`)
        failed++
        continue
      }
      if (args.convertOnly) io.stdout(d.output)
      else items.push({name: d.name, ...(d.uuid !== undefined ? {uuid: d.uuid} : {}), xml: d.output, source: file.path, diagnostics: d.diagnostics, blockers: []})
    }
    if (items.length === 0) continue
    verbose('Importing converted libvirt domXML into libvirt...')
    // SUSE's tool defined whatever it converted: no blocker stops a domain here (force).
    for (const o of await importDomains(t, items, {update: true, force: true})) {
      if (o.status === 'failed') {
        io.stderr(`Failed to define domain '${o.name}' from converted domXML: ${o.message}\n`)
        failed++
      } else verbose(`domXML of '${o.name}' successfully imported into libvirt (${o.action})`)
    }
  }
  return failed > 0 ? 1 : 0
}

/** `-f sexpr` → SXP; `-f xm` → native config (xm, or xl when it uses xl-only syntax); none → detect. */
function pickFormat(text: string, baseName: string, forced: 'xm' | 'sexpr' | undefined): {format: SourceFormat} | {skip: string} {
  if (forced === 'sexpr') return {format: 'sxp'}
  const d = detectFormat(text, baseName)
  if (forced === 'xm') return 'format' in d && d.format === 'xl' ? {format: 'xl'} : {format: 'xm'}
  if ('skip' in d) return d
  // SUSE's tool skipped libvirt XML (`<domain`): it is already in libvirt's format.
  if (d.format === 'libvirt') return {skip: 'already libvirt domain XML'}
  return {format: d.format}
}
