import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0', NO_COLOR: '1'},
    testTimeout: 600_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
