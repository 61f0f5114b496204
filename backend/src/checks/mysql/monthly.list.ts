import type { AnyCheck } from '../check.types.js';
import { mysqlBinlogRetention } from './parameters/binlog-retention.check.js';
import { mysqlDurabilitySettings } from './parameters/durability-settings.check.js';
import { mysqlIntegritySettings } from './parameters/integrity-settings.check.js';
import { mysqlLoggingSettings } from './parameters/logging-settings.check.js';
import { mysqlReplicaSafety } from './parameters/replica-safety.check.js';

/** MYSQL monthly checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_MONTHLY_CHECKS: readonly AnyCheck[] = [
  mysqlDurabilitySettings,
  mysqlBinlogRetention,
  mysqlIntegritySettings,
  mysqlLoggingSettings,
  mysqlReplicaSafety,
];
