import type { AnyCheck } from '../check.types.js';
import { mysqlUptime } from './availability/uptime.check.js';
import { mysqlBackupAge } from './backup/backup-age.check.js';
import { mysqlBinlogEnabled } from './backup/binlog-enabled.check.js';
import { mysqlBinlogSequence } from './backup/binlog-sequence.check.js';
import { mysqlAbortedConnections } from './connections/aborted-connections.check.js';
import { mysqlConnectionSaturation } from './connections/connection-saturation.check.js';
import { mysqlErrorLog } from './errors/error-log.check.js';
import { mysqlDeadlocks } from './locks/deadlocks.check.js';
import { mysqlLockWaits } from './locks/lock-waits.check.js';
import { mysqlReplicationLag } from './replication/replication-lag.check.js';
import { mysqlReplicationRole } from './replication/replication-role.check.js';
import { mysqlReplicationThreads } from './replication/replication-threads.check.js';
import { mysqlFilesystemFreeSpace } from './storage/filesystem-free-space.check.js';
import { mysqlLongTransactions } from './transactions/long-transactions.check.js';

/** MySQL/MariaDB daily checks (MY-D01 … MY-D13), in catalog order. */
export const MYSQL_DAILY_CHECKS: readonly AnyCheck[] = [
  mysqlUptime,
  mysqlReplicationRole,
  mysqlReplicationThreads,
  mysqlReplicationLag,
  mysqlConnectionSaturation,
  mysqlAbortedConnections,
  mysqlErrorLog,
  mysqlDeadlocks,
  mysqlLongTransactions,
  mysqlLockWaits,
  mysqlBinlogEnabled,
  mysqlBinlogSequence,
  mysqlBackupAge,
  mysqlFilesystemFreeSpace,
];
