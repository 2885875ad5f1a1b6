/** What `xenlift import` loads when it runs: its run() imports this module (why: base-command.ts). */
export {collectInputs} from '../../convert/inputs.js'
export {parseVersion} from '../../formats/libvirt/target.js'
export {importFleet} from '../../host/import-fleet.js'
export {openHost} from '../../host/open-host.js'
export {createHostProgress} from '../../ui/host-progress.js'
export {renderImport} from '../../ui/import-report.js'
export {pickProgressMode} from '../../ui/renderer.js'
export {resolveHostTargets} from '../host-targets.js'
