import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts'],
          globalSetup: ['packages/stack/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One shared stack: integration files run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
})
