import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import type {ConvertRecord} from '../convert/run-convert.js'

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
    '<%= config.bin %> <%= command.id %> --json --libvirt-version 11.3.0 --recursive fixtures/demo-host',
  ]
  static override enableJsonFlag = true
  static override strict = false
  static override args = {
    path: Args.string({description: 'config file or (with -r) directory; several may be given', required: true}),
  }
  // Keep in step with FAST_CONVERT_FLAGS in src/cli/fast-convert.ts (a test compares them).
  static override flags = {
    from: Flags.option({options: ['auto', 'sxp', 'xm', 'xl', 'libvirt'] as const, default: 'auto', summary: 'input format (auto detects from content)'})(),
    to: Flags.option({options: ['libvirt', 'xl', 'xm'] as const, default: 'libvirt', summary: 'output format'})(),
    'libvirt-version': Flags.string({summary: 'libvirt version the XML is for (default: local `virsh --version`, else 9.0.0)'}),
    recursive: Flags.boolean({char: 'r', summary: 'walk directories (xend domain dirs, /etc/xen; non-configs and Domain-0 are skipped)'}),
    output: Flags.string({char: 'o', summary: 'write one <name>.xml (.cfg for xl, .xm for xm) per domain into this directory'}),
    force: Flags.boolean({summary: 'with -o: overwrite existing files'}),
    validate: Flags.boolean({summary: "check each XML with libvirt's virt-xml-validate (when installed)"}),
    strict: Flags.boolean({summary: 'fail an input when anything was lost or changed in conversion (any warning)'}),
    'security-info': Flags.boolean({
      summary: 'write VNC/SPICE passwords (omitted by default, like virsh domxml-from-native); -o files holding one are mode 0600',
    }),
  }

  async run(): Promise<ConvertRecord[]> {
    const {argv, flags} = await this.parse(Convert)
    const paths = argv as string[]
    const json = this.jsonEnabled()
    const {convertUsageProblem, executeConvert} = await import('../cli/cores/convert.js')
    const problem = convertUsageProblem(paths, flags, json)
    if (problem) this.usageError(problem)
    const outcome = await executeConvert(paths, flags, {
      json,
      ...(this.interruptSignal ? {signal: this.interruptSignal} : {}),
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    })
    if (outcome.usage) this.usageError(outcome.usage)
    if (outcome.exitCode !== 0) process.exitCode = outcome.exitCode
    return outcome.records
  }
}
