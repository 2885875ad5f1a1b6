/** What `xenlift upgrade status` loads when it runs: its run() imports this module (why: base-command.ts). */
export {recordedRunsForPlan} from '../../../runbook/journal.js'
export {hostRunStatus} from '../../../runbook/status.js'
export {renderTable} from '../../../ui/table.js'
