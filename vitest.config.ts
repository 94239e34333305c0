import { defineConfig } from 'vitest/config';

// Two groups, run one after the other: quick unit tests in parallel, then the
// thread-heavy and browser files (`*.solo.test.ts`, e2e/) one file at a time,
// because this machine has 2 cores and those files time nothing but share them.
const heavy = ['**/*.solo.test.ts', 'e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    // RINGSCOPE_VITEST_JSON: where a nested run (e2e/node24.solo.test.ts) writes its report instead.
    reporters: ['default', ['json', { outputFile: process.env.RINGSCOPE_VITEST_JSON ?? 'test-results/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src-*/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...heavy, '**/node_modules/**'],
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'serial',
          include: heavy,
          exclude: ['**/node_modules/**'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
