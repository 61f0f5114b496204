import { defineConfig } from 'vitest/config';
import { INTEGRATION_FILES, INTEGRATION_PATTERNS } from './vitest.integration.config.js';

/** Nothing listens here: a unit test that reaches for a database fails at once instead of passing by luck. */
const CLOSED = '127.0.0.1:9';

/**
 * Small tests: pure logic (evaluate tables, window and cron maths, parsing, grading, frames, matchers). They need no
 * database and run in seconds; the database variables point nowhere so that one which does need it fails here.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: [...INTEGRATION_PATTERNS, ...INTEGRATION_FILES, '**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 10_000,
    env: {
      DBPATROL_TEST_PG_URL: `postgres://nobody@${CLOSED}/nowhere`,
      DBPATROL_TEST_MYSQL_HOST: '127.0.0.1',
      DBPATROL_TEST_MYSQL_PORT: '9',
      PGHOST: '/nonexistent',
      PGPORT: '9',
      MYSQL_HOST: '/nonexistent',
      MONGO_URL: '',
      DBPATROL_STORE_URL: `postgres://nobody@${CLOSED}/nowhere`,
    },
    reporters: ['default'],
  },
});
