import type { AnyCheck } from '../check.types.js';
import { postgresAutovacuumLag } from './objects/autovacuum-lag.check.js';
import { postgresDisabledTriggers } from './objects/disabled-triggers.check.js';
import { postgresInvalidIndexes } from './objects/invalid-indexes.check.js';
import { postgresLargeTables } from './objects/large-tables.check.js';
import { postgresMissingStatistics } from './objects/missing-statistics.check.js';
import { postgresPreparedTransactions } from './objects/prepared-transactions.check.js';
import { postgresRedundantIndexes } from './objects/redundant-indexes.check.js';
import { postgresSequenceExhaustion } from './objects/sequence-exhaustion.check.js';
import { postgresTableBloat } from './objects/table-bloat.check.js';
import { postgresTablesWithoutPrimaryKey } from './objects/tables-without-primary-key.check.js';
import { postgresUnindexedForeignKeys } from './objects/unindexed-foreign-keys.check.js';
import { postgresUnusedIndexes } from './objects/unused-indexes.check.js';

/** PostgreSQL weekly object checks, PG-W01 … PG-W12, in catalog order. */
export const POSTGRES_WEEKLY_OBJECT_CHECKS: readonly AnyCheck[] = [
  postgresTablesWithoutPrimaryKey,
  postgresInvalidIndexes,
  postgresUnusedIndexes,
  postgresRedundantIndexes,
  postgresUnindexedForeignKeys,
  postgresTableBloat,
  postgresAutovacuumLag,
  postgresSequenceExhaustion,
  postgresMissingStatistics,
  postgresDisabledTriggers,
  postgresPreparedTransactions,
  postgresLargeTables,
];
