import { defineConfig } from 'vitest/config'

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
