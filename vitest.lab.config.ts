import {defineConfig} from 'vitest/config'

// The lab suite (issue #6): boots a real Xen 4.17 + libvirt 9.0 dom0 under QEMU ONCE per run
// (test/lab/global-setup.ts) and compares xenlift with the real libxl driver. One file at a
// time, because they share that one lab; the parallelism is inside (a few virsh calls at once).
export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    globalSetup: ['test/lab/global-setup.ts'],
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
    testTimeout: 600_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
