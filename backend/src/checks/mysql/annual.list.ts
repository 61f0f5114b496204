import type { AnyCheck } from '../check.types.js';
import { mysqlAdaptiveHashIndex } from './performance/adaptive-hash-index.check.js';
import { mysqlBufferPoolEfficiency } from './performance/buffer-pool-efficiency.check.js';
import { mysqlFullScans } from './performance/full-scans.check.js';
import { mysqlLockContention } from './performance/lock-contention.check.js';
import { mysqlLogWaits } from './performance/log-waits.check.js';
import { mysqlSortSpills } from './performance/sort-spills.check.js';
import { mysqlTopSql } from './performance/top-sql.check.js';

/** MYSQL annual checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_ANNUAL_CHECKS: readonly AnyCheck[] = [
  mysqlTopSql,
  mysqlFullScans,
  mysqlBufferPoolEfficiency,
  mysqlLockContention,
  mysqlLogWaits,
  mysqlSortSpills,
  mysqlAdaptiveHashIndex,
];
