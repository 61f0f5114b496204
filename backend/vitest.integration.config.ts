import { defineConfig } from 'vitest/config';

/**
 * Test files that need a live server (the local PostgreSQL or MariaDB, a store — the embedded one too —, a child
 * process, promtool, Chromium…) are named `*.integration.test.ts` (or `*.e2e.test.ts` for the whole stack); a plain
 * `*.test.ts` needs none of that and runs in the unit configuration, where the database variables point nowhere.
 */
export const INTEGRATION_PATTERNS = ['src/**/*.integration.test.ts', 'src/**/*.e2e.test.ts'];
/** Still named as before the split (the CLI's own tests start `dbpatrol serve` and inspect the local servers). */
export const INTEGRATION_FILES = ['src/cli/cli.test.ts'];

export default defineConfig({
  test: {
    include: [...INTEGRATION_PATTERNS, ...INTEGRATION_FILES],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
