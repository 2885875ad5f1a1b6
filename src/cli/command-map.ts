import type {Command} from '@oclif/core'
import Check from '../commands/check.js'
import Convert from '../commands/convert.js'
import Import from '../commands/import.js'
import Scan from '../commands/scan.js'
import UpgradeApply from '../commands/upgrade/apply.js'
import UpgradePlan from '../commands/upgrade/plan.js'
import UpgradeRollback from '../commands/upgrade/rollback.js'
import UpgradeStatus from '../commands/upgrade/status.js'

/**
 * Every command by id, as oclif's explicit command strategy wants it (stack-notes §1.1, rdme).
 * The npm package still finds its commands by directory (./dist/commands); this map is what the
 * single executable bundles, where there is no directory to search. A test keeps it equal to
 * the files under src/commands.
 */
export const COMMANDS: Record<string, Command.Class> = {
  check: Check,
  convert: Convert,
  import: Import,
  scan: Scan,
  'upgrade:apply': UpgradeApply,
  'upgrade:plan': UpgradePlan,
  'upgrade:rollback': UpgradeRollback,
  'upgrade:status': UpgradeStatus,
}
