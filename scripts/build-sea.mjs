#!/usr/bin/env node
// `npm run package`: dist-bin/xenlift, a single executable made from the node running this
// script with Node's own single-executable-application support (no download):
//   1. esbuild bundles src/cli/sea-entry.ts and every dependency into one CommonJS script;
//   2. `node --experimental-sea-config` turns it into a blob (Node 20, 22 and 24 all take this);
//   3. a copy of this node binary gets the blob injected by postject (the NODE_SEA_BLOB resource
//      and the sentinel fuse, as Node's single-executable-applications docs say).
// The executable needs no node_modules and no node on PATH; it runs on machines of the same OS
// and architecture as this one, with the glibc this node was built for.
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'dist-bin')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

rmSync(out, {recursive: true, force: true})
mkdirSync(out)
const script = join(out, 'xenlift.cjs')

// A few modules load a dependency lazily with createRequire(import.meta.url)(name) (to keep
// start-up fast); in the bundle that becomes a plain require(), which esbuild follows and keeps
// lazy (CommonJS modules run on first require).
const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    b.onLoad({filter: /[/\\]src[/\\].*\.ts$/}, (args) => {
      const text = readFileSync(args.path, 'utf8')
      return {contents: text.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'ts'}
    })
  },
}

// ssh2's optional native speed-ups (cpu-features, sshcrypto.node) cannot be embedded; ssh2
// falls back to pure JavaScript when they fail to load, so they become modules that throw
// (a plain external would make the executable warn that its require() only loads built-ins).
// So does `typescript`, which oclif requires only to run a plugin from its TypeScript sources.
const noNativeAddons = {
  name: 'no-native-addons',
  setup(b) {
    b.onResolve({filter: /^(cpu-features|typescript)$|\.node$/}, (args) => ({path: args.path, namespace: 'no-native'}))
    b.onLoad({filter: /.*/, namespace: 'no-native'}, (args) => ({contents: `throw new Error(${JSON.stringify(`${args.path}: not in the single executable`)})`, loader: 'js'}))
  },
}

// Probes that read files next to a module at load time: in the executable each prints Node's
// warning that its require() only loads built-ins. fdir (oclif's globbing) looks for its
// optional picomatch, which is bundled; oclif checks package.json's engines against the node
// it runs on, which is the one embedded here.
const noLoadTimeProbes = {
  name: 'no-load-time-probes',
  setup(b) {
    b.onLoad({filter: /[/\\]fdir[/\\]dist[/\\]index\.cjs$/}, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace('require.resolve("picomatch");', ''),
      loader: 'js',
    }))
    b.onLoad({filter: /[/\\]@oclif[/\\]core[/\\]lib[/\\]index\.js$/}, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/^checkNodeVersion\(\);$/m, ''),
      loader: 'js',
    }))
  },
}

await build({
  entryPoints: [join(root, 'src/cli/sea-entry.ts')],
  outfile: script,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  define: {__XENLIFT_PJSON__: JSON.stringify({name: pkg.name, version: pkg.version, oclif: pkg.oclif})},
  plugins: [lazyRequire, noNativeAddons, noLoadTimeProbes],
  logLevel: 'warning',
})

const seaConfig = join(out, 'sea-config.json')
const blob = join(out, 'xenlift.blob')
writeFileSync(seaConfig, JSON.stringify({main: script, output: blob, disableExperimentalSEAWarning: true}))
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], {stdio: 'inherit'})

const exe = join(out, 'xenlift')
copyFileSync(process.execPath, exe)
chmodSync(exe, 0o755)
const {inject} = await import('postject')
await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'})
if (!process.env.SEA_KEEP_BUNDLE) for (const f of [script, blob, seaConfig]) rmSync(f)
process.stdout.write(`wrote ${exe}\n`)
