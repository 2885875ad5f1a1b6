/** What `xenlift upgrade rollback` loads when it runs: its run() imports this module (why: base-command.ts). */
export {recordedRunsForPlan} from '../../../runbook/journal.js'
export {openPlanHost} from '../../../runbook/open-plan-host.js'
export {rollbackHost} from '../../../runbook/rollback.js'
export {confirmOnTerminal} from '../../../ui/confirm.js'
export {renderTable} from '../../../ui/table.js'
export {sshOptionsFrom} from '../../host-targets.js'
export {loadStrategies} from '../../strategies.js'
