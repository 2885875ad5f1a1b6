#!/usr/bin/env node
// xenlift's drop-in for SUSE's xen2libvirt: SUSE's flags mapped onto xenlift's converter.
// Runs the built dist/; from a source checkout without a build (or with XENLIFT_DEV=1), runs src/ through tsx.
import {existsSync} from 'node:fs'

const dist = new URL('../dist/xen2libvirt/main.js', import.meta.url)
let mod
if (existsSync(dist) && process.env.XENLIFT_DEV !== '1') {
  mod = await import(dist.href)
} else {
  const {register} = await import('tsx/esm/api')
  register()
  mod = await import(new URL('../src/xen2libvirt/main.ts', import.meta.url).href)
}
process.exitCode = await mod.xen2libvirt(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
})
