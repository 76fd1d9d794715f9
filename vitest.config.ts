import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    // One engine, one registry: integration files run one after another (unit files are few and fast).
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // Property tests with fast-check: about 100,000 generated inputs per run (FUZZ_SCALE multiplies).
        test: {
          name: 'fuzz',
          include: ['server/test/fuzz/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['server/test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
