/** What `xenlift scan` loads when it runs: its run() imports this module (why: base-command.ts). */
export {openHost} from '../../host/open-host.js'
export {scanFleet} from '../../host/scan.js'
export {createHostProgress} from '../../ui/host-progress.js'
export {pickProgressMode} from '../../ui/renderer.js'
export {renderScan} from '../../ui/scan-table.js'
export {resolveHostTargets} from '../host-targets.js'
