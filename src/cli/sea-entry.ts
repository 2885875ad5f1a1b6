/**
 * Entry of the single executable (`npm run package` → dist-bin/xenlift, scripts/build-sea.mjs):
 * esbuild bundles this file and everything it imports into one CommonJS script, which Node's
 * single-executable-application support embeds into a copy of `node`. There is no package
 * directory at run time, so oclif gets its package.json as data (injected at build time) and
 * its commands from COMMANDS instead of globbing ./dist/commands. Plugins (the upgrade
 * strategies, `plugins install`) are left out: they are loaded from files.
 */
import {dirname} from 'node:path'
import {Config, flush, handle, Plugin, run} from '@oclif/core'
import {fastConvert} from './fast-convert.js'
import {COMMANDS} from './command-map.js'

/** package.json's name, version and oclif section, put here by the bundler. */
declare const __XENLIFT_PJSON__: {name: string; version: string; oclif: Record<string, unknown>}

// oclif's explicit strategy imports its target file by path; the map is already in the bundle.
const proto = Plugin.prototype as unknown as {loadCommandsFromTarget(this: {isRoot: boolean}): Promise<unknown>}
const loadFromTarget = proto.loadCommandsFromTarget
proto.loadCommandsFromTarget = async function (this: {isRoot: boolean}) {
  return this.isRoot ? COMMANDS : loadFromTarget.call(this)
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv[0] === 'convert' && !process.env.XENLIFT_NO_FAST_PATH) {
    const code = await fastConvert(argv.slice(1))
    if (code !== undefined) {
      process.exitCode = code
      return
    }
  }
  const pjson = {
    ...__XENLIFT_PJSON__,
    oclif: {...__XENLIFT_PJSON__.oclif, plugins: [], commands: {strategy: 'explicit', target: './commands.js', identifier: 'COMMANDS'}},
  }
  try {
    const config = await Config.load({root: dirname(process.execPath), pjson: pjson as never, userPlugins: false, devPlugins: false, jitPlugins: false})
    await run(argv, config)
    await flush()
  } catch (error) {
    await handle(error as Error)
  }
}

void main()
