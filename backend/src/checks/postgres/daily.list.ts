import type { AnyCheck } from '../check.types.js';
import { postgresUptime } from './availability/uptime.check.js';
import { postgresBackupAge } from './backup/backup-age.check.js';
import { postgresWalArchiving } from './backup/wal-archiving.check.js';
import { postgresConnectionSaturation } from './connections/connection-saturation.check.js';
import { postgresErrorCounters } from './errors/error-counters.check.js';
import { postgresBlockedSessions } from './locks/blocked-sessions.check.js';
import { postgresReplicationLag } from './replication/replication-lag.check.js';
import { postgresReplicationSlots } from './replication/replication-slots.check.js';
import { postgresUnexpectedRole } from './replication/unexpected-role.check.js';
import { postgresChecksumFailures } from './storage/checksum-failures.check.js';
import { postgresFilesystemFreeSpace } from './storage/filesystem-free-space.check.js';
import { postgresLongTransactions } from './transactions/long-transactions.check.js';
import { postgresXidWraparound } from './transactions/xid-wraparound.check.js';

/** PostgreSQL daily checks PG-D01 … PG-D13, in catalog order. */
export const POSTGRES_DAILY_CHECKS: readonly AnyCheck[] = [
  postgresUptime,
  postgresUnexpectedRole,
  postgresReplicationLag,
  postgresReplicationSlots,
  postgresConnectionSaturation,
  postgresLongTransactions,
  postgresBlockedSessions,
  postgresWalArchiving,
  postgresBackupAge,
  postgresErrorCounters,
  postgresXidWraparound,
  postgresFilesystemFreeSpace,
  postgresChecksumFailures,
];
