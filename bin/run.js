#!/usr/bin/env node
// `convert` first tries a fast path that does not load oclif (see src/cli/fast-convert.ts);
// everything else, and every call the fast path declines, runs through oclif.
if (process.argv[2] === 'convert' && !process.env.XENLIFT_NO_FAST_PATH) {
  const {fastConvert} = await import('../dist/cli/fast-convert.js')
  const code = await fastConvert(process.argv.slice(3))
  if (code !== undefined) process.exitCode = code
  else await runOclif()
} else {
  await runOclif()
}

async function runOclif() {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
