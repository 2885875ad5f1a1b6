import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'plugins/*/test/**/*.test.ts'],
    exclude: ['test/lab/**', '**/node_modules/**'],
    // oclif's runCommand needs the real stdout (oclif/test README)
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
