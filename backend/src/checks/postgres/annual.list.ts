import type { AnyCheck } from '../check.types.js';
import { postgresBufferWrites } from './performance/buffer-writes.check.js';
import { postgresCacheHitRatio } from './performance/cache-hit-ratio.check.js';
import { postgresIndexCandidates } from './performance/index-candidates.check.js';
import { postgresLargeTableSeqScans } from './performance/large-table-seq-scans.check.js';
import { postgresRollbackRatio } from './performance/rollback-ratio.check.js';
import { postgresTempSpills } from './performance/temp-spills.check.js';
import { postgresTopSql } from './performance/top-sql.check.js';
import { postgresWaitEvents } from './performance/wait-events.check.js';

/** POSTGRES annual checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_ANNUAL_CHECKS: readonly AnyCheck[] = [
  postgresTopSql,
  postgresCacheHitRatio,
  postgresTempSpills,
  postgresBufferWrites,
  postgresLargeTableSeqScans,
  postgresWaitEvents,
  postgresRollbackRatio,
  postgresIndexCandidates,
];
