import { defineConfig } from 'vitest/config';

// `npm test` runs all four projects. Integration and e2e share one global set-up that provides a
// fresh Postgres database and a real Temporal dev server (see engine/testing/global-setup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{engine,workflows,db,web}/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/*.chaos.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{engine,workflows,db}/**/*.int.test.ts'],
          globalSetup: ['engine/testing/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Kills and restarts servers: its own Postgres and Temporal, never the shared ones above.
          name: 'chaos',
          include: ['engine/chaos/**/*.chaos.test.ts'],
          globalSetup: ['engine/chaos/setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['engine/testing/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
