import { defineConfig } from 'vitest/config'

// Suites with databases of their own, which the shared stack's fault and move suites cannot touch.
// (The consumer suites use the shared clusters, which the fault suite freezes: they stay serial.)
const STANDALONE = ['packages/stack/test/integration/second-stack.test.ts']

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          // Type tests (*.test-d.ts): checked by tsc, reported as tests.
          typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts', 'packages/*/test/browser/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          exclude: STANDALONE,
          globalSetup: ['packages/stack/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One shared stack, which some suites stop, kill or move things on: one file at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          // Suites that change nothing the others use and that nothing the others do can touch:
          // one at a time, beside the integration files.
          name: 'standalone',
          include: STANDALONE,
          globalSetup: ['packages/stack/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
