import type { AnyCheck } from '../check.types.js';
import { mysqlBinlogRetention } from './parameters/binlog-retention.check.js';
import { mysqlBufferPoolSizing } from './parameters/buffer-pool-sizing.check.js';
import { mysqlCacheEfficiency } from './parameters/cache-efficiency.check.js';
import { mysqlDurabilitySettings } from './parameters/durability-settings.check.js';
import { mysqlIntegritySettings } from './parameters/integrity-settings.check.js';
import { mysqlLoggingSettings } from './parameters/logging-settings.check.js';
import { mysqlMemoryOvercommit } from './parameters/memory-overcommit.check.js';
import { mysqlRedoLogSizing } from './parameters/redo-log-sizing.check.js';
import { mysqlReplicaSafety } from './parameters/replica-safety.check.js';
import { mysqlTempTables } from './parameters/temp-tables.check.js';

/** MYSQL monthly checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_MONTHLY_CHECKS: readonly AnyCheck[] = [
  mysqlDurabilitySettings,
  mysqlBinlogRetention,
  mysqlBufferPoolSizing,
  mysqlRedoLogSizing,
  mysqlMemoryOvercommit,
  mysqlTempTables,
  mysqlCacheEfficiency,
  mysqlIntegritySettings,
  mysqlLoggingSettings,
  mysqlReplicaSafety,
];
