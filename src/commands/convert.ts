import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {EXIT} from '../cli/exit-codes.js'
import {defaultLibvirtVersion} from '../convert/libvirt-version.js'
import {type ConvertRecord, runConvert} from '../convert/run-convert.js'
import {findVirtXmlValidate, virtXmlValidator} from '../convert/validate.js'
import {parseVersion, targetFor} from '../formats/libvirt/target.js'
import {formatDiagnostic} from '../model/diagnostic.js'

export default class Convert extends BaseCommand {
  static override summary = 'Convert xend SXP, xm and xl configs (and libvirt XML) to libvirt domain XML, xl or xm'
  static override description = `Reads each PATH (a file, or with -r a directory tree such as /etc/xen or /var/lib/xend/domains),
detects its format, and writes what libvirt itself would write for it. One input and no -o: the
result alone on stdout. Bad input is reported as path:line:col: message on stderr and the other
inputs are still converted. Nothing is ever executed from an xm config (it is Python): what cannot
be evaluated statically is reported and, where the rest still yields a domain, conversion goes on.

Exit codes: 0 all converted; 1 some inputs failed (the others are still written); 2 usage error.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> /var/lib/xend/domains/0f5e…/config.sxp > guest.xml',
    '<%= config.bin %> <%= command.id %> --recursive /etc/xen --output converted/',
    '<%= config.bin %> <%= command.id %> --from xm --to xl /etc/xen/web01',
    '<%= config.bin %> <%= command.id %> --json --libvirt-version 11.3.0 fixtures/demo-host/etc/xen',
  ]
  static override enableJsonFlag = true
  static override strict = false
  static override args = {
    path: Args.string({description: 'config file or (with -r) directory; several may be given', required: true}),
  }
  static override flags = {
    from: Flags.option({options: ['auto', 'sxp', 'xm', 'xl', 'libvirt'] as const, default: 'auto', summary: 'input format (auto detects from content)'})(),
    to: Flags.option({options: ['libvirt', 'xl', 'xm'] as const, default: 'libvirt', summary: 'output format'})(),
    'libvirt-version': Flags.string({summary: 'libvirt version the XML is for (default: local `virsh --version`, else 9.0.0)'}),
    recursive: Flags.boolean({char: 'r', summary: 'walk directories (xend domain dirs, /etc/xen; non-configs and Domain-0 are skipped)'}),
    output: Flags.string({char: 'o', summary: 'write one <name>.xml (.cfg for xl, .xm for xm) per domain into this directory'}),
    force: Flags.boolean({summary: 'with -o: overwrite existing files'}),
    validate: Flags.boolean({summary: "check each XML with libvirt's virt-xml-validate (when installed)"}),
    strict: Flags.boolean({summary: 'fail an input when anything was lost or changed in conversion (any warning)'}),
  }

  async run(): Promise<ConvertRecord[]> {
    const {argv, flags} = await this.parse(Convert)
    const paths = argv as string[]
    let version = flags['libvirt-version']
    if (version !== undefined && !parseVersion(version)) this.usageError(`--libvirt-version: '${version}' is not a version like 9.0.0`)
    version ??= (await defaultLibvirtVersion()).version
    const json = this.jsonEnabled()
    if (paths.length > 1 && flags.output === undefined && !json) {
      this.usageError('several inputs need -o/--output DIR or --json (stdout holds one result only)')
    }
    let validator
    if (flags.validate) {
      const bin = await findVirtXmlValidate()
      if (bin) validator = virtXmlValidator(bin)
      else this.warn('--validate: virt-xml-validate is not installed (Debian: libvirt-clients); not validating')
    }
    const result = await runConvert({
      paths,
      recursive: flags.recursive,
      from: flags.from,
      to: flags.to,
      target: targetFor(version),
      ...(flags.output !== undefined ? {outputDir: flags.output} : {}),
      force: flags.force,
      strict: flags.strict,
      ...(validator ? {validator} : {}),
    })
    for (const rec of result.records) {
      for (const d of rec.diagnostics) process.stderr.write(`${formatDiagnostic(d, rec.source)}\n`)
      if (rec.skipped !== undefined && rec.ok) process.stderr.write(`${rec.source}: skipped${rec.name ? ` ${rec.name}` : ''}: ${rec.skipped}\n`)
    }
    const converted = result.records.filter((r) => r.ok && r.skipped === undefined)
    if (!json) {
      if (flags.output === undefined) {
        if (converted.length > 1) {
          this.usageError(`${paths[0]} holds ${converted.length} domains: use -o/--output DIR or --json`)
        }
        const out = converted[0]?.xml ?? converted[0]?.cfg
        if (out !== undefined) process.stdout.write(out)
      } else {
        for (const r of converted) if (r.written) process.stderr.write(`wrote ${r.written}\n`)
      }
      if (result.records.length > 0 || result.walkSkipped.length > 0) {
        process.stderr.write(`${converted.length} converted, ${result.failed} failed, ${result.records.filter((r) => r.skipped).length + result.walkSkipped.length} skipped\n`)
      }
    }
    if (result.failed > 0) process.exitCode = EXIT.failed
    else if (converted.length === 0 && result.records.every((r) => r.skipped)) {
      process.stderr.write('nothing to convert\n')
      process.exitCode = EXIT.failed
    }
    return result.records
  }
}
