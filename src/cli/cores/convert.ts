/** What `xenlift convert` loads when it runs: its run() imports this module (why: base-command.ts). */
export {convertUsageProblem, executeConvert} from '../../convert/convert-cli.js'
