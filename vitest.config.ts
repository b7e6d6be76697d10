import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests outside src/ and web/src/ that need no server, database, browser or child process: they join the unit
 * tests in `npm run test:unit`. test/dev/test-split.test.ts checks that none of them reaches for one.
 */
export const UNIT_TESTS_OUTSIDE_SRC = [
  'test/mlflow/adapter-rules.test.ts',
  'test/mlflow/replay-support.test.ts',
  'test/provenance/log-digests.test.ts',
  'test/sdk/retry-policy.test.ts',
  'test/sdk/sdk-imports.test.ts',
  'test/store/dialect-seam.test.ts',
  'test/store/migrations-stand-alone.test.ts',
  'test/store/services-build-no-sql.test.ts',
];

const UNIT = ['src/**/*.test.ts', 'web/src/**/*.test.ts', ...UNIT_TESTS_OUTSIDE_SRC];

// `vitest run` runs both projects (what `npm test` runs); `--project unit` or `--project int` runs one.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A poll ends as soon as its condition holds; the limit only matters on a loaded machine (CI runs browser and
    // database tests side by side on two cores), where a page may take more than the default second to settle.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Vitest's default on a two-core machine is one fork; most test time is spent waiting on servers, databases,
    // browsers and child processes, so two forks keep both cores busy.
    maxWorkers: 2,
    projects: [
      // Unit tests touch no process-wide state (test/dev/test-split.test.ts keeps servers, databases and child
      // processes out of them), so they share one module graph per worker instead of importing it again per file.
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/**/*.test.ts'],
          // Each file starts its own servers, databases and browsers and stops them; what it would share through the
          // module graph (caches keyed by database handle) is per handle, so files share one graph per worker instead
          // of importing the server's again for each of them. A file that counts process-wide state loads the
          // modules it counts afresh (vi.resetModules).
          isolate: false,
          globalSetup: ['test/support/global-setup.ts'],
          exclude: [...configDefaults.exclude, ...UNIT_TESTS_OUTSIDE_SRC],
        },
      },
    ],
  },
});
